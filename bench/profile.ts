/**
 * Summarises the .cpuprofile files of a directory (node --cpu-prof output):
 *   node --import tsx bench/profile.ts DIR [TOP]
 */
import { formatSummary, summariseDir } from './lib/cpu-profile.js';

const [dir, top] = process.argv.slice(2);
if (!dir) throw new Error('usage: bench/profile.ts DIR [TOP]');
for (const s of summariseDir(dir, Number(top ?? 15))) console.log(formatSummary(s) + '\n');
