import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error plain JavaScript module of scripts/ (no types): its two exports are used as typed below
import * as flags from '../../scripts/node-flags.mjs';

const { PORTAL_NODE_FLAGS, missingPortalFlags } = flags as { PORTAL_NODE_FLAGS: string[]; missingPortalFlags(execArgv: string[], nodeOptions: string): string[] };
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('../helpers/young-generation-probe.mjs', import.meta.url));
const MB = 1024 * 1024;

describe('V8 sizing of a portal process (issue 20, memory after load)', () => {
  it('caps the young generation at three semi-spaces of 8 MB', () => {
    expect(PORTAL_NODE_FLAGS).toEqual(['--max-semi-space-size=8']);
  });

  it('counts a flag as given on the command line or in NODE_OPTIONS, whatever its value', () => {
    expect(missingPortalFlags([], '')).toEqual(PORTAL_NODE_FLAGS);
    expect(missingPortalFlags(['--max-semi-space-size=32'], '')).toEqual([]);
    expect(missingPortalFlags([], '--max-semi-space-size=8 --enable-source-maps')).toEqual([]);
  });

  it('npm start passes the flags to Node', () => {
    const { scripts } = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.start).toBe(`node ${PORTAL_NODE_FLAGS.join(' ')} scripts/start.mjs`);
  });

  it('scripts/start.mjs checks them before it loads anything else: a process started without them is replaced before any other work', () => {
    const source = readFileSync(`${ROOT}scripts/start.mjs`, 'utf8');
    const staticImports = [...source.matchAll(/^import\s[^;]*?from\s*'([^']+)'|^import\s*'([^']+)'/gm)].map((m) => m[1] ?? m[2]);
    expect(staticImports).toEqual(['./node-flags.mjs']);
    const firstStatement = source.replace(/\/\*[\s\S]*?\*\//g, '').split('\n').filter((line) => line.trim() && !line.trim().startsWith('//') && !line.startsWith('import '))[0];
    expect(firstStatement).toBe('withPortalFlags();');
  });

  it('a process started without them re-executes itself with them, and its young generation stays within 24 MB', () => {
    const { NODE_OPTIONS: _none, ...env } = process.env;
    const run = spawnSync(process.execPath, [PROBE], { env, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as { execArgv: string[]; youngGenerationBytes: number };
    expect(result.execArgv).toEqual(PORTAL_NODE_FLAGS);
    expect(result.youngGenerationBytes).toBeGreaterThan(0);
    expect(result.youngGenerationBytes).toBeLessThanOrEqual(24 * MB);
  });

  it('without them, the same garbage grows the young generation past 24 MB (what the flag prevents)', () => {
    const { NODE_OPTIONS: _none, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--max-semi-space-size=64', PROBE], { env, encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(0);
    expect((JSON.parse(run.stdout) as { youngGenerationBytes: number }).youngGenerationBytes).toBeGreaterThan(24 * MB);
  });
});
