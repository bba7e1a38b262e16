/** Human-readable `adeline model info` output. The JSON form is the ModelInfo object itself. */
import type { ModelInfo } from './model-info.js';
import type { ResolvedPreprocess } from './preprocess-derive.js';
import { describePreprocess, type PreprocessSpec } from './preprocess-spec.js';

const LAYOUT_TEXT: Record<ModelInfo['layout'], string> = {
  yolov8: '[1, 4+nc, N]: cx, cy, w, h, then one score per class (Ultralytics YOLOv8 / YOLO11)',
  yolov5: '[1, N, 5+nc]: cx, cy, w, h, objectness, then class scores (YOLOv5)',
  yolox: '[1, N, 5+nc]: cx, cy, w, h, objectness, then class scores (YOLOX)',
  end2end: '[1, K, 6]: x1, y1, x2, y2, score, class (NMS-free, end-to-end)',
};

function shape(s: ReadonlyArray<number | string>): string {
  return `[${s.join(', ')}]`;
}

function size(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

const MAX_CLASSES_SHOWN = 100;

export function formatModelInfo(info: ModelInfo): string {
  const lines: string[] = [];
  const opsets = info.opsets.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ');
  lines.push(`Model     ${info.path} (${size(info.fileBytes)})`);
  lines.push(
    `Format    ONNX IR ${info.irVersion}${opsets ? `, opset ${opsets}` : ''}${info.producer ? `, producer ${info.producer}` : ''}`,
  );
  const sizeNote = info.dynamicInput
    ? `dynamic, run at ${info.inputWidth}x${info.inputHeight} (models.imgsz)`
    : `fixed ${info.inputWidth}x${info.inputHeight}`;
  lines.push(
    `Input     ${info.inputName} ${info.inputType} ${shape(info.inputShape)} (${sizeNote})`,
  );
  lines.push('Outputs');
  for (const o of info.outputs) {
    const concrete = o.dims.join(',') !== o.shape.join(',') ? ` = ${shape(o.dims)}` : '';
    const mark = o.name === info.outputName ? '   <- detections' : '';
    lines.push(`  ${o.name} ${o.type} ${shape(o.shape)}${concrete}${mark}`);
  }
  const decode = info.gridDecode ? ', raw: grid/stride decoding applied' : '';
  lines.push(
    `Layout    ${info.layout} (${info.layoutSource === 'config' ? 'set by models.layout' : 'detected'}${decode})`,
  );
  lines.push(
    `          ${LAYOUT_TEXT[info.layout]}; ${info.candidates} ${info.layout === 'end2end' ? 'rows' : 'candidates'} per frame`,
  );
  const from = {
    labels: 'labels file',
    metadata: 'model metadata',
    generated: 'generated, no names found',
  }[info.classNamesSource];
  const count = info.numClasses ?? info.classNames.length;
  lines.push(`Classes   ${count} (${from})`);
  const shown = info.classNames.slice(0, MAX_CLASSES_SHOWN).map((n, i) => `${i}: ${n}`);
  for (let i = 0; i < shown.length; i += 6)
    lines.push(`          ${shown.slice(i, i + 6).join(', ')}`);
  if (info.classNames.length > MAX_CLASSES_SHOWN)
    lines.push(`          ... and ${info.classNames.length - MAX_CLASSES_SHOWN} more`);
  if (info.classNamesSource === 'generated')
    lines.push(
      '          the model has no class names: for a COCO model pass --labels models/coco80.txt',
      '          (or set models.labels_file: models/coco80.txt)',
    );
  lines.push(...formatPreprocess(info.preprocess));
  const meta = Object.entries(info.metadata).filter(([k]) => k !== 'names');
  if (meta.length > 0) {
    lines.push('Metadata');
    for (const [k, v] of meta)
      lines.push(`  ${k}: ${v.length > 120 ? `${v.slice(0, 117)}...` : v}`);
  }
  return lines.join('\n');
}

const RULE_TEXT: Record<ResolvedPreprocess['rule'], string> = {
  'ultralytics-metadata': 'Ultralytics metadata',
  'yolox-layout': 'YOLOX layout',
  'layout-default': 'layout default',
};

/** The config key of each spec field, and how its value prints. */
const FIELD_ROWS: ReadonlyArray<[keyof PreprocessSpec, string, (s: PreprocessSpec) => string]> = [
  ['channelOrder', 'channel_order', (s) => s.channelOrder],
  ['scale', 'scale', (s) => (Math.abs(s.scale - 1 / 255) < 1e-12 ? '1/255' : String(s.scale))],
  ['mean', 'mean', (s) => (s.mean ? `[${s.mean.join(', ')}]` : 'none')],
  ['std', 'std', (s) => (s.std ? `[${s.std.join(', ')}]` : 'none')],
  ['resize', 'resize', (s) => s.resize],
  ['padValue', 'pad_value', (s) => String(s.padValue)],
  ['padPosition', 'pad_position', (s) => s.padPosition],
];

/** The Preprocess block: the summary, where auto values came from, then one row per key. */
export function formatPreprocess(p: ResolvedPreprocess): string[] {
  const lines = [`Preprocess ${describePreprocess(p.spec)}`];
  lines.push(`          auto: ${RULE_TEXT[p.rule]} (${p.reason})`);
  for (const [field, key, show] of FIELD_ROWS) {
    const from = p.overridden.includes(field) ? 'set by config' : 'auto';
    lines.push(`  models.preprocess.${key.padEnd(14)} ${show(p.spec).padEnd(10)} (${from})`);
  }
  return lines;
}
