// Where one training step of the digits-sized Packed-Ensembles MLP spends its time on the wasm backend
// (bench/lib/step-profile.ts): each phase split into kernel and JS time, every backend call per step.
// Run: npx tsx bench/profile-step.ts [threads...]   (default 1 and the number of cores)
import os from 'node:os';
import { enableRelaxedSimd } from './lib/relaxed-simd.ts';
import { callsTable, gemmTable, phaseTable, profileStep, profileSummary, type Profile } from './lib/step-profile.ts';
import { renderText } from './lib/table.ts';

enableRelaxedSimd();
const threadCounts = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [...new Set([1, os.availableParallelism()])];
const results: Profile[] = [];
for (const t of threadCounts) results.push(await profileStep(t));
console.log(`${profileSummary(results)}\nLoad average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')} (a shared machine adds noise).\n`);
console.log(`${renderText(phaseTable(results))}\n\n${renderText(callsTable(results))}\n\n${renderText(gemmTable(results))}`);
process.exit(0);
