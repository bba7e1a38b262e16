/**
 * Bad input through the real CLI (bin/adeline, built dist/): each case gives exactly one
 * `adeline: error [ADELINE_ERR_...]: ...` line that names the thing and the fix, a non-zero exit,
 * and no stack trace. Also: `config check`, `model info` on every layout, usage errors, `--help`.
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  cells,
  constantModel,
  end2endOutput,
  unloadableModel,
  writeModel,
  yolov5Output,
  yolov8Output,
} from '../fixtures/onnx-models.js';
import {
  assertCleanError,
  assertNoStackTrace,
  CliBatch,
  isolatedRunArgs,
  runAdeline,
} from '../helpers/cli.js';
import { freePort, stopAll, tempDir } from '../helpers/processes.js';

const NAMES = { names: "{0: 'person', 1: 'fallen_person'}" };

describe('adeline CLI: bad input, config check, model info, usage and help', function () {
  this.timeout(30_000);
  const dir = tempDir('adeline-cli-bad-');
  const file = (name: string, content: string | Uint8Array): string => {
    const p = join(dir, name);
    writeFileSync(p, content);
    return p;
  };
  const path = {
    missingModel: join(dir, 'no-such-model.onnx'),
    dirModel: join(dir, 'a-directory.onnx'),
    randomModel: join(dir, 'random-bytes.onnx'),
    unloadableModel: join(dir, 'unloadable.onnx'),
    noLayoutModel: join(dir, 'four-d-output.onnx'),
    missingVideo: join(dir, 'missing', 'clip.mp4'),
    wrongType: join(dir, 'wrong-type.yaml'),
    twoProblems: join(dir, 'two-problems.yaml'),
    typo: join(dir, 'typo.yaml'),
  };
  let closedUrl = '';

  /**
   * The `adeline run` cases start together (3 at a time) before the tests, each isolated from the
   * others (own ports and spool); every test below awaits and checks its own run.
   */
  const runs = new CliBatch(3);
  const run = (key: string, args: string[], env?: NodeJS.ProcessEnv): void =>
    runs.add(key, ['run', ...isolatedRunArgs(), ...args], { env });

  before(async () => {
    mkdirSync(path.dirModel);
    file(
      'random-bytes.onnx',
      new Uint8Array(4096).map((_, i) => (i * 7919 + 13) % 251),
    );
    writeModel(dir, 'unloadable.onnx', unloadableModel());
    writeModel(
      dir,
      'four-d-output.onnx',
      constantModel({
        outputs: [{ name: 'out', dims: [1, 3, 7, 9], data: new Float32Array(189) }],
      }),
    );
    file('wrong-type.yaml', 'pipeline:\n  max_fps: fast\n');
    file('two-problems.yaml', 'pipeline:\n  max_fps: -1\nmodels:\n  layout: yolov99\n');
    file('typo.yaml', 'pipeline:\n  max_fsp: 5\n');
    closedUrl = `http://127.0.0.1:${await freePort()}/live.ts`;

    run('missing model', ['--model', path.missingModel, '--frames', '1']);
    run('directory model', ['--model', path.dirModel, '--frames', '1']);
    run('random model', ['--model', path.randomModel, '--frames', '1']);
    run('unloadable model', ['--model', path.unloadableModel, '--frames', '1']);
    run('no-layout model', ['--model', path.noLayoutModel, '--frames', '1']);
    run('missing video', ['--source', path.missingVideo, '--frames', '1']);
    run('closed stream', ['--source', closedUrl, '--frames', '1']);
    run('wrong type', ['--config', path.wrongType, '--frames', '1']);
    run('out of range', ['--set', 'models.confidence=1.5', '--frames', '1']);
    run('unknown enum', ['--frames', '1'], { ADELINE_ROI_STRATEGY__MODE: 'circle' });
    run('two problems', ['--config', path.twoProblems, '--frames', '1']);
    run('max-fps abc', ['--max-fps', 'abc', '--frames', '1']);
    run('frames 0', ['--frames', '0']);
    run('typo', ['--config', path.typo, '--frames', '1', '--source', 'synthetic:?live=false']);
  });
  after(() => stopAll());

  describe('adeline run with a bad model', () => {
    it('names a missing model and says to set models.local_path', async () => {
      const r = await runs.get('missing model');
      assertCleanError(
        r,
        'ADELINE_ERR_MODEL_NOT_FOUND',
        1,
        path.missingModel,
        'does not exist',
        '--model',
      );
    });

    it('names an unreadable model (a directory) and says to point at the file', async () => {
      const r = await runs.get('directory model');
      assertCleanError(r, 'ADELINE_ERR_MODEL_UNREADABLE', 1, path.dirModel, 'directory', '--model');
    });

    it('names a corrupt model (random bytes) and says how to check and re-export it', async () => {
      const r = await runs.get('random model');
      assertCleanError(
        r,
        'ADELINE_ERR_MODEL_FORMAT',
        1,
        path.randomModel,
        'not a usable ONNX model',
        're-export',
      );
    });

    it('names a model ONNX Runtime cannot load (an unknown operator)', async () => {
      const r = await runs.get('unloadable model');
      assertCleanError(
        r,
        'ADELINE_ERR_MODEL_FORMAT',
        1,
        path.unloadableModel,
        'NoSuchOperator',
        're-export',
      );
    });

    it('names a model whose outputs match no known layout and says to set models.layout', async () => {
      const r = await runs.get('no-layout model');
      assertCleanError(
        r,
        'ADELINE_ERR_MODEL_LAYOUT',
        1,
        path.noLayoutModel,
        '[1, 3, 7, 9]',
        'models.layout',
      );
    });
  });

  describe('adeline run with a bad source', () => {
    it('names a nonexistent video path and says to check the source', async () => {
      const r = await runs.get('missing video');
      assertCleanError(
        r,
        'ADELINE_ERR_SOURCE_NOT_FOUND',
        1,
        path.missingVideo,
        'does not exist',
        '--source',
      );
    });

    it('fails fast on an unreachable stream URL when --frames is given', async () => {
      const r = await runs.get('closed stream');
      assertCleanError(r, 'ADELINE_ERR_SOURCE_UNREACHABLE', 1, closedUrl, 'reachable');
      assert.ok(r.ms < 20_000, `failed fast (${r.ms} ms)`);
    });
  });

  describe('adeline run with an invalid config', () => {
    it('rejects a value of the wrong type in a config file, naming the key path', async () => {
      const r = await runs.get('wrong type');
      assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, path.wrongType);
      assert.match(r.stderr, /^ {2}- pipeline\.max_fps: expected number \(got "fast"\)$/m);
      assert.match(r.stderr, /Fix these keys and run `adeline config check/);
    });

    it('rejects an out-of-range value given with --set, naming the key path and the bound', async () => {
      const r = await runs.get('out of range');
      assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, 'invalid configuration');
      assert.match(r.stderr, /^ {2}- models\.confidence: must be <=1 \(got 1\.5\)$/m);
    });

    it('rejects an unknown enum value from the environment, listing the allowed values', async () => {
      const r = await runs.get('unknown enum');
      assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, 'invalid configuration');
      assert.match(
        r.stderr,
        /^ {2}- roi_strategy\.mode: must be one of "none", "adaptive", "fixed" \(got "circle"\)$/m,
      );
    });

    it('reports every problem of a config file together', async () => {
      const r = await runs.get('two problems');
      assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, path.twoProblems, '2 problems');
      assert.match(r.stderr, /^ {2}- pipeline\.max_fps: /m);
      assert.match(r.stderr, /^ {2}- models\.layout: /m);
    });

    it('rejects a non-number --max-fps as a usage error', async () => {
      const r = await runs.get('max-fps abc');
      assertCleanError(r, 'ADELINE_ERR_USAGE', 2, '--max-fps', '"abc"');
    });

    it('rejects --frames 0 as a usage error', async () => {
      const r = await runs.get('frames 0');
      assertCleanError(r, 'ADELINE_ERR_USAGE', 2, '--frames', '>= 1');
    });

    it('warns about a mistyped key, naming the nearest valid key, and still runs', async () => {
      const r = await runs.get('typo');
      assert.equal(r.code, 0, r.stderr);
      assertNoStackTrace(r);
      const warning = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { event?: string; level?: string; msg?: string })
        .find((l) => l.event === 'config_unknown_key');
      assert.ok(warning, `a config_unknown_key warning in the logs:\n${r.stdout.slice(0, 2000)}`);
      assert.equal(warning.level, 'warn');
      assert.match(warning.msg ?? '', /pipeline\.max_fsp.*did you mean pipeline\.max_fps/);
      assert.match(r.stderr, /frames read \d+, processed 1,/);
    });
  });

  describe('adeline config check', () => {
    it('rejects an unknown subcommand of config and of model, naming the one that exists', async () => {
      const c = await runAdeline(['config', 'chek']);
      assert.equal(c.code, 2, c.stderr);
      assert.match(c.stderr, /unknown subcommand "config chek"; use 'adeline config check FILE'/);
      const m = await runAdeline(['model', 'inspect']);
      assert.equal(m.code, 2, m.stderr);
      assert.match(m.stderr, /unknown subcommand "model inspect"; use 'adeline model info FILE'/);
    });

    it('prints the effective config of a valid file with every secret masked and exits 0', async () => {
      const cfg = file(
        'secrets.yaml',
        [
          'mqtt:',
          '  broker:',
          '    url: mqtts://bob:brokerpass@broker.example:8883',
          '    username: bob',
          '    password: hunter2',
          'telemetry:',
          '  otlp:',
          '    headers: {authorization: "Bearer s3cr3t-token"}',
          'pipeline:',
          '  sources:',
          '    - url: rtsp://cam:campass@camera-1.local:554/stream1',
          '',
        ].join('\n'),
      );
      const r = await runAdeline(['config', 'check', cfg]);
      assert.equal(r.code, 0, r.stderr);
      assertNoStackTrace(r);
      for (const secret of ['hunter2', 's3cr3t-token', 'brokerpass', 'campass'])
        assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), `${secret} is masked`);
      assert.match(r.stdout, /^ {4}password: "\*\*\*"$/m);
      assert.match(r.stdout, /^ {6}authorization: "\*\*\*"$/m);
      assert.match(r.stdout, /url: mqtts:\/\/bob:\*\*\*@broker\.example:8883/);
      assert.match(r.stdout, /url: rtsp:\/\/cam:\*\*\*@camera-1\.local:554\/stream1/);
      assert.match(r.stdout, /^ {4}username: bob$/m, 'non-secrets are shown');
      assert.match(r.stderr, new RegExp(`adeline: ${cfg}: configuration is valid`));
    });

    it('prints the effective config as JSON with --json', async () => {
      const r = await runAdeline(['config', 'check', '--json', '--set', 'pipeline.max_fps=7']);
      assert.equal(r.code, 0, r.stderr);
      const parsed = JSON.parse(r.stdout) as { pipeline: { max_fps: number } };
      assert.equal(parsed.pipeline.max_fps, 7);
    });

    it('exits 1 on an invalid file, listing each problem with its key path', async () => {
      const cfg = file(
        'check-bad.yaml',
        'pipeline:\n  max_fps: fast\nmodels:\n  confidence: 1.5\n',
      );
      const r = await runAdeline(['config', 'check', cfg]);
      assertCleanError(r, 'ADELINE_ERR_CONFIG', 1, cfg, '2 problems');
      assert.match(r.stderr, /^ {2}- pipeline\.max_fps: expected number/m);
      assert.match(r.stderr, /^ {2}- models\.confidence: must be <=1/m);
      assert.equal(r.stdout, '', 'no config is printed');
    });

    it('exits 0 with a warning naming the nearest key for a mistyped key', async () => {
      const cfg = file('check-typo.yaml', 'models:\n  confidance: 0.5\n');
      const r = await runAdeline(['config', 'check', cfg]);
      assert.equal(r.code, 0, r.stderr);
      assertNoStackTrace(r);
      assert.match(
        r.stderr,
        /^adeline: warning: unknown key models\.confidance \(did you mean models\.confidence\?\)/m,
      );
      assert.match(r.stderr, /configuration is valid \(1 warning\(s\)\)/);
    });

    it('exits 1 on a file that is not valid YAML, naming the line', async () => {
      const cfg = file('broken.yaml', 'pipeline: [\n  max_fps: 2\n');
      const r = await runAdeline(['config', 'check', cfg]);
      assertCleanError(r, 'ADELINE_ERR_CONFIG_FILE', 1, cfg, 'not valid YAML', 'line');
    });

    it('exits 1 on a config file that does not exist', async () => {
      const cfg = join(dir, 'nope.yaml');
      const r = await runAdeline(['config', 'check', cfg]);
      assertCleanError(r, 'ADELINE_ERR_CONFIG_FILE', 1, cfg, 'does not exist');
    });
  });

  describe('adeline model info', () => {
    const v8 = () =>
      constantModel({
        outputs: [
          {
            name: 'output0',
            dims: [1, 6, 84],
            data: yolov8Output(2, 84, [{ cx: 32, cy: 32, w: 16, h: 8, cls: 1, score: 0.9 }]),
          },
        ],
        metadata: NAMES,
      });
    const v5 = () =>
      constantModel({
        outputs: [
          {
            name: 'output0',
            dims: [1, 252, 7],
            data: yolov5Output(2, 252, [{ cx: 32, cy: 32, w: 16, h: 8, cls: 0, score: 0.9 }]),
          },
        ],
        metadata: { names: "{0: 'cat', 1: 'dog'}" },
      });
    const yolox = () => {
      // Raw YOLOX: grid offsets and log sizes, one row per cell at strides 8/16/32.
      const rows = yolov5Output(
        2,
        cells(64),
        [{ cx: 0.5, cy: 0.25, w: 0, h: 0, cls: 0, score: 0.9 }],
        [9],
      );
      return constantModel({
        outputs: [{ name: 'output', dims: [1, cells(64), 7], data: rows }],
        metadata: NAMES,
      });
    };
    const e2e = () =>
      constantModel({
        outputs: [
          { name: 'output0', dims: [1, 10, 6], data: end2endOutput(10, [[4, 8, 20, 40, 0.9, 2]]) },
        ],
        metadata: { names: "{0: 'a', 1: 'b', 2: 'c'}" },
      });
    const cases: Array<[string, () => Uint8Array, RegExp, RegExp]> = [
      ['yolov8', v8, /^Layout\s+yolov8 \(detected\)/m, /0: person, 1: fallen_person/],
      ['yolov5', v5, /^Layout\s+yolov5 \(detected\)/m, /0: cat, 1: dog/],
      ['yolox', yolox, /^Layout\s+yolox/m, /0: person, 1: fallen_person/],
      ['end2end', e2e, /^Layout\s+end2end \(detected\)/m, /0: a, 1: b, 2: c/],
    ];
    for (const [layout, build, layoutLine, classes] of cases) {
      it(`shows the inputs, outputs, the ${layout} layout and the classes of a ${layout} model`, async () => {
        const path = writeModel(dir, `info-${layout}.onnx`, build());
        const r = await runAdeline(['model', 'info', path]);
        assert.equal(r.code, 0, r.stderr);
        assertNoStackTrace(r);
        assert.match(r.stdout, /^Input\s+images float32 \[1, 3, 64, 64\]/m);
        assert.match(r.stdout, /^Outputs$/m);
        assert.match(r.stdout, layoutLine);
        assert.match(r.stdout, /^Classes\s+\d+ \(model metadata\)/m);
        assert.match(r.stdout, classes);
      });
    }

    it('describes a model as JSON with --json', async () => {
      const path = writeModel(dir, 'info-json.onnx', v8());
      const r = await runAdeline(['model', 'info', path, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const info = JSON.parse(r.stdout) as { layout: string; classNames: string[] };
      assert.equal(info.layout, 'yolov8');
      assert.deepEqual(info.classNames, ['person', 'fallen_person']);
    });

    it('exits 1 on a model whose outputs match no known layout, saying what it found', async () => {
      const path = writeModel(
        dir,
        'info-bad.onnx',
        constantModel({
          outputs: [{ name: 'out', dims: [1, 3, 7, 9], data: new Float32Array(189) }],
        }),
      );
      const r = await runAdeline(['model', 'info', path]);
      assertCleanError(
        r,
        'ADELINE_ERR_MODEL_LAYOUT',
        1,
        path,
        'out float32 [1, 3, 7, 9]',
        'models.layout',
      );
      assert.equal(r.stdout, '');
    });

    it('exits 1 on a missing model file', async () => {
      const path = join(dir, 'info-missing.onnx');
      const r = await runAdeline(['model', 'info', path]);
      assertCleanError(r, 'ADELINE_ERR_MODEL_NOT_FOUND', 1, path);
    });
  });

  describe('usage errors', () => {
    it('exits 2 on an unknown command, pointing at --help', async () => {
      const r = await runAdeline(['detect']);
      assertCleanError(r, 'ADELINE_ERR_USAGE', 2, '"detect"', 'adeline --help');
    });

    it('exits 2 on an unknown flag of adeline run', async () => {
      const r = await runAdeline(['run', '--fps', '3']);
      assertCleanError(r, 'ADELINE_ERR_USAGE', 2, '--fps', 'adeline run --help');
    });

    it('exits 2 on an unknown flag of adeline model info', async () => {
      const r = await runAdeline(['model', 'info', 'models/adeline-demo.onnx', '--verbose']);
      assertCleanError(r, 'ADELINE_ERR_USAGE', 2, '--verbose', 'adeline model info --help');
    });

    it('exits 2 on an unknown flag of adeline config check', async () => {
      const r = await runAdeline(['config', 'check', '--strict']);
      assertCleanError(r, 'ADELINE_ERR_USAGE', 2, '--strict', 'adeline config check --help');
      assert.equal(r.stdout, '');
    });
  });

  describe('--help', () => {
    const helps: Array<[string[], string[]]> = [
      [['--help'], ['run', 'control', 'monitor', 'health', 'config check', 'model info']],
      [
        ['run', '--help'],
        ['--config', '--source', '--model', '--max-fps', '--frames', '--summary-json'],
      ],
      [
        ['control', '--help'],
        ['--broker', '--timeout', '--json', 'pause', 'set_log_level'],
      ],
      [
        ['monitor', '--help'],
        ['--broker', '--count', '--json'],
      ],
      [
        ['health', '--help'],
        ['--url', '--timeout', '--json'],
      ],
      [
        ['config', 'check', '--help'],
        ['FILE', '--json', '--set'],
      ],
      [
        ['model', 'info', '--help'],
        ['FILE', '--layout', '--labels', '--json'],
      ],
    ];
    for (const [args, options] of helps) {
      it(`adeline ${args.join(' ')} exits 0 and describes ${options.join(', ')}`, async () => {
        const r = await runAdeline(args);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, '');
        assert.match(r.stdout, /Usage: adeline/);
        for (const o of options)
          assert.ok(r.stdout.includes(o), `help mentions ${o}:\n${r.stdout}`);
      });
    }
  });
});
