/**
 * A connected pair of Unix sockets for ffmpeg's stdout. The child gets one end as its fd 1. We
 * read the other end with `net.Socket`'s `onread`, into one reused buffer.
 *
 * Why not a plain `stdio: 'pipe'`: a pipe stream allocates a fresh 64 KiB ArrayBuffer for every
 * read. A 1280×720 RGB frame is about 42 of them, so at camera rates that is 30–100 MB/s of
 * short-lived external memory. On the main thread this kept V8 in back-to-back mark-compact
 * cycles (about 2.5 a second on people.mp4), and their incremental steps blocked the event loop
 * for 15–28 ms (docs/benchmarks.md, "After the socket reader"). With `onread` nothing is
 * allocated per read.
 *
 * Node has no socketpair(), so a one-shot server listens, we connect and accept, and the server
 * closes. On Linux the server uses the abstract namespace, so no file is created. Elsewhere it
 * uses a socket file in a fresh temporary directory, removed as soon as the pair is connected.
 */
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Size of the reused read buffer, bytes: one read never returns more. About the kernel's
 * default socket receive buffer (208 KiB), so a read rarely stops short of what is waiting. The
 * frames of one read are all handed on, so a file source of small frames may read ahead by up to
 * this many bytes of frames past its backpressure point.
 */
export const READ_BUFFER_BYTES = 256 * 1024;

export interface SocketPair {
  /** The end to hand to the child as stdout (close our copy after spawning). */
  childEnd: Socket;
  /** The end we read: bytes arrive in `onBytes`, a view of the reused buffer valid only during the call. */
  reader: Socket;
}

let seq = 0;

/**
 * Connects a pair. `onBytes` gets each read as a view of one reused buffer. Copy out what you
 * keep before returning.
 */
export async function openSocketPair(onBytes: (chunk: Uint8Array) => void): Promise<SocketPair> {
  const linux = process.platform === 'linux';
  const dir = linux ? null : mkdtempSync(join(tmpdir(), 'adeline-ff-'));
  const path = dir
    ? join(dir, 's')
    : `\0adeline-ffmpeg-${process.pid}-${++seq}-${Math.random().toString(36).slice(2)}`;
  const server = createServer({ pauseOnConnect: true });
  try {
    server.listen(path);
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const reader = createConnection({
      path,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array) => {
          onBytes(buf.subarray(0, n));
          return true;
        },
      },
    });
    reader.on('error', () => {});
    try {
      const [[childEnd]] = await Promise.all([accepted, once(reader, 'connect')]);
      // Neither end is ever shut down (shutdown() would reach the child's copy too): the child
      // end is only closed, after the spawn, and ffmpeg never reads its stdout.
      return { childEnd, reader };
    } catch (err) {
      reader.destroy();
      throw err;
    }
  } finally {
    server.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}
