/**
 * Finds the ffmpeg/ffprobe command lines in Markdown (fenced sh/bash/console blocks, and inline
 * code spans of three words or more) and runs one with its placeholders replaced, with a deadline.
 * Used by docs-ffmpeg-examples.test.ts. (Not a test file: no `.test.` in the name.)
 */
import { spawn } from 'node:child_process';

export interface DocExample {
  /** Where it is, as "docs/sources.md:71". */
  where: string;
  command: string;
}

const SHELL_LANGS = new Set(['', 'sh', 'bash', 'shell', 'console']);
const isCommand = (text: string) => /^(ffmpeg|ffprobe)\s/.test(text);

export function extractFfmpegExamples(markdown: string, file: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = markdown.split('\n');
  let fence: { lang: string } | null = null;
  let pending: { start: number; text: string } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const marker = /^\s*```\s*([\w-]*)/.exec(line);
    if (marker) {
      fence = fence ? null : { lang: marker[1]!.toLowerCase() };
      pending = null;
      continue;
    }
    if (fence) {
      if (!SHELL_LANGS.has(fence.lang)) continue;
      const text = line.trim().replace(/^\$\s+/, '');
      const joined: string = pending ? `${pending.text} ${text}` : text;
      const start: number = pending?.start ?? i;
      if (joined.endsWith('\\')) {
        pending = { start, text: joined.slice(0, -1).trim() };
        continue;
      }
      pending = null;
      if (isCommand(joined)) out.push({ where: `${file}:${start + 1}`, command: joined });
      continue;
    }
    for (const m of line.matchAll(/`([^`]+)`/g)) {
      const text = m[1]!.trim();
      if (isCommand(text) && text.split(/\s+/).length >= 3)
        out.push({ where: `${file}:${i + 1}`, command: text });
    }
  }
  return out;
}

/** Replaces `<name>` placeholders; throws on one it does not know, so none is left unrun. */
export function substitute(command: string, values: Record<string, string>): string {
  return command.replace(/<([a-z][\w-]*)>/gi, (all, name: string) => {
    const v = values[name];
    if (v === undefined)
      throw new Error(
        `unknown placeholder ${all}; use <file> or <url>, or teach the test a new one`,
      );
    return `'${v.replace(/'/g, `'\\''`)}'`;
  });
}

export interface ExampleRun {
  /** Exit code; null when it was still running at `stopAfterBytes` and was killed. */
  code: number | null;
  stdoutBytes: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command line in bash (pipefail) until it exits, or until `stopAfterBytes` of stdout
 * have arrived (a live stream never ends; it is then killed by PID). Rejects after `timeoutMs`.
 */
export function runExample(
  command: string,
  o: { timeoutMs: number; stopAfterBytes?: number },
): Promise<ExampleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let bytes = 0;
    const head: Buffer[] = [];
    let stderr = '';
    let stopped = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`"${command}" did not finish within ${o.timeoutMs} ms; stderr: ${stderr}`));
    }, o.timeoutMs);
    child.stdout.on('data', (d: Buffer) => {
      bytes += d.length;
      if (head.length < 64) head.push(d);
      if (o.stopAfterBytes !== undefined && bytes >= o.stopAfterBytes && !stopped) {
        stopped = true;
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(head).toString('latin1').slice(0, 4000);
      resolve({ code: stopped ? null : code, stdoutBytes: bytes, stdout, stderr });
    });
  });
}
