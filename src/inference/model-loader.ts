/**
 * Loading a model: file checks, the ONNX header and metadata, the labels file, the worker and its
 * ONNX Runtime session, a warm-up run on a blank input (concrete output shapes), the layout and
 * the class names. Produces the ModelInfo; every failure is one AdelineError.
 */
import { AdelineError } from '../domain/errors.js';
import { getLogger, logEvent } from '../telemetry/logger.js';
import { loadLabelsFile, parseMetadataNames, resolveClassNames } from './class-names.js';
import { detectLayout, type LayoutOption } from './layout.js';
import { PAD_VALUE } from './letterbox.js';
import { describePreprocess } from './preprocess-spec.js';
import { AUTO_PREPROCESS, derivePreprocess, type PreprocessOptions } from './preprocess-derive.js';
import {
  checkModelFile,
  formatError,
  modelName,
  planInput,
  readModelHeader,
  type ModelInfo,
  type OutputInfo,
} from './model-info.js';
import { WorkerHost, WorkerLoadError } from './worker-host.js';
import type { InferencePriority, PriorityOutcome } from './thread-priority.js';

export interface LoadOptions {
  modelPath: string;
  layout: LayoutOption;
  labelsFile: string | null;
  intraOpThreads: number;
  /** models.inference_priority; default normal. */
  inferencePriority?: InferencePriority;
  imgsz: number;
  /** models.preprocess; default: every field auto. */
  preprocess?: PreprocessOptions;
}

export interface LoadedModel {
  info: ModelInfo;
  host: WorkerHost;
  /** What the worker did with models.inference_priority. */
  priority: PriorityOutcome;
}

const NUMERIC_OUTPUT = new Set([
  'float32',
  'float64',
  'int32',
  'int64',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'uint32',
  'uint64',
]);

export async function loadModel(o: LoadOptions): Promise<LoadedModel> {
  const fileBytes = await checkModelFile(o.modelPath);
  const header = await readModelHeader(o.modelPath);
  const labels =
    o.labelsFile === null
      ? null
      : { names: await loadLabelsFile(o.labelsFile), path: o.labelsFile };
  const host = new WorkerHost(o.modelPath, o.intraOpThreads, o.inferencePriority ?? 'normal');
  try {
    let ready;
    try {
      ready = await host.start();
    } catch (err) {
      if (!(err instanceof WorkerLoadError)) throw err;
      if (err.kind === 'load')
        throw formatError(
          o.modelPath,
          `ONNX Runtime cannot load it (${err.message.split('\n')[0]})`,
          err,
        );
      throw new AdelineError(
        'ADELINE_ERR_WORKER_CRASHED',
        `the inference worker could not start: ${err.message}`,
        { cause: err },
      );
    }
    const input = planInput(o.modelPath, ready.inputs, o.imgsz);
    for (const out of ready.outputs) {
      if (!NUMERIC_OUTPUT.has(out.type)) {
        throw formatError(
          o.modelPath,
          `output ${out.name} is ${out.type}; Adeline reads float32 outputs (export without half precision)`,
        );
      }
    }
    const blank = new Float32Array(3 * input.width * input.height).fill(PAD_VALUE);
    const warm = await host.run({
      input: blank.buffer,
      dims: [1, 3, input.height, input.width],
      fetch: null,
      timeoutMs: 0,
    });
    if (!warm.ok)
      throw formatError(
        o.modelPath,
        `a test inference at ${input.width}x${input.height} failed (${warm.error.message})`,
        warm.error,
      );
    const outputs: OutputInfo[] = ready.outputs.map((v, i) => ({
      name: v.name,
      type: v.type,
      shape: v.shape,
      dims: warm.result.outputs[i]?.dims ?? [],
    }));
    const metaNames = parseMetadataNames(header.metadata.names);
    const plan = detectLayout({
      modelPath: o.modelPath,
      outputs,
      inputWidth: input.width,
      inputHeight: input.height,
      metadata: header.metadata,
      metadataClasses: metaNames ? metaNames.length : null,
      option: o.layout,
      warmup: (i) => warm.result.outputs[i]!.data,
    });
    const classes = resolveClassNames(plan.numClasses, labels, metaNames);
    const preprocess = derivePreprocess(o.preprocess ?? AUTO_PREPROCESS, {
      layout: plan.layout,
      gridDecode: plan.gridDecode,
      metadata: header.metadata,
    });
    const info: ModelInfo = {
      path: o.modelPath,
      name: modelName(o.modelPath),
      fileBytes,
      irVersion: header.irVersion,
      producer: `${header.producerName} ${header.producerVersion}`.trim(),
      opsets: header.opsets,
      inputName: input.name,
      inputType: input.type,
      inputShape: input.shape,
      inputWidth: input.width,
      inputHeight: input.height,
      dynamicInput: input.dynamic,
      outputs,
      outputName: plan.outputName,
      layout: plan.layout,
      layoutSource: plan.source,
      gridDecode: plan.gridDecode,
      numClasses: plan.numClasses,
      candidates: plan.candidates,
      classNames: classes.names,
      classNamesSource: classes.source,
      metadata: { ...header.metadata },
      preprocess,
    };
    return { info, host, priority: ready.priority };
  } catch (err) {
    await host.close();
    if (err instanceof AdelineError) throw err;
    throw formatError(o.modelPath, err instanceof Error ? err.message : String(err), err);
  }
}

/** Logs inference_priority, or inference_priority_unavailable, unless the policy is the default. */
export function logInferencePriority(p: PriorityOutcome): void {
  if (p.requested === 'normal') return;
  const log = getLogger('inference');
  if (p.applied)
    logEvent(log, 'inference_priority', `inference thread priority ${p.requested}: ${p.detail}`, {
      inference_priority: p.requested,
    });
  else
    logEvent(
      log,
      'inference_priority_unavailable',
      `models.inference_priority ${p.requested} not applied, inference runs at normal priority: ${p.detail}`,
      { inference_priority: p.requested, reason: p.detail },
    );
}

/** Logs model_loaded, and model_imgsz_overridden when a fixed input size beats models.imgsz. */
export function logModelLoaded(info: ModelInfo, imgsz: number): void {
  const log = getLogger('inference');
  logEvent(log, 'model_loaded', `model ${info.name} loaded`, {
    model: info.path,
    layout: info.layout,
    layout_source: info.layoutSource,
    grid_decode: info.gridDecode,
    classes: info.classNames.length,
    input: `${info.inputWidth}x${info.inputHeight}`,
  });
  const p = info.preprocess;
  logEvent(
    log,
    'model_preprocess',
    `model ${info.name} preprocessing: ${describePreprocess(p.spec)} (${p.reason}${p.overridden.length > 0 ? `; set by models.preprocess: ${p.overridden.join(', ')}` : ''})`,
    {
      model: info.path,
      preprocess: describePreprocess(p.spec),
      preprocess_rule: p.rule,
      preprocess_reason: p.reason,
      preprocess_overridden: p.overridden.join(',') || 'none',
    },
  );
  if (!info.dynamicInput && (info.inputWidth !== imgsz || info.inputHeight !== imgsz)) {
    logEvent(
      log,
      'model_imgsz_overridden',
      `model ${info.name} has a fixed input size ${info.inputWidth}x${info.inputHeight}; models.imgsz ${imgsz} is ignored`,
      {
        model: info.path,
        imgsz: imgsz,
      },
    );
  }
}
