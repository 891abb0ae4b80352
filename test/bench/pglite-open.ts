/**
 * PGlite's open alone (issue 20, the start's « base » phase): `PGlite.create` on a copy of a warm data
 * folder with the portal's options, in a new Node process each time (as at a start), with each
 * variant's shared buffers and V8 flags, BENCH_ROUNDS (4) times alternated; prints, per variant, the
 * CPU time of the main thread (the start's critical path on an idle machine), that of the whole process
 * (WebAssembly's compilers and the garbage collector run beside it) and the pages of memory touched
 * for the first time (minor page faults: each one costs ~25 µs of CPU on this VM), medians.
 *
 *   npx tsx test/bench/pglite-open.ts <warm data folder> [label=shared_buffers[:node flag,…] …]
 *   e.g. npx tsx test/bench/pglite-open.ts data 16MB=16MB 8MB=8MB budget=8MB:--wasm-tiering-budget=100000000
 *
 * Not part of npm test.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';

const OPEN = `
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLITE_OPTIONS } from './src/platform/db/pglite.ts';
const mainCpu = () => { const f = readFileSync('/proc/self/task/' + process.pid + '/stat', 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const now = () => { const r = process.resourceUsage(); return { main: mainCpu(), all: (r.userCPUTime + r.systemCPUTime) / 1000, faults: r.minorPageFault }; };
const before = now();
const db = await PGlite.create({ dataDir: process.env.OPEN_DIR, ...PGLITE_OPTIONS, startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=' + process.env.OPEN_BUFFERS] });
const after = now();
console.log(JSON.stringify({ main: after.main - before.main, all: Math.round(after.all - before.all), faults: after.faults - before.faults }));
process.exit(0);
`;

const [source, ...specs] = process.argv.slice(2);
if (!source) throw new Error('usage: npx tsx test/bench/pglite-open.ts <warm data folder> [label=buffers[:flag,…] …]');
const variants = (specs.length ? specs : ['16MB=16MB', '8MB=8MB']).map((spec) => {
  const [label, rest] = [spec.slice(0, spec.indexOf('=')), spec.slice(spec.indexOf('=') + 1)];
  const [buffers, flags] = rest.split(':');
  return { label, buffers: buffers!, flags: flags ? flags.split(',') : [], runs: [] as { main: number; all: number; faults: number }[] };
});
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 4);
const ROOT = path.resolve(import.meta.dirname, '../..');
const work = mkdtempSync(path.join(tmpdir(), 'pglite-open-'));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)]!;
try {
  const load: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const v of round % 2 ? [...variants].reverse() : variants) {
      const dir = path.join(work, 'data');
      rmSync(dir, { recursive: true, force: true });
      cpSync(path.join(source, 'pglite'), dir, { recursive: true });
      load.push(loadavg()[0]!);
      const run = spawnSync(process.execPath, [...v.flags, '--import', 'tsx', '--input-type=module', '-e', OPEN], { cwd: ROOT, env: { ...process.env, OPEN_DIR: dir, OPEN_BUFFERS: v.buffers }, encoding: 'utf8' });
      if (run.status !== 0) throw new Error(run.stderr);
      v.runs.push(JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { main: number; all: number; faults: number });
    }
  }
  for (const v of variants)
    console.log(`${v.label}: main thread ${median(v.runs.map((r) => r.main))} ms CPU [${v.runs.map((r) => r.main).join(', ')}] · process ${median(v.runs.map((r) => r.all))} ms · ${median(v.runs.map((r) => r.faults))} pages touched first`);
  console.log(`load average ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
