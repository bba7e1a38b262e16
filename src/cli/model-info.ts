/**
 * `adeline model info FILE`: inputs, outputs, detected layout, classes and preprocessing of an
 * ONNX model; with --probe, one inference on a real frame (model-probe.ts).
 */
import { loadConfig } from '../config/index.js';
import { configArgsFromArgv } from '../config/argv.js';
import { AdelineError } from '../domain/errors.js';
import { subcommandArgs } from './output.js';

const HELP = `Usage: adeline model info FILE [options]

Prints the model's inputs and outputs (names, shapes, types), the output layout Adeline detects
(or the one forced with --layout), the class names (from the model metadata, or --labels), the
preprocessing it will apply (channel order, scale, mean/std, resize, padding: each derived from
the model file or set by models.preprocess) and the metadata.

Options:
  --layout L        auto|yolov8|yolov5|yolox|end2end (models.layout)
  --labels FILE     class names, one per line (models.labels_file), e.g. models/coco80.txt
  --config FILE     read models.* (preprocess, layout, labels_file, imgsz, confidence) from a config
  --set KEY=VALUE   override a config key, e.g. --set models.preprocess.channel_order=bgr
  --probe           also run one inference on a frame and print the best score of each class
                    before the threshold (models.confidence) and how many detections pass it
  --image FILE      the frame for --probe: the first frame of a PNG, JPEG, PPM or video file
                    (read with ffmpeg). Default: a frame of the synthetic scene
  --json            print the model info (and the probe) as JSON

Exit status: 0 when Adeline can run the model, 1 when it cannot (with the reason), 2 on a usage error.
Docs: docs/models.md`;

const LAYOUTS = ['auto', 'yolov8', 'yolov5', 'yolox', 'end2end'];

interface InfoArgs {
  file: string;
  layout: string | null;
  labels: string | null;
  json: boolean;
  probe: boolean;
  image: string | null;
}

function usage(message: string): AdelineError {
  return new AdelineError('ADELINE_ERR_USAGE', `${message}; run 'adeline model info --help'`);
}

function parseInfoArgs(rest: string[]): InfoArgs {
  let file: string | undefined;
  const out: Omit<InfoArgs, 'file'> = {
    layout: null,
    labels: null,
    json: false,
    probe: false,
    image: null,
  };
  const value = (i: number, flag: string): string => {
    const v = rest[i + 1];
    if (v === undefined || v.startsWith('--')) throw usage(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--layout') out.layout = value(i++, a);
    else if (a === '--labels') out.labels = value(i++, a);
    else if (a === '--image') out.image = value(i++, a);
    else if (a === '--config' || a === '--set')
      value(i++, a); // read by configArgsFromArgv
    else if (a.startsWith('--config=') || a.startsWith('--set=')) continue;
    else if (a === '--json') out.json = true;
    else if (a === '--probe') out.probe = true;
    else if (a.startsWith('-')) throw usage(`unknown option ${a}`);
    else if (file !== undefined) throw usage(`model info takes one FILE, got "${file}" and "${a}"`);
    else file = a;
  }
  if (!file)
    throw usage('model info needs a FILE, e.g. adeline model info models/adeline-demo.onnx');
  if (out.layout !== null && !LAYOUTS.includes(out.layout))
    throw usage(`--layout must be auto, yolov8, yolov5, yolox or end2end, got "${out.layout}"`);
  if (out.image !== null && !out.probe)
    throw usage('--image is the frame for --probe; add --probe');
  return { file, ...out };
}

export async function runModelCommand(args: string[]): Promise<number> {
  const rest = subcommandArgs(args, 'model', 'info', HELP);
  if (typeof rest === 'number') return rest;
  const a = parseInfoArgs(rest);
  const configArgs = configArgsFromArgv(rest);
  const { config } = loadConfig({ file: configArgs.file, overrides: configArgs.overrides });
  const m = config.models;
  const { inspectModelFile, formatModelInfo, preprocessOptionsFromConfig } =
    await import('../inference/index.js');
  const opts = {
    layout: (a.layout ?? m.layout) as 'auto',
    labelsFile: a.labels ?? m.labels_file,
    imgsz: m.imgsz,
    preprocess: preprocessOptionsFromConfig(m.preprocess),
  };
  const info = await inspectModelFile(a.file, opts);
  if (!a.probe) {
    console.log(a.json ? JSON.stringify(info, null, 2) : formatModelInfo(info));
    return 0;
  }
  const { formatProbe, imageFrame, probeModel, syntheticFrame } = await import('./model-probe.js');
  const frame = a.image ? await imageFrame(a.image) : syntheticFrame(config.synthetic);
  const probe = await probeModel(
    {
      modelPath: a.file,
      ...opts,
      intraOpThreads: 1,
      confidence: m.confidence,
      iouThreshold: m.iou_threshold,
      poolSize: 1,
    },
    frame,
  );
  if (a.json) console.log(JSON.stringify({ ...info, probe }, null, 2));
  else console.log(`${formatModelInfo(info)}\n${formatProbe(probe)}`);
  return 0;
}
