/**
 * The top entries of a V8 CPU profile (`node --cpu-prof`, e.g. BENCH_CPU_PROF of writes-and-nodes.ts):
 *
 *   npx tsx test/bench/profile-top.ts <file.cpuprofile> [entries, 25] [from-to]
 *
 * Prints the self time of the heaviest functions and of each package (or file of the portal), as a
 * share of the profile's samples (idle excluded), then each function's total time (itself and what it
 * calls, counted once per sample). `from-to` (monotonic µs, as signed-in-page.ts prints a page's
 * "profile window") keeps only the samples taken in that window: the start-up left out. Not part of
 * npm test.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, count = '25', window] = process.argv.slice(2);
if (!file) throw new Error('usage: npx tsx test/bench/profile-top.ts <file.cpuprofile> [entries] [from-to]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const [from, to] = window ? window.split('-').map(Number) : [-Infinity, Infinity];
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const selfMs = new Map<number, number>();
let at = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  at += delta;
  if (at >= from! && at <= to!) selfMs.set(id, (selfMs.get(id) ?? 0) + delta / 1000);
});

/** node_modules/<package> (scoped too), the portal's file under dist/ or src/, or the frame's kind. */
function placeOf(url: string): string {
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  const own = /\/(?:dist|src)\/(.+)$/.exec(url);
  if (own) return own[1]!;
  return url.startsWith('node:') ? url : url ? url.replace(/^.*\//, '') : '(native)';
}
function nameOf(node: ProfileNode): string {
  const frame = node.callFrame;
  return `${frame.functionName || '(anonymous)'} ${placeOf(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
}

const functions = new Map<string, number>();
const places = new Map<string, number>();
const totals = new Map<string, number>();
let total = 0;
for (const [id, ms] of selfMs) {
  const node = byId.get(id)!;
  if (node.callFrame.functionName === '(idle)') continue;
  total += ms;
  const place = placeOf(node.callFrame.url);
  functions.set(nameOf(node), (functions.get(nameOf(node)) ?? 0) + ms);
  places.set(place, (places.get(place) ?? 0) + ms);
  const seen = new Set<string>(); // a recursive function counted once per sample
  for (let up: number | undefined = id; up !== undefined; up = parentOf.get(up)) {
    const name = nameOf(byId.get(up)!);
    if (!seen.has(name)) totals.set(name, (totals.get(name) ?? 0) + ms);
    seen.add(name);
  }
}

const top = (map: Map<string, number>) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(count))
    .map(([name, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)} %  ${ms.toFixed(0).padStart(7)} ms  ${name}`)
    .join('\n');
console.log(
  `${file}: ${total.toFixed(0)} ms of CPU sampled (idle excluded)${window ? ` in ${window}` : ''}\n\nSelf time by function:\n${top(functions)}\n\nSelf time by package or file:\n${top(places)}\n\nTotal time by function (with what it calls):\n${top(totals)}`,
);
