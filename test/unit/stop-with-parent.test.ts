import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(path.join(tmpdir(), 'stop-with-parent-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A process started through a shell as `npm start` starts the portal, recording its graceful stop;
 * the shell ends after `shellMs`, leaving it to another parent.
 */
async function startThroughShell(shellMs: number): Promise<{ pid: number; stoppedFile: string }> {
  const stoppedFile = path.join(dir, `stopped-${shellMs}`);
  const child = path.join(dir, `child-${shellMs}.mjs`);
  writeFileSync(
    child,
    `import { writeFileSync } from 'node:fs';
import { stopWithParent } from ${JSON.stringify(pathToFileURL(path.join(ROOT, 'scripts/stop-with-parent.mjs')).href)};
stopWithParent(50);
process.on('SIGTERM', () => { writeFileSync(${JSON.stringify(stoppedFile)}, 'SIGTERM'); process.exit(0); });
setInterval(() => undefined, 1000);
`,
  );
  const shell = spawn('sh', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(child)} >/dev/null 2>&1 & echo $!; sleep ${shellMs / 1000}`], { stdio: ['ignore', 'pipe', 'ignore'] });
  const [line] = (await once(shell.stdout, 'data')) as [Buffer];
  return { pid: Number(line.toString().trim()), stoppedFile };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const waitFor = async (condition: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; Date.now() < end && !condition(); ) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
};

describe('a portal started by npm stops when npm is stopped (scripts/stop-with-parent.mjs)', () => {
  it('stops itself through its SIGTERM handler once the shell that started it is gone', async () => {
    const { pid, stoppedFile } = await startThroughShell(1000);
    expect(pid).toBeGreaterThan(0);
    expect(await waitFor(() => !alive(pid), 15_000)).toBe(true);
    expect(existsSync(stoppedFile)).toBe(true); // the graceful path, not a kill
  });

  it('keeps running while the process that started it is there', async () => {
    const { pid, stoppedFile } = await startThroughShell(4000);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    expect(alive(pid)).toBe(true);
    expect(existsSync(stoppedFile)).toBe(false);
    expect(await waitFor(() => !alive(pid), 15_000)).toBe(true); // and stops once it has gone
  });
});
