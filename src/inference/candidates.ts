/**
 * Preallocated storage for decoded candidate boxes (model-input pixels, corners x1,y1,x2,y2),
 * reused frame after frame. Decoders fill it; NMS reads it and writes the kept indices.
 */
export class Candidates {
  count = 0;
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
  /** Scratch for NMS: candidate order and suppression flags. */
  order: Int32Array;
  suppressed: Uint8Array;
  /** Indices kept by NMS, best first; `keptCount` of them are valid. */
  kept: Int32Array;
  keptCount = 0;
  /** Scratch for channel-first decoders: best score and class per anchor. */
  bestScore: Float32Array;
  bestClass: Int32Array;

  constructor(capacity = 0) {
    this.boxes = new Float32Array(capacity * 4);
    this.scores = new Float32Array(capacity);
    this.classes = new Int32Array(capacity);
    this.order = new Int32Array(capacity);
    this.suppressed = new Uint8Array(capacity);
    this.kept = new Int32Array(capacity);
    this.bestScore = new Float32Array(capacity);
    this.bestClass = new Int32Array(capacity);
  }

  get capacity(): number {
    return this.scores.length;
  }

  /** Grows the buffers to hold `capacity` candidates (only when the output gets bigger). */
  ensure(capacity: number): void {
    if (capacity <= this.capacity) return;
    this.boxes = new Float32Array(capacity * 4);
    this.scores = new Float32Array(capacity);
    this.classes = new Int32Array(capacity);
    this.order = new Int32Array(capacity);
    this.suppressed = new Uint8Array(capacity);
    this.kept = new Int32Array(capacity);
    this.bestScore = new Float32Array(capacity);
    this.bestClass = new Int32Array(capacity);
    this.reset();
  }

  reset(): void {
    this.count = 0;
    this.keptCount = 0;
  }

  push(x1: number, y1: number, x2: number, y2: number, score: number, cls: number): void {
    const i = this.count++;
    const b = i * 4;
    this.boxes[b] = x1;
    this.boxes[b + 1] = y1;
    this.boxes[b + 2] = x2;
    this.boxes[b + 3] = y2;
    this.scores[i] = score;
    this.classes[i] = cls;
  }
}
