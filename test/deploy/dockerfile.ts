/** Reads the Dockerfile's instructions, so that tests can run the commands it runs. */
import { repoPath } from './deploy-files.js';

export interface Instruction {
  op: string;
  args: string;
  stage: string;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
export function dockerInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let stage = '';
  const joined = text.replace(/\\\n/g, ' ');
  for (const raw of joined.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Z]+)\s+(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const args = (m[2] ?? '').replace(/\s+/g, ' ');
    if (m[1] === 'FROM') stage = /\bAS (\w+)$/i.exec(args)?.[1] ?? '';
    out.push({ op: m[1], args, stage });
  }
  return out;
}

/** The command of an exec-form instruction (`["a", "b"]`), with /app mapped to the repository. */
export function execForm(args: string): string[] {
  const json = args.slice(args.indexOf('['));
  return (JSON.parse(json) as string[]).map((a) => a.replace(/^\/app\//, repoPath('')));
}
