// The profile part of `npm run bench`: one digits training step split into kernel and JS time
// (bench/lib/step-profile.ts); prints its tables and (full run) writes the profile section of BENCHMARKS.md.
import os from 'node:os';
import { writeSection } from './lib/markdown.ts';
import type { Output } from './lib/output.ts';
import { callsTable, gemmTable, phaseTable, profileStep, profileSummary, type Profile } from './lib/step-profile.ts';
import { markdownTables, renderText } from './lib/table.ts';

export async function benchProfile(threads: number[], command: string, out: Output): Promise<void> {
  const results: Profile[] = [];
  for (const t of threads) results.push(await profileStep(t));
  console.log(`\n${renderText(phaseTable(results))}\n\n${renderText(callsTable(results))}\n\n${renderText(gemmTable(results))}`);
  if (!out.markdown) return;
  writeSection(out.markdown, 'profile', [
    '## profile of one training step',
    '',
    `Command: \`${command}\` (alone: \`npx tsx bench/profile-step.ts\`), ${new Date().toISOString()}; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
    '',
    profileSummary(results),
    '',
    ...markdownTables([phaseTable(results), callsTable(results), gemmTable(results)], []),
  ].join('\n'));
}
