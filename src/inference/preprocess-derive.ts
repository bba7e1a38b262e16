/**
 * `models.preprocess: auto`: derives each preprocessing field from the model file, unless the
 * config sets it (docs/models.md, "How preprocessing is derived"). The rules, in order:
 *
 * 1. Ultralytics metadata: `author` or `description` names Ultralytics, or the metadata has both
 *    `names` and `stride` (what Ultralytics and YOLOv5's export.py write) → RGB, scale 1/255,
 *    centred letterbox, pad 114.
 * 2. The yolox layout (one [1, N, 5+nc] row per grid cell, raw or decoded), which is what the
 *    official YOLOX exporter writes → BGR, scale 1 (0..255), top-left letterbox, pad 114.
 * 3. Any other layout (yolov8, yolov5, end2end without that metadata) → the Ultralytics
 *    convention of rule 1, which every family those layouts come from uses.
 *
 * mean and std are never derived (no family Adeline detects uses them): auto means none.
 */
import type { Layout } from './layout.js';
import {
  ULTRALYTICS_PREPROCESS,
  YOLOX_PREPROCESS,
  validatePreprocessSpec,
  type ChannelOrder,
  type PadPosition,
  type PreprocessSpec,
  type ResizeMode,
  type Rgb,
} from './preprocess-spec.js';

/** What the config asks for, field by field; 'auto' = derive from the model. */
export interface PreprocessOptions {
  channelOrder: 'auto' | ChannelOrder;
  scale: 'auto' | number;
  mean: 'auto' | Rgb | null;
  std: 'auto' | Rgb | null;
  resize: 'auto' | ResizeMode;
  padValue: 'auto' | number;
  padPosition: 'auto' | PadPosition;
}

export const AUTO_PREPROCESS: Readonly<PreprocessOptions> = Object.freeze({
  channelOrder: 'auto',
  scale: 'auto',
  mean: 'auto',
  std: 'auto',
  resize: 'auto',
  padValue: 'auto',
  padPosition: 'auto',
});

export type PreprocessRule = 'ultralytics-metadata' | 'yolox-layout' | 'layout-default';

export interface ResolvedPreprocess {
  spec: PreprocessSpec;
  /** The rule `auto` fields came from, and the fact that chose it. */
  rule: PreprocessRule;
  reason: string;
  /** Fields the config set (not derived), in PreprocessSpec names. */
  overridden: Array<keyof PreprocessSpec>;
}

export interface ModelFacts {
  layout: Layout;
  gridDecode: boolean;
  metadata: Readonly<Record<string, string>>;
}

const FIELDS: ReadonlyArray<keyof PreprocessSpec> = [
  'channelOrder',
  'scale',
  'mean',
  'std',
  'resize',
  'padValue',
  'padPosition',
];

function familyOf(f: ModelFacts): { rule: PreprocessRule; reason: string; base: PreprocessSpec } {
  const m = f.metadata;
  const named = ['author', 'description'].find((k) => /ultralytics/i.test(m[k] ?? ''));
  if (named)
    return {
      rule: 'ultralytics-metadata',
      reason: `metadata ${named} "${m[named]!.slice(0, 60)}"`,
      base: { ...ULTRALYTICS_PREPROCESS },
    };
  if (m.names !== undefined && m.stride !== undefined)
    return {
      rule: 'ultralytics-metadata',
      reason: 'metadata keys names and stride (Ultralytics / YOLOv5 export)',
      base: { ...ULTRALYTICS_PREPROCESS },
    };
  if (f.layout === 'yolox')
    return {
      rule: 'yolox-layout',
      reason: `layout yolox (${f.gridDecode ? 'raw grid output' : 'decoded output'}, one row per grid cell): the YOLOX exporter's input`,
      base: { ...YOLOX_PREPROCESS },
    };
  return {
    rule: 'layout-default',
    reason: `layout ${f.layout} without family metadata: the Ultralytics convention`,
    base: { ...ULTRALYTICS_PREPROCESS },
  };
}

/** Checks PreprocessOptions at the API edge (TypeError / RangeError naming the field). */
export function validatePreprocessOptions(o: PreprocessOptions): void {
  if (typeof o !== 'object' || o === null)
    throw new TypeError('preprocess must be an object of fields, each "auto" or a value');
  const probe = { ...ULTRALYTICS_PREPROCESS } as Record<string, unknown>;
  for (const k of FIELDS) {
    const v = (o as unknown as Record<string, unknown>)[k];
    if (v === undefined) throw new TypeError(`preprocess.${k} is missing; use "auto" to derive it`);
    if (v !== 'auto') probe[k] = v;
  }
  validatePreprocessSpec(probe as unknown as PreprocessSpec);
}

/** The spec the model gets: config values where set, the family rule's values elsewhere. */
export function derivePreprocess(o: PreprocessOptions, facts: ModelFacts): ResolvedPreprocess {
  const fam = familyOf(facts);
  const spec = fam.base as unknown as Record<string, unknown>;
  const overridden: Array<keyof PreprocessSpec> = [];
  for (const k of FIELDS) {
    const v = (o as unknown as Record<string, unknown>)[k];
    if (v === 'auto') continue;
    spec[k] = v;
    overridden.push(k);
  }
  const resolved = spec as unknown as PreprocessSpec;
  validatePreprocessSpec(resolved);
  return { spec: resolved, rule: fam.rule, reason: fam.reason, overridden };
}

/** The `models.preprocess` config section, as the config module outputs it. */
export interface PreprocessSection {
  channel_order: 'auto' | ChannelOrder;
  scale: 'auto' | '1/255' | number;
  mean: 'auto' | null | readonly number[];
  std: 'auto' | null | readonly number[];
  resize: 'auto' | ResizeMode;
  pad_value: 'auto' | number;
  pad_position: 'auto' | PadPosition;
}

/** Maps the config section (snake_case, scale "1/255") to PreprocessOptions. */
export function preprocessOptionsFromConfig(c: PreprocessSection): PreprocessOptions {
  const rgb = (v: 'auto' | null | readonly number[]): 'auto' | Rgb | null =>
    v === 'auto' || v === null ? v : ([v[0], v[1], v[2]] as unknown as Rgb);
  return {
    channelOrder: c.channel_order,
    scale: c.scale === '1/255' ? 1 / 255 : c.scale,
    mean: rgb(c.mean),
    std: rgb(c.std),
    resize: c.resize,
    padValue: c.pad_value,
    padPosition: c.pad_position,
  };
}
