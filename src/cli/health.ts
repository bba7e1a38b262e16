/**
 * `adeline health`: asks a running service's health endpoint and exits 0 on HTTP 200, 1 otherwise
 * (unreachable, non-200, timeout, bad flags). Docker's HEALTHCHECK runs it, so the image needs no
 * curl; Docker reserves exit code 2, so this command never returns it.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { parseArgs } from 'node:util';

export const DEFAULT_HEALTH_URL = 'http://127.0.0.1:8080/health/ready';
const DEFAULT_TIMEOUT_MS = 3000;
const MAX_BODY_BYTES = 64 * 1024;

const USAGE = `Usage: adeline health [--url URL] [--timeout MS] [--json]

Asks the health endpoint of a running Adeline and exits 0 when it answers HTTP 200, else 1.

Options:
  --url URL       endpoint to ask (default ${DEFAULT_HEALTH_URL}; env ADELINE_HEALTH_URL)
  --timeout MS    give up after MS milliseconds (default ${DEFAULT_TIMEOUT_MS})
  --json          print one JSON object: {url, ok, http_status, status, error}
  -h, --help      show this help
`;

interface Outcome {
  url: string;
  ok: boolean;
  http_status: number | null;
  status: string | null;
  error: string | null;
}

export async function runHealthCommand(args: string[]): Promise<number> {
  let values: { url?: string; timeout?: string; json?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        timeout: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return usageError(err instanceof Error ? err.message : String(err));
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const raw = values.url ?? process.env.ADELINE_HEALTH_URL ?? DEFAULT_HEALTH_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return usageError(`--url "${raw}" is not a valid URL; use e.g. ${DEFAULT_HEALTH_URL}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return usageError(`--url must be http:// or https://, got ${url.protocol}`);
  }
  const timeoutMs = values.timeout === undefined ? DEFAULT_TIMEOUT_MS : Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) {
    return usageError(
      `--timeout must be a whole number of milliseconds from 1 to 600000, got "${values.timeout}"`,
    );
  }
  const outcome = await probe(url, timeoutMs);
  if (values.json) console.log(JSON.stringify(outcome));
  else if (outcome.ok) console.log(outcome.status ?? 'ok');
  else
    console.error(
      `${outcome.url}: ${outcome.error ?? `HTTP ${outcome.http_status ?? '?'} ${outcome.status ?? ''}`.trim()}`,
    );
  return outcome.ok ? 0 : 1;
}

function usageError(message: string): number {
  console.error(`adeline health: ${message}\n\n${USAGE}`);
  return 1;
}

function probe(url: URL, timeoutMs: number): Promise<Outcome> {
  const base: Outcome = { url: url.href, ok: false, http_status: null, status: null, error: null };
  return new Promise((resolve) => {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = request(url, {
      method: 'GET',
      agent: false,
      headers: { accept: 'application/json, text/plain', connection: 'close' },
    });
    const timer = setTimeout(
      () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (o: Outcome): void => {
      clearTimeout(timer);
      resolve(o);
    };
    req.on('error', (err: NodeJS.ErrnoException) => {
      const what = err.code ? `unreachable (${err.code}): ${err.message}` : err.message;
      finish({ ...base, error: what });
    });
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY_BYTES) chunks.push(c);
      });
      res.on('error', (err) =>
        finish({ ...base, http_status: res.statusCode ?? null, error: err.message }),
      );
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const status = statusOf(Buffer.concat(chunks).toString('utf8'));
        finish({
          ...base,
          ok: code === 200,
          http_status: code,
          status,
          error: code === 200 ? null : `HTTP ${code}${status ? ` ${status}` : ''}`,
        });
      });
    });
    req.end();
  });
}

/** The `status` of a JSON body, or a short plain-text body (`/health` answers `healthy`). */
function statusOf(body: string): string | null {
  const text = body.trim();
  if (text === '') return null;
  try {
    const parsed = JSON.parse(text) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { status?: unknown }).status === 'string'
    ) {
      return (parsed as { status: string }).status;
    }
    return null;
  } catch {
    return text.length <= 64 && !text.includes('\n') ? text : null;
  }
}
