/**
 * Turns one raw detection output into Detections in source-frame pixels: the layout's decoder,
 * then per-class NMS (not for end2end, which is NMS-free), then the letterbox transform back
 * through the resize and the crop. Its buffers are allocated once and reused.
 */
import type { Detection } from '../domain/detection.js';
import { Candidates } from './candidates.js';
import { className } from './class-names.js';
import { buildGrid, decodeEnd2end, decodeYolov5, decodeYolov8, type Grid } from './decoders.js';
import { mapBoxToFrame, type LetterboxTransform } from './letterbox.js';
import type { ModelInfo } from './model-info.js';
import { DEFAULT_MAX_DETECTIONS, nms } from './nms.js';

export interface DecodeSettings {
  confidence: number;
  iouThreshold: number;
  maxDetections?: number;
}

export class OutputDecoder {
  private readonly candidates: Candidates;
  private readonly grid: Grid | null;
  private readonly maxDetections: number;

  constructor(
    private readonly info: ModelInfo,
    private readonly settings: DecodeSettings,
  ) {
    this.candidates = new Candidates(info.candidates);
    this.grid = info.gridDecode ? buildGrid(info.inputWidth, info.inputHeight) : null;
    this.maxDetections = settings.maxDetections ?? DEFAULT_MAX_DETECTIONS;
  }

  decode(data: Float32Array, dims: readonly number[], t: LetterboxTransform): Detection[] {
    const { layout, numClasses } = this.info;
    const c = this.candidates;
    const conf = this.settings.confidence;
    if (dims.length !== 3) {
      throw new RangeError(`decode() expects a rank-3 output, got [${dims.join(', ')}]`);
    }
    const [, d1, d2] = dims as [number, number, number];
    if (layout === 'yolov8') decodeYolov8(data, d1 - 4, d2, conf, c);
    else if (layout === 'end2end') decodeEnd2end(data, d1, d2, conf, c);
    else decodeYolov5(data, numClasses ?? d2 - 5, d1, conf, c, this.grid);
    if (layout === 'end2end') {
      c.keptCount = Math.min(c.count, this.maxDetections);
      for (let i = 0; i < c.keptCount; i++) c.kept[i] = i;
    } else nms(c, this.settings.iouThreshold, this.maxDetections);
    const names = this.info.classNames;
    const dets: Detection[] = [];
    for (let k = 0; k < c.keptCount; k++) {
      const i = c.kept[k]!;
      const b = i * 4;
      const box = mapBoxToFrame(t, c.boxes[b]!, c.boxes[b + 1]!, c.boxes[b + 2]!, c.boxes[b + 3]!);
      if (box.x2 <= box.x1 || box.y2 <= box.y1) continue;
      const classId = c.classes[i]!;
      dets.push({ classId, className: className(names, classId), confidence: c.scores[i]!, box });
    }
    return dets;
  }
}
