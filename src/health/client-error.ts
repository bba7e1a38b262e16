/**
 * Node's 'clientError' handler for the health server: a request Node could not parse (garbage,
 * a bad request line, oversized headers, a slowloris timeout) gets a JSON 4xx and a closed socket.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { logEvent, type Logger } from '../telemetry/logger.js';

const ERROR_OF: Record<number, string> = {
  400: 'bad_request',
  408: 'request_timeout',
  431: 'headers_too_large',
};

export function rejectClient(err: NodeJS.ErrnoException, socket: Duplex, log: Logger): void {
  const code = err.code ?? 'unknown';
  logEvent(log, 'http_request_rejected', 'malformed HTTP request rejected', { code });
  if (code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const status =
    code === 'HPE_HEADER_OVERFLOW' ? 431 : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const body = JSON.stringify({ error: ERROR_OF[status] });
  const head =
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
    'Cache-Control: no-store\r\nConnection: close\r\n\r\n';
  socket.end(head + body, () => socket.destroy());
}
