/**
 * The bundled demo model really detects the synthetic scene: frames from seeds it never saw in
 * training (training used 1000..1099, validation 2000..2009; see docs/demo-model.md) go through
 * the project's own inference path (letterbox, ONNX Runtime in the worker, YOLOv8 decode, NMS)
 * and are matched against the scene's ground truth, class by class, at IoU 0.5.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { iou, type Detection } from '../../src/domain/detection.js';
import { InferenceEngine } from '../../src/inference/index.js';
import type { TruthBox } from '../../src/source/synthetic/scene.js';
import { SyntheticSource } from '../../src/source/synthetic/synthetic-source.js';
import { demoEngineOptions } from '../helpers/demo-engine.js';

const MODEL = fileURLToPath(new URL('../../models/adeline-demo.onnx', import.meta.url));
const TEST_SEEDS = [9001, 9002, 9003];
const FRAMES_PER_SEED = 100;
/** Scene frames between two evaluated frames (so the frames are not near-duplicates). */
const EVERY = 3;

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

/** Greedy matching per class: detections by falling confidence, each truth box used once. */
function matchFrame(
  dets: readonly Detection[],
  truth: readonly TruthBox[],
  minIou: number,
): Counts[] {
  const counts: Counts[] = [0, 1].map(() => ({ tp: 0, fp: 0, fn: 0 }));
  for (const cls of [0, 1]) {
    const d = dets.filter((x) => x.classId === cls).sort((a, b) => b.confidence - a.confidence);
    const t = truth.filter((x) => x.classId === cls);
    const used = new Array<boolean>(t.length).fill(false);
    for (const det of d) {
      let best = -1;
      let bestIou = minIou;
      t.forEach((g, j) => {
        const v = iou(det.box, g.box);
        if (!used[j] && v >= bestIou) {
          best = j;
          bestIou = v;
        }
      });
      if (best >= 0) {
        used[best] = true;
        counts[cls]!.tp++;
      } else counts[cls]!.fp++;
    }
    counts[cls]!.fn += used.filter((u) => !u).length;
  }
  return counts;
}

describe('demo model accuracy on unseen synthetic frames', function () {
  this.timeout(120_000);
  let engine: InferenceEngine | null = null;

  after(async () => {
    await engine?.close();
  });

  it('reaches precision and recall of at least 0.90 at IoU 0.5 over 300 frames', async () => {
    engine = await InferenceEngine.open(demoEngineOptions({ modelPath: MODEL }));
    assert.deepEqual(engine.info.classNames, ['person', 'fallen_person']);
    assert.equal(engine.info.layout, 'yolov8');
    const total: Counts[] = [0, 1].map(() => ({ tp: 0, fp: 0, fn: 0 }));
    let frames = 0;
    for (const seed of TEST_SEEDS) {
      const src = new SyntheticSource({
        id: 0,
        width: 640,
        height: 480,
        fps: 15,
        seed,
        maxFigures: 3,
        fallProbability: 0.6,
        live: false,
      });
      await src.start();
      for (let i = 0; i < FRAMES_PER_SEED; i++) {
        for (let s = 1; s < EVERY; s++) (await src.next())?.release();
        const frame = await src.next();
        assert.ok(frame);
        const input = engine.prepare(frame.data, frame.width, frame.height, null);
        const dets = engine.decode(await engine.infer(input), input);
        const counts = matchFrame(dets, src.truthOf(frame.seq) ?? [], 0.5);
        frame.release();
        counts.forEach((c, k) => {
          total[k]!.tp += c.tp;
          total[k]!.fp += c.fp;
          total[k]!.fn += c.fn;
        });
        frames++;
      }
      await src.stop();
    }
    const tp = total[0]!.tp + total[1]!.tp;
    const fp = total[0]!.fp + total[1]!.fp;
    const fn = total[0]!.fn + total[1]!.fn;
    const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
    const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
    const summary = `${frames} frames, precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, per class ${JSON.stringify(total)}`;
    assert.ok(frames >= 200, summary);
    assert.ok(total[1]!.tp + total[1]!.fn >= 20, `too few fallen figures to measure: ${summary}`);
    assert.ok(precision >= 0.9, summary);
    assert.ok(recall >= 0.9, summary);
  });

  it('counts a box of the wrong class as a false positive and a miss, and an empty frame as nothing', () => {
    const none: Detection[] = [];
    assert.deepEqual(matchFrame(none, [], 0.5), [
      { tp: 0, fp: 0, fn: 0 },
      { tp: 0, fp: 0, fn: 0 },
    ]);
    const truth: TruthBox[] = [
      { classId: 1, className: 'fallen_person', box: { x1: 0, y1: 0, x2: 100, y2: 30 } },
    ];
    const wrongClass: Detection[] = [
      { classId: 0, className: 'person', confidence: 0.9, box: { x1: 0, y1: 0, x2: 100, y2: 30 } },
    ];
    assert.deepEqual(matchFrame(wrongClass, truth, 0.5), [
      { tp: 0, fp: 1, fn: 0 },
      { tp: 0, fp: 0, fn: 1 },
    ]);
  });
});
