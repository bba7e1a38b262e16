import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import type { HealthStatus } from '../../src/domain/health.js';
import { runHealthCommand } from '../../src/cli/health.js';
import { HealthRegistry } from '../../src/health/registry.js';
import { HealthServer } from '../../src/health/server.js';
import { freePort, nodeBin, REPO_ROOT, startProcess } from '../helpers/processes.js';
import { captureLogs } from '../unit/health-fakes.js';

/** Runs the command with console.log/error captured. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const { log, error } = console;
  console.log = (...a: unknown[]) => void out.push(a.join(' '));
  console.error = (...a: unknown[]) => void err.push(a.join(' '));
  try {
    const code = await runHealthCommand(args);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log;
    console.error = error;
  }
}

describe('adeline health', function () {
  this.timeout(20_000);
  let status: HealthStatus = 'healthy';
  const logs = captureLogs();
  const registry = new HealthRegistry({ logger: logs.logger });
  registry.register({
    name: 'x',
    intervalMs: 60_000,
    run: () => Promise.resolve({ status, message: status }),
  });
  const server = new HealthServer({ registry, host: '127.0.0.1', port: 0, logger: logs.logger });
  let url: string;

  before(async () => {
    await registry.runNow();
    await server.start();
    url = `http://127.0.0.1:${server.port}/health/ready`;
  });
  after(async () => {
    await server.stop();
    await registry.stop();
  });
  beforeEach(async () => {
    status = 'healthy';
    registry.setShuttingDown(false);
    await registry.runNow();
  });

  it('exits 0 and prints the status when the endpoint answers 200', async () => {
    const r = await run(['--url', url]);
    assert.equal(r.code, 0);
    assert.equal(r.out, 'healthy');
  });

  it('exits 0 for a degraded but ready service', async () => {
    status = 'degraded';
    await registry.runNow();
    assert.deepEqual(await run(['--url', url]), { code: 0, out: 'degraded', err: '' });
  });

  it('exits 1 when the endpoint answers 503', async () => {
    registry.setShuttingDown();
    const r = await run(['--url', url]);
    assert.equal(r.code, 1);
    assert.match(r.err, /HTTP 503 unhealthy/);
  });

  it('reads the plain-text status of /health', async () => {
    status = 'unhealthy';
    await registry.runNow();
    const r = await run(['--url', `http://127.0.0.1:${server.port}/health`, '--json']);
    assert.equal(r.code, 1);
    assert.deepEqual(JSON.parse(r.out), {
      url: `http://127.0.0.1:${server.port}/health`,
      ok: false,
      http_status: 503,
      status: 'unhealthy',
      error: 'HTTP 503 unhealthy',
    });
  });

  it('exits 1 for a 404', async () => {
    assert.equal((await run(['--url', `http://127.0.0.1:${server.port}/nope`])).code, 1);
  });

  it('exits 1 when nothing listens on the port', async () => {
    const port = await freePort();
    const r = await run(['--url', `http://127.0.0.1:${port}/health/ready`, '--json']);
    assert.equal(r.code, 1);
    const body = JSON.parse(r.out) as { ok: boolean; error: string };
    assert.equal(body.ok, false);
    assert.match(body.error, /unreachable \(ECONNREFUSED\)/);
  });

  it('exits 1 after --timeout when the server accepts but never answers', async () => {
    const sockets: Socket[] = [];
    const mute: Server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as { port: number }).port;
    try {
      const t0 = Date.now();
      const r = await run(['--url', `http://127.0.0.1:${port}/health/ready`, '--timeout', '300']);
      assert.equal(r.code, 1);
      assert.match(r.err, /no answer within 300 ms/);
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      for (const s of sockets) s.destroy();
      mute.close();
    }
  });

  it('rejects a bad URL, a bad timeout and an unknown flag with exit 1 and the usage', async () => {
    for (const args of [
      ['--url', 'not a url'],
      ['--url', 'ftp://x/health'],
      ['--timeout', '0'],
      ['--timeout', 'soon'],
      ['--frobnicate'],
      ['extra'],
    ]) {
      const r = await run(args);
      assert.equal(r.code, 1, args.join(' '));
      assert.match(r.err, /Usage: adeline health/, args.join(' '));
    }
  });

  it('exits the process with 0 or 1 as a child process, without lingering handles', async () => {
    const script = `import('./src/cli/health.ts').then(async (m) => { process.exitCode = await m.runHealthCommand(process.argv.slice(1)); })`;
    const spawnRun = async (args: string[]) => {
      const p = startProcess(nodeBin(), ['--import', 'tsx', '-e', script, '--', ...args], {
        cwd: REPO_ROOT,
      });
      return { code: await p.exited, out: p.stdout() };
    };
    const live = await spawnRun(['--url', url]);
    assert.deepEqual(live, { code: 0, out: 'healthy\n' });
    const dead = await spawnRun(['--url', `http://127.0.0.1:${await freePort()}/health/ready`]);
    assert.equal(dead.code, 1);
  });

  it('prints the usage and exits 0 for --help', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /--url URL/);
  });
});
