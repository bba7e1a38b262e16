/** Builds the message that hands one dispatched run to the inference worker. */
import type { Pending } from './worker-host-state.js';
import type { ToWorker } from './worker-protocol.js';

/** The message of a dispatched run, and the buffers it transfers. */
export function message(p: Pending): { msg: ToWorker; transfer: ArrayBuffer[] } {
  const w = p.work;
  if (w.kind === 'detect') {
    const r = w.req;
    const msg: ToWorker = {
      type: 'detect',
      id: p.id,
      frame: r.input,
      width: r.width,
      height: r.height,
      roi: r.roi,
    };
    if (r.fault) msg.fault = r.fault;
    return { msg, transfer: [r.input] };
  }
  const r = w.req;
  // Buffers detached meanwhile (sent with a run that died with its worker) are skipped.
  const recycle = (r.recycle ?? []).filter((x) => x.buffer.byteLength > 0);
  const msg: ToWorker = {
    type: 'run',
    id: p.id,
    input: r.input,
    dims: r.dims,
    fetch: r.fetch,
    recycle,
  };
  if (r.fault) msg.fault = r.fault;
  return { msg, transfer: [r.input, ...recycle.map((x) => x.buffer)] };
}
