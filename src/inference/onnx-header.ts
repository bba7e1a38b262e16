/**
 * A small protobuf reader for the top level of an ONNX ModelProto. It reads the scalar fields and
 * `metadata_props` (field 14, StringStringEntryProto key=1 value=2) with positioned reads and
 * skips the graph by its length, so a 100 MB model costs a few small reads, not a parse.
 * It also checks that the file is a well-formed ModelProto: every field is a known wire type,
 * every length fits in the file, the last field ends exactly at the end of the file, and a graph
 * is present. Anything else throws `OnnxFormatError` (the caller turns it into an AdelineError).
 */
import { open, type FileHandle } from 'node:fs/promises';

export interface OnnxOpset {
  domain: string;
  version: number;
}

export interface OnnxHeader {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: number;
  opsets: OnnxOpset[];
  /** metadata_props in file order (later duplicates win). */
  metadata: Record<string, string>;
  /** Size of the file, bytes. */
  fileBytes: number;
}

export class OnnxFormatError extends Error {
  override name = 'OnnxFormatError';
}

/** Fields read into memory; anything longer than this is skipped or is a format error. */
const MAX_SMALL_FIELD = 16 * 1024 * 1024;
const F_IR_VERSION = 1;
const F_PRODUCER_NAME = 2;
const F_PRODUCER_VERSION = 3;
const F_DOMAIN = 4;
const F_MODEL_VERSION = 5;
const F_GRAPH = 7;
const F_OPSET_IMPORT = 8;
const F_METADATA_PROPS = 14;

/** Cursor over an in-memory protobuf message. */
class Cursor {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new OnnxFormatError('truncated varint');
      const b = this.buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) return result;
      mul *= 128;
    }
    throw new OnnxFormatError('varint longer than 10 bytes');
  }

  bytes(): Uint8Array {
    const len = this.varint();
    if (this.pos + len > this.buf.length)
      throw new OnnxFormatError('length-delimited field runs past its message');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.bytes();
    else if (wire === 5) this.pos += 4;
    else throw new OnnxFormatError(`unsupported wire type ${wire}`);
    if (this.pos > this.buf.length) throw new OnnxFormatError('field runs past its message');
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(b: Uint8Array): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new OnnxFormatError('a string field is not valid UTF-8');
  }
}

/** Parses a message whose fields are all strings or varints: field number → last value. */
function parseFlat(buf: Uint8Array): Map<number, string | number> {
  const c = new Cursor(buf);
  const out = new Map<number, string | number>();
  while (!c.done) {
    const key = c.varint();
    const field = Math.floor(key / 8);
    const wire = key & 7;
    if (field === 0) throw new OnnxFormatError('field number 0');
    if (wire === 2) out.set(field, text(c.bytes()));
    else if (wire === 0) out.set(field, c.varint());
    else c.skip(wire);
  }
  return out;
}

/** Reads a varint at `pos` of the file; returns the value and the position after it. */
async function fileVarint(fh: FileHandle, pos: number, size: number): Promise<[number, number]> {
  const scratch = new Uint8Array(10);
  const { bytesRead } = await fh.read(scratch, 0, Math.min(10, size - pos), pos);
  const c = new Cursor(scratch.subarray(0, bytesRead));
  const v = c.varint();
  return [v, pos + c.pos];
}

async function fileBytes(fh: FileHandle, pos: number, len: number): Promise<Uint8Array> {
  const buf = new Uint8Array(len);
  const { bytesRead } = await fh.read(buf, 0, len, pos);
  if (bytesRead !== len) throw new OnnxFormatError('file ended inside a field');
  return buf;
}

/** Reads the top level of the ModelProto in `path`. Throws OnnxFormatError if it is not one. */
export async function readOnnxHeader(path: string): Promise<OnnxHeader> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    const h: OnnxHeader = {
      irVersion: 0,
      producerName: '',
      producerVersion: '',
      domain: '',
      modelVersion: 0,
      opsets: [],
      metadata: {},
      fileBytes: size,
    };
    if (size === 0) throw new OnnxFormatError('the file is empty');
    let sawGraph = false;
    let pos = 0;
    while (pos < size) {
      const [key, afterKey] = await fileVarint(fh, pos, size);
      const field = Math.floor(key / 8);
      const wire = key & 7;
      if (field === 0 || field > 1000)
        throw new OnnxFormatError(`unexpected field number ${field} at byte ${pos}`);
      pos = afterKey;
      if (wire === 0) {
        const [v, after] = await fileVarint(fh, pos, size);
        if (field === F_IR_VERSION) h.irVersion = v;
        else if (field === F_MODEL_VERSION) h.modelVersion = v;
        pos = after;
      } else if (wire === 2) {
        const [len, after] = await fileVarint(fh, pos, size);
        pos = after;
        if (pos + len > size)
          throw new OnnxFormatError(
            `field ${field} needs ${len} bytes but the file ends ${size - pos} bytes later (truncated?)`,
          );
        if (field === F_GRAPH) sawGraph = true;
        else if (
          [
            F_PRODUCER_NAME,
            F_PRODUCER_VERSION,
            F_DOMAIN,
            F_OPSET_IMPORT,
            F_METADATA_PROPS,
          ].includes(field)
        ) {
          if (len > MAX_SMALL_FIELD)
            throw new OnnxFormatError(`field ${field} is implausibly large (${len} bytes)`);
          readSmallField(h, field, await fileBytes(fh, pos, len));
        }
        pos += len;
      } else if (wire === 1 || wire === 5) {
        pos += wire === 1 ? 8 : 4;
      } else {
        throw new OnnxFormatError(`unsupported wire type ${wire} at byte ${pos}`);
      }
    }
    if (pos !== size)
      throw new OnnxFormatError('the last field runs past the end of the file (truncated?)');
    if (!sawGraph) throw new OnnxFormatError('no graph (ModelProto field 7) found');
    if (h.irVersion <= 0) throw new OnnxFormatError('no ir_version (ModelProto field 1) found');
    return h;
  } finally {
    await fh.close();
  }
}

function readSmallField(h: OnnxHeader, field: number, buf: Uint8Array): void {
  if (field === F_PRODUCER_NAME) h.producerName = text(buf);
  else if (field === F_PRODUCER_VERSION) h.producerVersion = text(buf);
  else if (field === F_DOMAIN) h.domain = text(buf);
  else if (field === F_OPSET_IMPORT) {
    const f = parseFlat(buf);
    h.opsets.push({ domain: String(f.get(1) ?? ''), version: Number(f.get(2) ?? 0) });
  } else if (field === F_METADATA_PROPS) {
    const f = parseFlat(buf);
    const k = f.get(1);
    if (typeof k === 'string') h.metadata[k] = String(f.get(2) ?? '');
  }
}
