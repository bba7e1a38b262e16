/**
 * Splits ffmpeg's `-f image2pipe -c:v ppm -pix_fmt rgb24` output into frames. Each frame is a
 * binary PPM: `P6 <width> <height> 255` plus one whitespace byte, then width*height*3 RGB bytes.
 * The header makes every frame self-describing, so no probe is needed before reading a stream
 * (a probe would use up the one client a camera or a test server may allow).
 * Pixel bytes are copied straight from the chunks into a buffer the caller supplies.
 */

const MAX_HEADER = 64;
const MAX_SIDE = 16384;

export interface PpmSink {
  /** A buffer of width*height*3 bytes to fill (from the frame pool). */
  alloc(width: number, height: number): Uint8Array;
  /** A whole frame has been copied into `data`; `startedAtMs` is when its first byte arrived. */
  frame(data: Uint8Array, width: number, height: number, startedAtMs: number): void;
}

export class PpmFormatError extends Error {
  override readonly name = 'PpmFormatError';
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

export class PpmStreamParser {
  private readonly header = new Uint8Array(MAX_HEADER);
  private headerLen = 0;
  private body: Uint8Array | null = null;
  private bodyOffset = 0;
  private width = 0;
  private height = 0;
  private startedAtMs = 0;

  constructor(
    private readonly sink: PpmSink,
    private readonly now: () => number,
  ) {}

  /** True while a frame is partly read (a stream cut here lost that frame). */
  get midFrame(): boolean {
    return this.headerLen > 0 || this.body !== null;
  }

  /** Feeds one chunk; throws PpmFormatError when the bytes are not PPM frames. */
  push(chunk: Uint8Array): void {
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.body) {
        const take = Math.min(n - i, this.body.length - this.bodyOffset);
        this.body.set(chunk.subarray(i, i + take), this.bodyOffset);
        this.bodyOffset += take;
        i += take;
        if (this.bodyOffset === this.body.length) {
          const data = this.body;
          this.body = null;
          this.sink.frame(data, this.width, this.height, this.startedAtMs);
        }
        continue;
      }
      if (this.headerLen === 0) this.startedAtMs = this.now();
      // Header: copy bytes until the terminating whitespace after the 4th token.
      const b = chunk[i++]!;
      if (this.headerLen >= MAX_HEADER)
        throw new PpmFormatError('frame header too long: not PPM data');
      this.header[this.headerLen++] = b;
      if (this.headerLen === 2 && (this.header[0] !== 0x50 || this.header[1] !== 0x36)) {
        throw new PpmFormatError('frame does not start with P6: not PPM data');
      }
      if (isSpace(b) && this.headerComplete()) this.beginBody();
    }
  }

  /** Drops a partial frame (the stream was cut); its buffer goes back through `release`. */
  reset(release?: (buf: Uint8Array) => void): void {
    if (this.body && release) release(this.body);
    this.body = null;
    this.bodyOffset = 0;
    this.headerLen = 0;
  }

  private tokens(): string[] {
    const text = String.fromCharCode(...this.header.subarray(0, this.headerLen));
    return text.split(/[ \n\r\t]+/).filter((t) => t.length > 0);
  }

  private headerComplete(): boolean {
    // Complete when four tokens precede this (single) whitespace byte.
    const prev = this.header[this.headerLen - 2];
    if (prev === undefined || isSpace(prev)) return false;
    return this.tokens().length === 4;
  }

  private beginBody(): void {
    const [magic, w, h, max] = this.tokens();
    const width = Number(w);
    const height = Number(h);
    if (magic !== 'P6' || max !== '255') {
      throw new PpmFormatError(
        `unsupported frame header "${magic} ${w} ${h} ${max}" (want P6 … 255)`,
      );
    }
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new PpmFormatError(`bad frame size ${w}x${h}`);
    }
    if (width > MAX_SIDE || height > MAX_SIDE)
      throw new PpmFormatError(`frame size ${width}x${height} too large`);
    this.width = width;
    this.height = height;
    this.headerLen = 0;
    this.body = this.sink.alloc(width, height);
    this.bodyOffset = 0;
    if (this.body.length !== width * height * 3) {
      throw new PpmFormatError(
        `alloc returned ${this.body.length} bytes, want ${width * height * 3}`,
      );
    }
  }
}
