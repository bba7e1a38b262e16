/**
 * `adeline model info --probe FILE [--image F]`: one inference on a real frame, reporting the
 * best score of each class before the confidence threshold and how many detections pass it, so a
 * user can tell a model that sees nothing (wrong preprocessing, threshold, labels) from an empty
 * scene. The frame is a frame of the synthetic scene, or the first frame of an image or video
 * file read with ffmpeg (PNG, JPEG, PPM, MP4...).
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import type { AdelineConfig } from '../config/schema.js';
import { AdelineError } from '../domain/errors.js';
import type { Detection } from '../domain/detection.js';
import { InferenceEngine, type EngineOptions } from '../inference/index.js';
import { PpmStreamParser } from '../source/ffmpeg/ppm-parser.js';
import { SyntheticScene } from '../source/synthetic/scene.js';

export interface ProbeFrame {
  data: Uint8Array;
  width: number;
  height: number;
  /** Where it came from, e.g. "synthetic scene (seed 42), frame 0" or the file path. */
  label: string;
}

export interface ClassScore {
  classId: number;
  className: string;
  /** Best score of the class on this frame (after NMS, before the threshold). */
  topScore: number;
  /** Detections of the class at or above the threshold. */
  aboveThreshold: number;
}

export interface ProbeResult {
  frame: { label: string; width: number; height: number };
  inferenceMs: number;
  threshold: number;
  /** Classes with any candidate, best score first (at most `limit`). */
  classes: ClassScore[];
  /** Detections at or above the threshold: what `adeline run` would publish for this frame. */
  detectionsAboveThreshold: number;
}

/** Lowest score the probe reports: below it a class counts as not seen at all. */
const PROBE_FLOOR = 0.001;

export function syntheticFrame(c: AdelineConfig['synthetic']): ProbeFrame {
  const scene = new SyntheticScene({
    width: c.width,
    height: c.height,
    fps: c.fps,
    seed: c.seed,
    maxFigures: c.max_figures,
    fallProbability: c.fall_probability,
  });
  const data = new Uint8Array(c.width * c.height * 3);
  scene.renderInto(data);
  return {
    data,
    width: c.width,
    height: c.height,
    label: `synthetic scene (seed ${c.seed}), frame 0`,
  };
}

/** The first frame of an image or video file, decoded to RGB24 by ffmpeg. */
export async function imageFrame(path: string, timeoutMs = 30_000): Promise<ProbeFrame> {
  const notFile = (why: string, cause?: unknown) =>
    new AdelineError(
      'ADELINE_ERR_SOURCE_NOT_FOUND',
      `--image ${path} is not a readable file (${why}); pass a PNG, JPEG, PPM or video file`,
      { cause },
    );
  const st = await stat(path).catch((err: unknown) => {
    throw notFile((err as Error).message, err);
  });
  if (!st.isFile()) throw notFile('not a regular file');
  const frames: ProbeFrame[] = [];
  const parser = new PpmStreamParser(
    {
      alloc: (w, h) => new Uint8Array(w * h * 3),
      frame: (data, width, height) => {
        if (frames.length === 0) frames.push({ data, width, height, label: path });
      },
    },
    () => Date.now(),
  );
  const args = ['-v', 'error', '-nostdin', '-i', path, '-frames:v', '1'];
  args.push('-f', 'image2pipe', '-c:v', 'ppm', '-pix_fmt', 'rgb24', '-');
  const child = spawn('ffmpeg', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let parseError: Error | null = null;
  child.stdout.on('data', (chunk: Buffer) => {
    if (parseError) return;
    try {
      parser.push(chunk);
    } catch (err) {
      parseError = err as Error;
    }
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 4000) stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | string>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c, sig) => resolve(c ?? sig ?? 'unknown'));
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT')
      throw new AdelineError(
        'ADELINE_ERR_FFMPEG_MISSING',
        'ffmpeg is not on PATH; install it (Debian: apt-get install ffmpeg) to read --image',
        { cause: err },
      );
    throw err;
  });
  clearTimeout(timer);
  const frame = frames[0];
  if (code !== 0 || !frame) {
    const why =
      stderr.replace(/\s+/g, ' ').trim() ||
      (parseError as Error | null)?.message ||
      'no frame decoded';
    throw new AdelineError(
      'ADELINE_ERR_SOURCE_DECODE',
      `--image ${path}: ffmpeg could not decode a frame (${why.slice(0, 300)}); pass a PNG, JPEG, PPM or video file`,
    );
  }
  return frame;
}

/** Per-class best scores and counts above `threshold`, best class first. */
export function summarizeScores(dets: readonly Detection[], threshold: number): ClassScore[] {
  const byClass = new Map<number, ClassScore>();
  for (const d of dets) {
    let s = byClass.get(d.classId);
    if (!s) {
      s = { classId: d.classId, className: d.className, topScore: 0, aboveThreshold: 0 };
      byClass.set(d.classId, s);
    }
    if (d.confidence > s.topScore) s.topScore = d.confidence;
    if (d.confidence >= threshold) s.aboveThreshold++;
  }
  return [...byClass.values()].sort((a, b) => b.topScore - a.topScore);
}

/** Opens the model with a near-zero threshold, runs the frame once and summarises the scores. */
export async function probeModel(
  opts: EngineOptions,
  frame: ProbeFrame,
  limit = 10,
): Promise<ProbeResult> {
  const threshold = opts.confidence;
  const engine = await InferenceEngine.open({
    ...opts,
    confidence: Math.min(PROBE_FLOOR, threshold),
    maxDetections: 100_000,
    quiet: true,
  });
  try {
    const input = engine.prepare(frame.data, frame.width, frame.height, null);
    const raw = await engine.infer(input);
    const inferenceMs = raw.inferenceMs;
    const dets = engine.decode(raw, input);
    const classes = summarizeScores(dets, threshold);
    return {
      frame: { label: frame.label, width: frame.width, height: frame.height },
      inferenceMs,
      threshold,
      classes: classes.slice(0, limit),
      detectionsAboveThreshold: classes.reduce((n, c) => n + c.aboveThreshold, 0),
    };
  } finally {
    await engine.close();
  }
}

export function formatProbe(p: ProbeResult): string {
  const lines = [
    `Probe     one inference on ${p.frame.label} (${p.frame.width}x${p.frame.height}), ${p.inferenceMs.toFixed(0)} ms`,
    `          top score per class before the threshold (models.confidence ${p.threshold}):`,
  ];
  if (p.classes.length === 0)
    lines.push(`          none: no candidate scored ${PROBE_FLOOR} or more`);
  for (const c of p.classes)
    lines.push(
      `  ${c.className.padEnd(20)} ${c.topScore.toFixed(3)}   ${c.aboveThreshold} above the threshold`,
    );
  lines.push(`Detections ${p.detectionsAboveThreshold} above the threshold on this frame`);
  if (p.detectionsAboveThreshold === 0)
    lines.push(
      '          nothing passes: check the preprocessing above (models.preprocess), the threshold',
      '          (models.confidence) and that the frame shows what the model was trained on',
    );
  return lines.join('\n');
}
