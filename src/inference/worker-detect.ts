/**
 * The worker's side of `detect` messages: a frame in, detections out. Preprocessing (the one
 * preprocess() of preprocess.ts, with the model's resolved spec), session.run and decode+NMS
 * (the same OutputDecoder the main thread uses) all run here, so the main thread only copies the
 * frame into a pooled buffer and hands it over. The input tensor and the output tensor are
 * allocated once and stay in the worker: no tensor crosses threads on this path.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
import { AdelineError } from '../domain/errors.js';
import { OutputDecoder } from './output-decoder.js';
import { preprocess, ResampleCache } from './preprocess.js';
import type { DetectConfig, DetectMessage, DetectedMessage } from './worker-protocol.js';

export class WorkerDetector {
  private readonly input: Float32Array;
  private readonly feeds: Record<string, Tensor>;
  private readonly cache = new ResampleCache();
  private readonly decoder: OutputDecoder;
  private output: Tensor | null = null;

  constructor(
    private readonly cfg: DetectConfig,
    inputName: string,
    /** The output's shape is fixed, so its tensor can be reused run after run. */
    private readonly staticOutput: boolean,
  ) {
    const { inputWidth: w, inputHeight: h } = cfg.info;
    this.input = new Float32Array(3 * w * h);
    this.feeds = { [inputName]: new Tensor('float32', this.input, [1, 3, h, w]) };
    this.decoder = new OutputDecoder(cfg.info, cfg);
  }

  async detect(
    session: InferenceSession,
    msg: DetectMessage,
    now: () => number,
  ): Promise<DetectedMessage> {
    const { info } = this.cfg;
    const preprocessStartMs = now();
    const frame = new Uint8Array(msg.frame, 0, msg.width * msg.height * 3);
    const mapping = preprocess(
      info.preprocess.spec,
      { data: frame, width: msg.width, height: msg.height },
      msg.roi,
      { data: this.input, width: info.inputWidth, height: info.inputHeight },
      this.cache,
    );
    const startMs = now();
    const name = info.outputName;
    const result = await session.run(this.feeds, { [name]: this.output });
    const out = result[name] as Tensor;
    const endMs = now();
    const dims = out.dims.map(Number);
    let data: Float32Array;
    if (out.type === 'float32') {
      data = out.data as Float32Array;
      // ONNX Runtime wrote into the preallocated output, or allocated it on the first run: keep it.
      if (!this.output && this.staticOutput) this.output = out;
    } else if (out.type === 'string' || out.type === 'bool') {
      throw new AdelineError(
        'ADELINE_ERR_INFERENCE',
        `output ${name} is ${out.type}; a detection output must be numeric`,
      );
    } else {
      // float16, int or 64-bit outputs: decoded from a float32 copy, as the main-thread path does.
      data = Float32Array.from(out.data as ArrayLike<number | bigint>, (v) => Number(v));
    }
    const detections = this.decoder.decode(data, dims, mapping);
    return {
      type: 'detected',
      id: msg.id,
      input: msg.frame,
      detections,
      preprocessStartMs,
      startMs,
      endMs,
      postprocessEndMs: now(),
    };
  }
}
