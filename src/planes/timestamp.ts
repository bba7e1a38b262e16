/**
 * Message timestamps: ISO-8601, UTC, with an explicit `+00:00` offset and microseconds, which
 * Python's `datetime.fromisoformat` reads on every version (it rejects `Z` before 3.11).
 */

/** `2025-10-22T14:03:11.201337+00:00` for an epoch-millisecond time (fractions kept to the µs). */
export function isoUtc(epochMs: number): string {
  const whole = Math.floor(epochMs);
  const micros = Math.min(999, Math.max(0, Math.round((epochMs - whole) * 1000)));
  const iso = new Date(whole).toISOString(); // 2025-10-22T14:03:11.201Z
  return `${iso.slice(0, 23)}${String(micros).padStart(3, '0')}+00:00`;
}

/** The pattern every timestamp in an Adeline message matches (also in docs/schemas). */
export const ISO_UTC_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/;
