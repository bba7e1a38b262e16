/**
 * The real third-party inputs of the realvideo scenario (../shared/realworld/, README there):
 * two videos and two Ultralytics int8 models. They are used from that path, never copied.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../test/helpers/processes.js';

export const REALWORLD_DIR = join(REPO_ROOT, '..', 'shared', 'realworld');

export interface RealCase {
  /** `video/model`, the key in results.json and in the baseline. */
  key: string;
  video: string;
  model: string;
  /** Frame size of the video and input size of the model (from the README, checked at run time). */
  videoSize: string;
  inputSize: number;
}

const video = (f: string) => join(REALWORLD_DIR, f);

export const REAL_CASES: readonly RealCase[] = [
  {
    key: 'street/yolo11n-320',
    video: video('street.mp4'),
    model: video('yolo11n_int8.onnx'),
    videoSize: '1280x720',
    inputSize: 320,
  },
  {
    key: 'street/yolov8n-640',
    video: video('street.mp4'),
    model: video('yolov8n_int8.onnx'),
    videoSize: '1280x720',
    inputSize: 640,
  },
  {
    key: 'people/yolo11n-320',
    video: video('people.mp4'),
    model: video('yolo11n_int8.onnx'),
    videoSize: '640x360',
    inputSize: 320,
  },
  {
    key: 'people/yolov8n-640',
    video: video('people.mp4'),
    model: video('yolov8n_int8.onnx'),
    videoSize: '640x360',
    inputSize: 640,
  },
];

/** Frames per case in the stored baseline detections. */
export const BASELINE_FRAMES = 60;

/** The cases whose files are all present. */
export function availableCases(): RealCase[] {
  return REAL_CASES.filter((c) => existsSync(c.video) && existsSync(c.model));
}
