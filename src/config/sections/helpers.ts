/** Small builders shared by the section schemas. */
import { z } from 'zod';
import { MAX_FPS_LIMIT } from '../../domain/frame-rate.js';

/** A frames/s cap, 0..MAX_FPS_LIMIT (0 = no cap): the range the frame loop checks too. */
export const maxFps = () => z.number().min(0).max(MAX_FPS_LIMIT);

export const prob = (d: number, desc: string) => z.number().min(0).max(1).default(d).describe(desc);
export const posInt = (d: number, min: number, max: number, desc: string) =>
  z.number().int().min(min).max(max).default(d).describe(desc);
export const nullableString = (desc: string) =>
  z.string().min(1).nullable().default(null).describe(desc);
