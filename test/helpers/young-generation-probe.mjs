/**
 * Run by test/unit/node-flags.test.ts as `node <this file>`: applies the portal's Node flags as
 * scripts/start.mjs does (re-executing itself when they are missing), makes garbage as requests do,
 * then prints its Node flags and the young generation's resident size.
 */
import v8 from 'node:v8';
import { withPortalFlags } from '../../scripts/node-flags.mjs';

withPortalFlags();
let kept = [];
for (let i = 0; i < 3_000_000; i++) {
  kept.push({ i, text: `page ${i}` });
  if (kept.length > 200_000) kept = [];
}
const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
process.stdout.write(JSON.stringify({ execArgv: process.execArgv, youngGenerationBytes: young?.physical_space_size ?? null }));
