/** Small builders shared by the section schemas. */
import { z } from 'zod';

export const prob = (d: number, desc: string) => z.number().min(0).max(1).default(d).describe(desc);
export const posInt = (d: number, min: number, max: number, desc: string) =>
  z.number().int().min(min).max(max).default(d).describe(desc);
export const nullableString = (desc: string) =>
  z.string().min(1).nullable().default(null).describe(desc);
