/** Waits for a condition with a deadline instead of sleeping (STYLE.md 16). */
export async function waitFor<T>(
  probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(
        `timed out after ${opts.timeoutMs ?? 10_000} ms waiting for ${opts.what ?? 'condition'}${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 25));
  }
}

/** Resolves with the first event `name` emitted by `emitter`, or rejects after timeoutMs. */
export function once<T = unknown>(
  emitter: {
    once(name: string, fn: (v: T) => void): unknown;
    off?(name: string, fn: (v: T) => void): unknown;
  },
  name: string,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for "${name}"`)),
      timeoutMs,
    );
    emitter.once(name, (v: T) => {
      clearTimeout(t);
      resolve(v);
    });
  });
}
