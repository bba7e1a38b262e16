/**
 * One viewer's event stream (text/event-stream). Writes never queue: while the socket has not
 * drained the previous frame, further frames for this viewer are skipped (drop, never queue);
 * small status events are always written.
 */
import type { ServerResponse } from 'node:http';

export class SseClient {
  private congested = false;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly onClose: (c: SseClient) => void,
  ) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    res.on('drain', () => (this.congested = false));
    res.on('close', () => this.close());
    res.on('error', () => this.close());
  }

  /** Sends an event; a frame is skipped (false) while the previous one has not drained. */
  send(event: 'frame' | 'status', payload: string): boolean {
    if (this.closed) return false;
    if (event === 'frame' && this.congested) return false;
    const ok = this.res.write(`event: ${event}\ndata: ${payload}\n\n`);
    if (!ok) this.congested = true;
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (!this.res.writableEnded) this.res.end();
    this.onClose(this);
  }
}
