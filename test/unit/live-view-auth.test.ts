import assert from 'node:assert/strict';
import { checkAuth, challenge, type LiveAuth } from '../../src/live/live-auth.js';

const bearer: LiveAuth = { mode: 'bearer', token: 'tok-0123456789abcdef' };
const basic: LiveAuth = { mode: 'basic', username: 'ops', password: 'pa:ss wörd' };
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

describe('live view auth', () => {
  it('lets anyone in when the mode is none', () => {
    assert.equal(checkAuth({ mode: 'none' }, undefined), 'ok');
  });

  it('accepts the right bearer token, case-insensitive scheme', () => {
    assert.equal(checkAuth(bearer, 'Bearer tok-0123456789abcdef'), 'ok');
    assert.equal(checkAuth(bearer, 'bearer tok-0123456789abcdef'), 'ok');
  });

  it('rejects a missing, wrong or prefixed bearer token', () => {
    assert.equal(checkAuth(bearer, undefined), 'missing');
    assert.equal(checkAuth(bearer, ''), 'missing');
    assert.equal(checkAuth(bearer, 'Bearer tok-0123456789abcdeX'), 'wrong');
    assert.equal(checkAuth(bearer, 'Bearer tok-0123456789abcdef0'), 'wrong');
    assert.equal(checkAuth(bearer, `Basic ${b64('a:b')}`), 'wrong');
  });

  it('rejects malformed Authorization headers', () => {
    for (const h of [
      'Bearer',
      'tok-0123456789abcdef',
      'Bearer a b',
      'Token x',
      `Bearer ${'x'.repeat(5000)}`,
    ])
      assert.equal(checkAuth(bearer, h), 'malformed', h.slice(0, 40));
    for (const h of ['Basic !!!', `Basic ${b64('no-colon')}`, 'Basic'])
      assert.equal(checkAuth(basic, h), 'malformed', h);
  });

  it('accepts basic credentials whose password holds a colon and non-ASCII', () => {
    assert.equal(checkAuth(basic, `Basic ${b64('ops:pa:ss wörd')}`), 'ok');
    assert.equal(checkAuth(basic, `Basic ${b64('ops:pa:ss word')}`), 'wrong');
    assert.equal(checkAuth(basic, `Basic ${b64('root:pa:ss wörd')}`), 'wrong');
    assert.equal(checkAuth(basic, 'Bearer tok-0123456789abcdef'), 'wrong');
  });

  it('challenges with the scheme of the mode and never names the secret', () => {
    assert.match(challenge(basic) ?? '', /^Basic realm=/);
    assert.match(challenge(bearer) ?? '', /^Bearer realm=/);
    assert.equal(challenge({ mode: 'none' }), undefined);
    assert.ok(!(challenge(bearer) ?? '').includes(bearer.token));
  });
});
