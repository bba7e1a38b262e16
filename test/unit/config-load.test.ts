import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, maskSecrets } from '../../src/config/index.js';
import { configArgsFromArgv } from '../../src/config/argv.js';
import { AdelineError } from '../../src/domain/errors.js';
import { tempDir } from '../helpers/processes.js';

function expectConfigError(fn: () => unknown, ...fragments: string[]): AdelineError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof AdelineError, `expected AdelineError, got ${String(err)}`);
    for (const f of fragments)
      assert.ok(err.message.includes(f), `message should mention "${f}":\n${err.message}`);
    return err;
  }
  assert.fail('expected a configuration error');
}

const yaml = (text: string) => {
  const p = join(tempDir(), 'config.yaml');
  writeFileSync(p, text);
  return p;
};

describe('configuration loading', () => {
  it('uses the Python Adeline defaults where they exist', () => {
    const { config } = loadConfig({ env: {} });
    assert.equal(config.pipeline.max_fps, 2);
    assert.equal(config.models.imgsz, 320);
    assert.equal(config.models.confidence, 0.25);
    assert.equal(config.models.iou_threshold, 0.45);
    assert.equal(config.mqtt.topics.control_commands, 'inference/control/commands');
    assert.equal(config.mqtt.topics.control_status, 'inference/control/status');
    assert.equal(config.mqtt.topics.data, 'inference/data/detections');
    assert.equal(config.mqtt.topics.metrics, 'inference/data/metrics');
    assert.equal(config.mqtt.qos.data, 0);
    assert.equal(config.detection_stabilization.temporal.min_frames, 3);
    assert.equal(config.roi_strategy.adaptive.margin, 0.2);
    assert.equal(config.roi_strategy.fixed.x_max, 0.8);
  });

  it('loads a Python-era config.yaml with its sections and upper-case log level', () => {
    const file = yaml(
      `pipeline:\n  rtsp_url: rtsp://127.0.0.1:8554/live\n  model_id: yolov11n-640\n  max_fps: 5\nmodels:\n  use_local: true\n  imgsz: 640\nmqtt:\n  broker:\n    host: localhost\n    port: 1883\n  qos:\n    control: 1\n    data: 0\nlogging:\n  level: WARNING\n  paho_level: WARNING\n`,
    );
    const { config, warnings } = loadConfig({ file, env: {} });
    assert.equal(config.pipeline.rtsp_url, 'rtsp://127.0.0.1:8554/live');
    assert.equal(config.models.imgsz, 640);
    assert.equal(config.logging.level, 'warn');
    assert.equal(config.mqtt.broker.host, 'localhost');
    assert.deepEqual(warnings, []);
  });

  it('freezes the result', () => {
    const { config } = loadConfig({ env: {} });
    assert.ok(Object.isFrozen(config) && Object.isFrozen(config.mqtt.topics));
    assert.throws(() => {
      (config.pipeline as { max_fps: number }).max_fps = 9;
    }, TypeError);
  });

  it('applies ADELINE_* environment overrides, then flags', () => {
    const env = {
      ADELINE_PIPELINE__MAX_FPS: '7',
      ADELINE_MQTT__BROKER__HOST: 'broker.example',
      MQTT_PASSWORD: 's3cret',
    };
    const { config } = loadConfig({ env, overrides: { 'pipeline.max_fps': 9 } });
    assert.equal(config.pipeline.max_fps, 9);
    assert.equal(config.mqtt.broker.host, 'broker.example');
    assert.equal(config.mqtt.broker.password, 's3cret');
  });

  it('reports every problem at once, each with its key path', () => {
    const file = yaml(
      `pipeline:\n  max_fps: fast\nmodels:\n  imgsz: 333\n  confidence: 1.5\nroi_strategy:\n  mode: zoom\ndetection_stabilization:\n  hysteresis:\n    appear_confidence: 0.4\n    persist_confidence: 0.6\n`,
    );
    const err = expectConfigError(
      () => loadConfig({ file, env: {} }),
      'pipeline.max_fps',
      'models.imgsz: must be a multiple of 32',
      'models.confidence',
      'roi_strategy.mode: must be one of "none", "adaptive", "fixed"',
      'detection_stabilization.hysteresis.persist_confidence',
      '5 problems',
    );
    assert.equal(err.code, 'ADELINE_ERR_CONFIG');
  });

  it('takes pipeline.decoder_threads 0 (default, ffmpeg decides) to 64, and names the key otherwise', () => {
    assert.equal(loadConfig({ env: {} }).config.pipeline.decoder_threads, 0);
    assert.equal(
      loadConfig({ env: {}, overrides: { 'pipeline.decoder_threads': 1 } }).config.pipeline
        .decoder_threads,
      1,
    );
    expectConfigError(
      () => loadConfig({ env: {}, overrides: { 'pipeline.decoder_threads': -1 } }),
      'pipeline.decoder_threads',
    );
  });

  it('takes pipeline.ffmpeg_launcher true (default) or false, from YAML or the environment, and names the key otherwise', () => {
    assert.equal(loadConfig({ env: {} }).config.pipeline.ffmpeg_launcher, true);
    assert.equal(
      loadConfig({ env: { ADELINE_PIPELINE__FFMPEG_LAUNCHER: 'false' } }).config.pipeline
        .ffmpeg_launcher,
      false,
    );
    expectConfigError(
      () => loadConfig({ env: {}, overrides: { 'pipeline.ffmpeg_launcher': 'sometimes' } }),
      'pipeline.ffmpeg_launcher',
    );
  });

  it('takes models.inference_priority normal (default) or background, and names the values otherwise', () => {
    assert.equal(loadConfig({ env: {} }).config.models.inference_priority, 'normal');
    const bg = loadConfig({ env: {}, overrides: { 'models.inference_priority': 'background' } });
    assert.equal(bg.config.models.inference_priority, 'background');
    expectConfigError(
      () => loadConfig({ env: {}, overrides: { 'models.inference_priority': 'idle' } }),
      'models.inference_priority: must be one of "normal", "background"',
    );
  });

  it('rejects a wrong type with the value it got', () => {
    expectConfigError(
      () => loadConfig({ env: {}, overrides: { 'mqtt.broker.port': 'eighteen' } }),
      'mqtt.broker.port',
      'expected number',
      '"eighteen"',
    );
  });

  it('warns about a mistyped key and names the nearest valid key', () => {
    const file = yaml(`pipeline:\n  max_fsp: 3\nstabilisation:\n  mode: temporal\n`);
    const { warnings } = loadConfig({ file, env: {} });
    assert.ok(
      warnings.some(
        (w) => w.includes('pipeline.max_fsp') && w.includes('did you mean pipeline.max_fps'),
      ),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => w.includes('unknown key stabilisation')),
      warnings.join('\n'),
    );
  });

  it('rejects a missing, a directory, a non-YAML and a non-mapping config file with the path', () => {
    expectConfigError(
      () => loadConfig({ file: '/nonexistent/adeline.yaml', env: {} }),
      '/nonexistent/adeline.yaml',
      'does not exist',
    );
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    expectConfigError(() => loadConfig({ file: join(dir, 'sub'), env: {} }), 'is a directory');
    expectConfigError(
      () => loadConfig({ file: yaml('pipeline: [unclosed\n'), env: {} }),
      'not valid YAML',
      'line',
    );
    expectConfigError(
      () => loadConfig({ file: yaml('- a\n- b\n'), env: {} }),
      'must be a YAML mapping',
    );
  });

  it('rejects an environment override that is not valid YAML', () => {
    expectConfigError(
      () => loadConfig({ env: { ADELINE_PIPELINE__MAX_FPS: '[1, 2' } }),
      'ADELINE_PIPELINE__MAX_FPS',
    );
  });

  it('masks secrets when printing', () => {
    const { config } = loadConfig({
      env: { MQTT_PASSWORD: 'hunter2' },
      overrides: { 'telemetry.otlp.headers': { authorization: 'Bearer x' } },
    });
    const masked = JSON.stringify(maskSecrets(config));
    assert.ok(!masked.includes('hunter2') && !masked.includes('Bearer x'));
    assert.ok(masked.includes('"password":"***"'));
  });

  it('turns CLI flags into overrides', () => {
    const args = configArgsFromArgv([
      'run',
      '--config',
      'a.yaml',
      '--max-fps=4',
      '--source',
      'x.mp4',
      '--source',
      'synthetic:',
      '--set',
      'models.confidence=0.5',
    ]);
    assert.equal(args.file, 'a.yaml');
    assert.deepEqual(args.overrides, {
      'pipeline.max_fps': 4,
      'pipeline.sources': [{ url: 'x.mp4' }, { url: 'synthetic:' }],
      'models.confidence': 0.5,
    });
    assert.throws(() => configArgsFromArgv(['--set', 'novalue']), /KEY=VALUE/);
    assert.throws(() => configArgsFromArgv(['--model']), /needs a value/);
  });
});
