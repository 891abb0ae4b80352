/**
 * The top entries of a V8 CPU profile (`node --cpu-prof`, e.g. BENCH_CPU_PROF of writes-and-nodes.ts):
 *
 *   npx tsx test/bench/profile-top.ts <file.cpuprofile> [entries, 25]
 *
 * Prints the self time of the heaviest functions and of each package (or file of the portal), as a
 * share of the profile's samples (idle excluded). Not part of npm test.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, count = '25'] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx test/bench/profile-top.ts <file.cpuprofile> [entries]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfMs = new Map<number, number>();
profile.samples.forEach((id, i) => selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));

/** node_modules/<package> (scoped too), the portal's file under dist/ or src/, or the frame's kind. */
function placeOf(url: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  const own = /\/(?:dist|src)\/(.+)$/.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? url : url ? url.replace(/^.*\//, '') : '(native)';
}

const functions = new Map<string, number>();
const places = new Map<string, number>();
let total = 0;
for (const [id, ms] of selfMs) {
  const frame = byId.get(id)!.callFrame;
  if (frame.functionName === '(idle)') continue;
  total += ms;
  const place = placeOf(frame.url);
  const name = `${frame.functionName || '(anonymous)'} ${place}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
  functions.set(name, (functions.get(name) ?? 0) + ms);
  places.set(place, (places.get(place) ?? 0) + ms);
}

const top = (map: Map<string, number>) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(count))
    .map(([name, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}`)
    .join('\n');
console.log(`${file}: ${total.toFixed(0)} ms of CPU sampled (idle excluded)\n\nSelf time by function:\n${top(functions)}\n\nSelf time by package or file:\n${top(places)}`);
