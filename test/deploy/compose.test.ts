/**
 * docker-compose.yml: passes `docker-compose config` (1.29.2, no engine needed), pins every
 * image, wires health-gated dependencies, mounts files that exist and publishes ports on
 * loopback only.
 */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_IMAGE } from './collector-components.js';
import { at, isRecord, readText, readYaml, repoPath, run } from './deploy-files.js';

const SERVICES = [
  'adeline',
  'mosquitto',
  'otel-collector',
  'prometheus',
  'alertmanager',
  'tempo',
  'loki',
  'grafana',
];

type Service = Record<string, unknown>;

describe('docker-compose.yml', () => {
  const compose = readYaml<Record<string, unknown>>('docker-compose.yml');
  const services = compose['services'] as Record<string, Service>;

  it('passes docker-compose config', () => {
    const r = run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']);
    assert.equal(r.status, 0, r.stdout + r.stderr);
  });

  it('fails docker-compose config for a key newer than compose 1.29 (the check is real)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'adeline-compose-'));
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(
      file,
      'services:\n  a:\n    image: busybox:1.36\n    healthcheck:\n      test: ["CMD", "true"]\n      start_interval: 5s\n',
    );
    const r = run('docker-compose', ['-f', file, 'config', '-q']);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /start_interval/);
  });

  it('runs the whole stack', () => {
    for (const s of SERVICES) assert.ok(services[s], `service ${s} is missing`);
  });

  it('pins every image to a version', () => {
    for (const [name, s] of Object.entries(services)) {
      const image = String(s['image']);
      assert.match(
        image,
        /^[\w./-]+:v?\d+\.\d+\.\d+$/,
        `${name}: image ${image} is not pinned to x.y.z`,
      );
    }
    assert.equal(
      services['otel-collector']?.['image'],
      COLLECTOR_IMAGE,
      'the collector configs were checked against this version',
    );
    assert.equal(at(services['adeline'], 'build', 'dockerfile'), 'Dockerfile');
  });

  it('sends traces and logs to the stack collector: OTEL_EXPORTER_OTLP_ENDPOINT is set explicitly', () => {
    // Without it the service exports nothing (telemetry.otlp.endpoint defaults to none).
    const env = at(services['adeline'], 'environment') as Record<string, string>;
    assert.equal(env['OTEL_EXPORTER_OTLP_ENDPOINT'], 'http://otel-collector:4318');
    assert.ok(services['otel-collector'], 'the endpoint names a service of the stack');
  });

  it('gates dependencies on health checks that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, cond] of Object.entries(
        (s['depends_on'] ?? {}) as Record<string, { condition: string }>,
      )) {
        assert.ok(services[dep], `${name} depends on unknown ${dep}`);
        assert.match(cond.condition, /^service_(healthy|started|completed_successfully)$/);
        if (cond.condition === 'service_healthy')
          assert.ok(
            services[dep]?.['healthcheck'],
            `${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`,
          );
      }
    }
    for (const s of ['adeline', 'mosquitto', 'prometheus', 'alertmanager', 'grafana'])
      assert.ok(services[s]?.['healthcheck'], `${s} has no healthcheck`);
    assert.equal(
      at(services['adeline'], 'depends_on', 'mosquitto', 'condition'),
      'service_healthy',
    );
  });

  it('checks adeline health with `adeline health`, like the image does', () => {
    const test = at(services['adeline'], 'healthcheck', 'test') as string[];
    assert.deepEqual(test.slice(0, 3), ['CMD', '/app/bin/adeline', 'health']);
    assert.match(
      readText('Dockerfile'),
      /HEALTHCHECK[^\n]*\n?\s*CMD \["\/app\/bin\/adeline", "health"/,
    );
  });

  it('mounts only files and folders that exist in the repository', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const v of (s['volumes'] ?? []) as string[]) {
        const src = v.split(':')[0] ?? '';
        if (src.startsWith('./'))
          assert.ok(existsSync(repoPath(src)), `${name}: ${src} does not exist`);
        else
          assert.ok(
            isRecord(compose['volumes']) && src in compose['volumes'],
            `${name}: named volume ${src} is not declared`,
          );
      }
    }
    assert.ok(
      readText('docker-compose.yml').includes(
        './otel-collector/config.yaml:/etc/otelcol-contrib/config.yaml:ro',
      ),
    );
  });

  it('keeps data in named volumes', () => {
    for (const [s, path] of [
      ['prometheus', '/prometheus'],
      ['loki', '/loki'],
      ['tempo', '/var/tempo'],
      ['grafana', '/var/lib/grafana'],
      ['alertmanager', '/alertmanager'],
      ['mosquitto', '/mosquitto/data'],
      ['adeline', '/var/lib/adeline/spool'],
    ] as const) {
      assert.ok(
        ((services[s]?.['volumes'] ?? []) as string[]).some(
          (v) => v.endsWith(`-data:${path}`) || v.endsWith(`-spool:${path}`),
        ),
        `${s} keeps ${path} in a named volume`,
      );
    }
  });

  it('publishes ports on 127.0.0.1 only, and documents each one', () => {
    const header = readText('docker-compose.yml').split('\nservices:')[0] ?? '';
    for (const [name, s] of Object.entries(services)) {
      for (const p of (s['ports'] ?? []) as string[]) {
        assert.match(p, /^127\.0\.0\.1:\d+:\d+$/, `${name}: ${p}`);
        const port = p.split(':')[1] ?? '';
        assert.ok(
          header.includes(port),
          `port ${port} of ${name} is not documented in the header comment`,
        );
      }
    }
  });

  it('gives adeline a stop grace period longer than its shutdown.grace_period', () => {
    const grace = Number(at(readYaml('deploy/adeline/config.yaml'), 'shutdown', 'grace_period'));
    const stop = Number(/^(\d+)s$/.exec(String(services['adeline']?.['stop_grace_period']))?.[1]);
    assert.ok(
      stop > grace,
      `stop_grace_period ${stop}s must exceed shutdown.grace_period ${grace}s`,
    );
  });
});
