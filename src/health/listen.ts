/**
 * Binding the health server: port validation and a listen() that turns bind failures into
 * ADELINE_ERR_HTTP_LISTEN with the fix in the message.
 */
import type { Server } from 'node:http';
import { AdelineError, describeError } from '../domain/errors.js';

export function checkPort(name: string, port: unknown): void {
  if (typeof port !== 'number' || !Number.isInteger(port)) {
    throw new TypeError(`${name} must be an integer, got ${String(port)}`);
  }
  if (port < 0 || port > 65535) throw new RangeError(`${name} must be 0–65535, got ${port}`);
}

/** Listens on host:port; resolves with the bound port (port 0 picks one). */
export function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      reject(listenError(err, host, port));
    };
    const onListening = (): void => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr !== null ? addr.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

const FIXES: Record<string, string> = {
  EADDRINUSE:
    'the address is in use; stop the other process or set health.port (or telemetry.metrics.port) to a free port, or 0 to pick one',
  EACCES: 'permission denied; use a port above 1023 or run with the right to bind it',
  EADDRNOTAVAIL:
    'no interface has this address; set health.host to 127.0.0.1, 0.0.0.0 or a local address',
  ENOTFOUND: 'the host name does not resolve; set health.host to an IP address',
};

export function listenError(err: NodeJS.ErrnoException, host: string, port: number): AdelineError {
  const why = FIXES[err.code ?? ''] ?? `${describeError(err)}; check health.host and health.port`;
  return new AdelineError(
    'ADELINE_ERR_HTTP_LISTEN',
    `health server cannot listen on ${host}:${port}: ${why}`,
    {
      cause: err,
      details: { host, port, code: err.code },
    },
  );
}
