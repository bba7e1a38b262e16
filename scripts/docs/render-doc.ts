/** Rebuilds a doc with a generated section replaced, formatted with the project's prettier config. */
import { readFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { replaceBetween } from './markers.js';

export async function renderDoc(path: string, name: string, body: string): Promise<string> {
  const text = replaceBetween(readFileSync(path, 'utf8'), name, body);
  const options = (await resolveConfig(path)) ?? {};
  return format(text, { ...options, filepath: path });
}
