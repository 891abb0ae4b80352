import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processLogStream } from '../../src/platform/observability/log-stream.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the log destination', () => {
  it('is asynchronous: a line logged is not yet written when the logging call returns', () => {
    const stream = processLogStream();
    expect(stream).toBe(processLogStream()); // one per process
    // SonicBoom's own switch: false means writes go through libuv, never a writeSync on the event loop
    expect((stream as unknown as { sync: boolean }).sync).toBe(false);
  });

  it('loses no line when the process exits right after logging (flushed synchronously at exit)', () => {
    const script = `
      import pino from 'pino';
      import { processLogStream } from './src/platform/observability/log-stream.ts';
      const log = pino({ base: null, timestamp: false }, processLogStream());
      for (let i = 0; i < 5000; i++) log.info({ n: i }, 'ligne');
      process.exit(0);
    `;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { n: number });
    expect(lines.map((l) => l.n)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});
