/** `adeline model info FILE`: inputs, outputs, detected layout and classes of an ONNX model. */
import { AdelineError } from '../domain/errors.js';
import { subcommandArgs } from './output.js';

const HELP = `Usage: adeline model info FILE [--layout auto|yolov8|yolov5|yolox|end2end] [--labels FILE] [--json]

Prints the model's inputs and outputs (names, shapes, types), the output layout Adeline detects
(or the one forced with --layout), the class names (from the model metadata, or --labels) and the
metadata. Exit status: 0 when Adeline can run the model, 1 when it cannot (with the reason).`;

export async function runModelCommand(args: string[]): Promise<number> {
  const rest = subcommandArgs(args, 'model', 'info', HELP);
  if (typeof rest === 'number') return rest;
  let file: string | undefined;
  let layout = 'auto';
  let labels: string | null = null;
  let json = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i] as string;
    if (a === '--layout') layout = rest[++i] ?? '';
    else if (a === '--labels') labels = rest[++i] ?? null;
    else if (a === '--json') json = true;
    else if (a.startsWith('-'))
      throw new AdelineError(
        'ADELINE_ERR_USAGE',
        `unknown option ${a}; run 'adeline model info --help'`,
      );
    else file = a;
  }
  if (!file)
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      'model info needs a FILE, e.g. adeline model info models/adeline-demo.onnx',
    );
  if (!['auto', 'yolov8', 'yolov5', 'yolox', 'end2end'].includes(layout)) {
    throw new AdelineError(
      'ADELINE_ERR_USAGE',
      `--layout must be auto, yolov8, yolov5, yolox or end2end, got "${layout}"`,
    );
  }
  const { inspectModelFile, formatModelInfo } = await import('../inference/index.js');
  const info = await inspectModelFile(file, { layout: layout as 'auto', labelsFile: labels });
  console.log(json ? JSON.stringify(info, null, 2) : formatModelInfo(info));
  return 0;
}
