/** Writes a generated file formatted by the project's Prettier config, so `npm test` stays green. */
import { writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';

export async function writeFormatted(path: string, text: string): Promise<void> {
  const options = (await resolveConfig(path)) ?? {};
  writeFileSync(path, await format(text, { ...options, filepath: path }));
}
