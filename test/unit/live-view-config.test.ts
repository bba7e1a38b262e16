import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, maskSecrets } from '../../src/config/index.js';
import { AdelineError } from '../../src/domain/errors.js';
import { liveViewEnabled, resolveLiveAuth } from '../../src/live/index.js';
import { tempDir } from '../helpers/processes.js';

function configError(overrides: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string {
  try {
    loadConfig({ env, overrides });
  } catch (err) {
    assert.ok(err instanceof AdelineError);
    assert.equal(err.code, 'ADELINE_ERR_CONFIG');
    return err.message;
  }
  assert.fail('expected a configuration error');
}

describe('live_view configuration', () => {
  it('is on by default on loopback and off by default on a wildcard address', () => {
    const { config } = loadConfig({ env: {} });
    assert.equal(config.live_view.enabled, 'auto');
    assert.equal(liveViewEnabled('auto', config.health.host), true);
    assert.equal(liveViewEnabled('auto', '0.0.0.0'), false);
    assert.equal(liveViewEnabled('auto', '::1'), true);
    assert.equal(liveViewEnabled('auto', '10.0.0.5'), false);
    assert.equal(liveViewEnabled(true, '0.0.0.0'), true);
    assert.equal(liveViewEnabled(false, '127.0.0.1'), false);
  });

  it('rejects bad values, naming each key', () => {
    const msg = configError({
      'live_view.max_fps': 0,
      'live_view.jpeg_quality': 101,
      'live_view.enabled': 'yes',
      'live_view.auth.mode': 'cookie',
      'telemetry.trace_link_template': 'javascript:alert(1)',
    });
    for (const key of [
      'live_view.max_fps',
      'live_view.jpeg_quality',
      'live_view.enabled',
      'live_view.auth.mode',
      'telemetry.trace_link_template',
    ])
      assert.ok(msg.includes(key), `${key} in:\n${msg}`);
  });

  it('rejects a trace link template without {trace_id}', () => {
    const msg = configError({ 'telemetry.trace_link_template': 'http://grafana:3000/explore' });
    assert.match(
      msg,
      /telemetry\.trace_link_template: must be an http\(s\) URL containing \{trace_id\}/,
    );
  });

  it('rejects bearer mode without a token, a short token, and a token set twice', () => {
    assert.match(
      configError({ 'live_view.auth.mode': 'bearer' }),
      /live_view\.auth\.token: mode bearer needs/,
    );
    assert.match(
      configError({ 'live_view.auth.mode': 'bearer', 'live_view.auth.token': 'short' }),
      /at least 16 characters/,
    );
    assert.match(
      configError({
        'live_view.auth.mode': 'bearer',
        'live_view.auth.token': 'a'.repeat(20),
        'live_view.auth.token_file': '/run/secrets/t',
      }),
      /live_view\.auth\.token_file: set live_view\.auth\.token or live_view\.auth\.token_file, not both/,
    );
    assert.match(
      configError({ 'live_view.auth.mode': 'basic' }),
      /live_view\.auth\.password: mode basic needs/,
    );
  });

  it('takes the token from the environment and masks it in config check', () => {
    const token = 'env-token-abcdefghijklmnop';
    const { config } = loadConfig({
      env: { ADELINE_LIVE_VIEW__AUTH__TOKEN: token, ADELINE_LIVE_VIEW__AUTH__MODE: 'bearer' },
    });
    assert.deepEqual(resolveLiveAuth(config.live_view.auth), { mode: 'bearer', token });
    const masked = JSON.stringify(maskSecrets(config));
    assert.ok(!masked.includes(token));
    assert.equal((maskSecrets(config).live_view as { auth: { token: string } }).auth.token, '***');
  });

  it('reads the password from a file, and rejects an empty or missing file', () => {
    const dir = tempDir();
    const file = join(dir, 'pw');
    writeFileSync(file, 's3cret-pass\n');
    const { config } = loadConfig({
      env: {},
      overrides: { 'live_view.auth.mode': 'basic', 'live_view.auth.password_file': file },
    });
    assert.deepEqual(resolveLiveAuth(config.live_view.auth), {
      mode: 'basic',
      username: 'adeline',
      password: 's3cret-pass',
    });
    writeFileSync(file, '\n');
    assert.throws(() => resolveLiveAuth(config.live_view.auth), /must hold the secret on one line/);
    const gone = { ...config.live_view.auth, password_file: join(dir, 'missing') };
    assert.throws(() => resolveLiveAuth(gone), /password_file .* cannot be read \(ENOENT\)/);
  });
});

describe('live view in the compose stack', () => {
  it('is enabled with basic auth and a valid Grafana trace link by docker-compose.yml', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
      services: { adeline: { environment: Record<string, string> } };
    };
    const env = Object.fromEntries(
      Object.entries(compose.services.adeline.environment).map(([k, v]) => [
        k,
        String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1'),
      ]),
    );
    const { config } = loadConfig({ file: 'deploy/adeline/config.yaml', env });
    assert.equal(config.health.host, '0.0.0.0');
    assert.equal(liveViewEnabled(config.live_view.enabled, config.health.host), true);
    assert.equal(config.live_view.auth.mode, 'basic');
    const link = config.telemetry.trace_link_template ?? '';
    assert.ok(link.startsWith('http://127.0.0.1:3000/explore?'), link);
    const panes = JSON.parse(
      decodeURIComponent(
        new URL(link.replace('{trace_id}', 'abc')).searchParams.get('panes') ?? '',
      ),
    ) as { a: { queries: Array<{ query: string; datasource: { uid: string } }> } };
    assert.equal(panes.a.queries[0]?.query, 'abc');
    assert.equal(panes.a.queries[0]?.datasource.uid, 'tempo');
  });
});
