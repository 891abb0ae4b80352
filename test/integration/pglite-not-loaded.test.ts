import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOOK = fileURLToPath(new URL('../helpers/report-pglite-import.mjs', import.meta.url));
const dataDir = mkdtempSync(path.join(tmpdir(), 'portail-pglite-not-loaded-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts src/server.ts (through tsx) with the hook that reports PGlite's first import; its output. */
function start(env: Record<string, string>): { stdout: string; stderr: string; status: number | null } {
  const { DATABASE_URL: _none, APP_CLOCK_START: _clock, ...inherited } = process.env;
  const run = spawnSync(process.execPath, ['--import', 'tsx', '--import', HOOK, 'src/server.ts'], {
    cwd: ROOT,
    env: { ...inherited, NODE_ENV: 'development', DATA_DIR: dataDir, DEMO_DATA: 'false', JOBS_WORKER: 'false', PORT: '0', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 240_000,
  });
  return { stdout: run.stdout, stderr: run.stderr, status: run.status };
}

describe('PGlite in PostgreSQL mode (issue 20, memory after load)', () => {
  it('a portal started on PostgreSQL never imports PGlite, though it loads the whole application', () => {
    // nothing listens on port 1: the start goes through configuration, every module and the pools, and stops at the migrations
    const run = start({ DATABASE_URL: 'postgres://portail@127.0.0.1:1/absent' });
    expect(run.stdout).not.toContain('PGlite imported');
    expect(run.stderr).toMatch(/ECONNREFUSED/);
    expect(run.status).toBe(1);
  });

  it('the embedded mode imports it (the hook sees the import)', () => {
    const run = start({});
    expect(run.stdout).toMatch(/PGlite imported by file:.*\/src\/platform\/db\/pglite(-template)?\.ts/);
  });
});
