/**
 * Start to first page: spawns the portal as `npm start` runs it (`node --max-semi-space-size=8
 * scripts/start.mjs`, the flags of scripts/node-flags.mjs: the up-to-date check, Node's compile
 * cache, the bundle of `npm run build`), or through tsx as before
 * the build step, polls `/` until it answers 200, and reads the phases the server prints. Cold = a
 * new PGlite data folder, warm = the same folder again.
 * Run alone: `npx tsx test/bench/start-time.ts` (also part of `npm run bench`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PORTAL_NODE_FLAGS } from './portal-process.ts';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NODE = process.execPath;

export interface StartResult {
  firstPageMs: number;
  /** the phases printed by the server (src/platform/startup/phases.ts), wall and CPU */
  phases: { name: string; ms: number; cpuMs: number }[];
}

export async function measureStart(command: string[], dataDir: string, port: number): Promise<StartResult> {
  const t0 = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info' };
  delete env.DATABASE_URL; // the embedded database: the start figures of the issue are PGlite's
  const child = spawn(command[0]!, command.slice(1), {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let phases: StartResult['phases'] = [];
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const line = output.split('\n').find((l) => l.includes('"startup":'));
    if (line) phases = (JSON.parse(line) as { startup: StartResult['phases'] }).startup;
  });
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`the portal stopped before its first page:\n${output.slice(-2000)}`);
      const ok = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.ok, () => false);
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const firstPageMs = Math.round(performance.now() - t0);
    for (let i = 0; i < 100 && !phases.length; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    return { firstPageMs, phases };
  } finally {
    if (!exited) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
}

export interface StartFigures {
  built: { cold: StartResult; warm: StartResult };
  tsx: { warm: StartResult };
}

/** Cold and warm start of the built portal, and a warm start through tsx (how `npm start` ran before). */
export async function startFigures(port = 3904): Promise<StartFigures> {
  const build = spawn(NODE, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  await new Promise((resolve) => build.once('exit', resolve));
  const dir = mkdtempSync(path.join(tmpdir(), 'portail-start-'));
  try {
    const dataDir = path.join(dir, 'data');
    // with the flags npm start gives Node: without them, start.mjs would start Node a second time (node-flags.mjs)
    const cold = await measureStart([NODE, ...PORTAL_NODE_FLAGS, 'scripts/start.mjs'], dataDir, port);
    const warm = await measureStart([NODE, ...PORTAL_NODE_FLAGS, 'scripts/start.mjs'], dataDir, port);
    const tsxWarm = await measureStart([NODE, '--import', 'tsx', 'src/server.ts'], dataDir, port);
    return { built: { cold, warm }, tsx: { warm: tsxWarm } };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const describePhases = (r: StartResult) => r.phases.map((p) => `${p.name} ${p.ms} ms (CPU ${p.cpuMs})`).join(' · ');

if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await startFigures();
  for (const [label, r] of [['built, cold', f.built.cold], ['built, warm', f.built.warm], ['tsx, warm', f.tsx.warm]] as const)
    console.log(`${label}: first page ${r.firstPageMs} ms — ${describePhases(r)}`);
}
