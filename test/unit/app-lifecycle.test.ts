import assert from 'node:assert/strict';
import { Lifecycle, StopBudget, type Part } from '../../src/app/lifecycle.js';

function recorder() {
  const events: string[] = [];
  const part = (name: string, extra: Partial<Part> = {}): Part => ({
    name,
    start: () => void events.push(`start ${name}`),
    stop: () => void events.push(`stop ${name}`),
    ...extra,
  });
  return { events, part };
}

describe('app lifecycle: parts start in order and stop in reverse within one grace period', () => {
  it('stops the started parts in the reverse of their start order, leaving out disabled parts', async () => {
    const { events, part } = recorder();
    const l = new Lifecycle();
    await l.startAll([part('a'), part('b', { enabled: false }), part('c'), part('d')]);
    assert.deepEqual(l.startedNames(), ['a', 'c', 'd']);
    await l.stopAll(new StopBudget(1000));
    assert.deepEqual(events, ['start a', 'start c', 'start d', 'stop d', 'stop c', 'stop a']);
    await l.stopAll(new StopBudget(1000));
    assert.equal(events.length, 6, 'a second stopAll stops nothing twice');
  });

  it('stops only the parts started before a start that rejects, and rethrows its error', async () => {
    const { events, part } = recorder();
    const l = new Lifecycle();
    const failing = part('model', {
      start: () => Promise.reject(new Error('model file is broken')),
    });
    await assert.rejects(l.startAll([part('a'), part('b'), failing, part('c')]), /broken/);
    await l.stopAll(new StopBudget(1000));
    assert.deepEqual(events, ['start a', 'start b', 'stop b', 'stop a']);
  });

  it('lets one slow stop step eat the budget, still runs the remaining steps, and ends within the grace period', async () => {
    const { events, part } = recorder();
    const l = new Lifecycle();
    const budgets: number[] = [];
    const hang = part('hangs', {
      stop: (b) => {
        events.push('stop hangs');
        budgets.push(b.remainingMs());
        return new Promise<void>(() => {}); // never settles
      },
    });
    const late = part('late', {
      stop: (b) => {
        events.push('stop late');
        budgets.push(b.remainingMs());
      },
    });
    await l.startAll([part('first'), late, hang]);
    const graceMs = 300;
    const t0 = performance.now();
    await l.stopAll(new StopBudget(graceMs));
    const took = performance.now() - t0;
    assert.deepEqual(events.slice(3), ['stop hangs', 'stop late', 'stop first']);
    assert.ok(
      took >= graceMs - 5,
      `the slow step was given the whole budget (${took.toFixed(0)} ms)`,
    );
    assert.ok(
      took < graceMs + 200,
      `stopAll took ${took.toFixed(0)} ms for a ${graceMs} ms grace period`,
    );
    assert.ok(budgets[0]! > graceMs - 50, 'the first step saw nearly all the budget');
    // timers may fire a fraction of a millisecond early against performance.now()
    assert.ok(budgets[1]! < 5, `the step after it saw the budget spent (${budgets[1]} ms left)`);
  });

  it('goes on stopping when a stop step throws', async () => {
    const { events, part } = recorder();
    const l = new Lifecycle();
    const boom = part('boom', {
      stop: () => {
        throw new Error('boom');
      },
    });
    await l.startAll([part('a'), boom, part('c')]);
    await l.stopAll(new StopBudget(1000));
    assert.deepEqual(events.slice(3), ['stop c', 'stop a']);
  });

  it('shares the grace period: a share is capped by what is left, and a negative grace is refused', () => {
    let t = 0;
    const b = new StopBudget(900, () => t);
    assert.equal(b.share(1 / 3), 300);
    t = 800;
    assert.equal(b.remainingMs(), 100);
    assert.equal(b.share(1 / 3), 100);
    t = 2000;
    assert.equal(b.remainingMs(), 0);
    assert.throws(() => new StopBudget(-1), RangeError);
    assert.throws(() => new StopBudget(Number.NaN), RangeError);
  });
});
