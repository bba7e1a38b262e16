/**
 * The worker's side of `detect` messages: a frame in, detections out. Preprocessing (the one
 * preprocess() of preprocess.ts, with the model's resolved spec), session.run and decode+NMS
 * (the same OutputDecoder the main thread uses) all run here, so the main thread only copies the
 * frame into a pooled buffer and hands it over. The input tensor and the output tensor are
 * allocated once and stay in the worker: no tensor crosses threads on this path.
 */
import { Tensor, type InferenceSession } from 'onnxruntime-node';
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
    if (out.type !== 'float32')
      throw new Error(`output ${name} is ${out.type}; the detect path decodes float32 outputs`);
    // ONNX Runtime wrote into the preallocated output, or allocated it on the first run: keep it.
    if (!this.output && this.staticOutput) this.output = out;
    const endMs = now();
    const dims = out.dims.map(Number);
    const detections = this.decoder.decode(out.data as Float32Array, dims, mapping);
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
