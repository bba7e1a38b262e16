/**
 * The detections the service publishes for the first frames of a real video, and their
 * comparison with a stored baseline: the check that a faster pipeline still sees the same thing
 * (issue 12, part 5: count and boxes within IoU 0.99 on the same frames).
 *
 * capture runs `bin/adeline run --frames N` like a user, publishing at QoS 1 to the bench's
 * Mosquitto, and collects every detection message at QoS 1 (none may be missed).
 */
import { connectAsync } from 'mqtt';
import { ServiceProcess, type ServiceSpec } from './service.js';
import { DETECTIONS_TOPIC } from './message-counter.js';

/** One detection: class id, confidence, box [x1, y1, x2, y2] in source-frame pixels. */
export type BaselineBox = [classId: number, confidence: number, box: number[]];

/** frame_id → its detections, as published. */
export type FrameDetections = Record<string, BaselineBox[]>;

interface Message {
  frame?: { frame_id?: number };
  detections?: Array<{
    class_id?: number | null;
    confidence?: number;
    bbox?: { x: number; y: number; width: number; height: number };
  }>;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;

function toBoxes(m: Message): BaselineBox[] {
  return (m.detections ?? []).map((d) => {
    const b = d.bbox ?? { x: 0, y: 0, width: 0, height: 0 };
    return [
      d.class_id ?? -1,
      r3(d.confidence ?? 0),
      [b.x - b.width / 2, b.y - b.height / 2, b.x + b.width / 2, b.y + b.height / 2].map(r3),
    ];
  });
}

/** Runs the service for `frames` frames and returns what it published, by frame_id. */
export async function captureDetections(
  spec: Omit<ServiceSpec, 'frames'>,
  frames: number,
  timeoutMs = 300_000,
): Promise<FrameDetections> {
  const client = await connectAsync(spec.brokerUrl, {
    protocolVersion: 5,
    clientId: `bench-capture-${process.pid}-${Date.now()}`,
    reconnectPeriod: 0,
  });
  const out: FrameDetections = {};
  client.on('message', (_t, payload) => {
    try {
      const m = JSON.parse(payload.toString('utf8')) as Message;
      if (typeof m.frame?.frame_id === 'number') out[String(m.frame.frame_id)] = toBoxes(m);
    } catch {
      /* not a detection message */
    }
  });
  await client.subscribeAsync(DETECTIONS_TOPIC, { qos: 1 });
  const svc = new ServiceProcess({
    ...spec,
    frames,
    set: { ...spec.set, 'mqtt.qos.data': 1, 'detection_stabilization.mode': 'none' },
  });
  try {
    const timer = setTimeout(() => void svc.stop(), timeoutMs);
    const code = await svc.exited;
    clearTimeout(timer);
    if (code !== 0) throw svc.failure(`exited with ${code} while capturing detections`);
    // QoS 1 messages published before exit are at the broker; give the last ones a moment to land.
    const deadline = performance.now() + 5000;
    while (Object.keys(out).length < frames && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
  } finally {
    await svc.stop();
    await client.endAsync();
  }
  return out;
}

export function iou(a: readonly number[], b: readonly number[]): number {
  const ix = Math.max(0, Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!));
  const iy = Math.max(0, Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!));
  const inter = ix * iy;
  const area = (r: readonly number[]) => (r[2]! - r[0]!) * (r[3]! - r[1]!);
  const union = area(a) + area(b) - inter;
  return union > 0 ? inter / union : 0;
}

export interface DetectionComparison {
  /** Frames present in the baseline. */
  frames: number;
  /** Frames whose detection count differs, or that are missing from the run. */
  countMismatches: number;
  /** Baseline boxes without a same-class box of IoU ≥ minIou in the run. */
  unmatchedBoxes: number;
  boxes: number;
  /** The lowest IoU of a matched box. */
  minMatchedIou: number;
  /** Up to five mismatching frames, for the report. */
  examples: string[];
  same: boolean;
}

/** Compares a run with the baseline: same count per frame, each box matched at IoU ≥ minIou. */
export function compareDetections(
  baseline: FrameDetections,
  run: FrameDetections,
  minIou = 0.99,
): DetectionComparison {
  let countMismatches = 0;
  let unmatched = 0;
  let boxes = 0;
  let minMatched = 1;
  const examples: string[] = [];
  for (const [frame, want] of Object.entries(baseline)) {
    const got = run[frame];
    if (!got || got.length !== want.length) {
      countMismatches++;
      if (examples.length < 5)
        examples.push(`frame ${frame}: ${want.length} baseline, ${got ? got.length : 'none'} now`);
    }
    const free = [...(got ?? [])];
    for (const [cls, , box] of want) {
      boxes++;
      let best = -1;
      let bestIou = 0;
      free.forEach((g, i) => {
        const v = g[0] === cls ? iou(box, g[2]) : 0;
        if (v > bestIou) [best, bestIou] = [i, v];
      });
      if (best >= 0 && bestIou >= minIou) {
        minMatched = Math.min(minMatched, bestIou);
        free.splice(best, 1);
      } else unmatched++;
    }
  }
  return {
    frames: Object.keys(baseline).length,
    countMismatches,
    unmatchedBoxes: unmatched,
    boxes,
    minMatchedIou: Math.round(minMatched * 10000) / 10000,
    examples,
    same: countMismatches === 0 && unmatched === 0,
  };
}
