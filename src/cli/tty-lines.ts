/**
 * Log lines and a progress line sharing one terminal: each log line is printed above the
 * progress line, which is redrawn below it. The progress line goes to `status` (stderr), log
 * lines to `out` (stdout); when both are the same terminal, the progress line is erased before a
 * log line and drawn again after it, so the two never run into each other.
 */
import { Writable } from 'node:stream';

interface Sink {
  write(s: string): unknown;
}

const ERASE = '\r\x1b[K';

export class TtyLines {
  private line = '';
  /** The stream to give the logger (pino-pretty's destination). */
  readonly logStream: Writable;

  constructor(
    private readonly out: Sink = process.stdout,
    private readonly status: Sink = process.stderr,
  ) {
    this.logStream = new Writable({
      decodeStrings: false,
      write: (chunk: Buffer | string, _enc, cb) => {
        this.log(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
        cb();
      },
    });
  }

  /** Prints log text (one or more whole lines) above the progress line. */
  log(text: string): void {
    if (this.line) this.status.write(ERASE);
    this.out.write(text);
    if (this.line) this.status.write(`\r${this.line}\x1b[K`);
  }

  /** Draws (or redraws) the progress line; one line, without a newline. */
  progress(text: string): void {
    this.line = text.replace(/[\r\n]+/g, ' ');
    this.status.write(`\r${this.line}\x1b[K`);
  }

  /** Erases the progress line. */
  clear(): void {
    if (this.line) this.status.write(ERASE);
    this.line = '';
  }
}
