import { mkdtempSync, openSync, readFileSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogStream } from '../../src/platform/observability/log-stream.ts';

describe('the asynchronous log stream', () => {
  it('writes the lines of one event-loop turn in one write, after the turn, in order', async () => {
    const out = new PassThrough();
    const writes: string[] = [];
    out.on('data', (chunk: Buffer) => writes.push(chunk.toString()));
    const stream = createLogStream(1, out);
    for (let i = 0; i < 100; i++) stream.write(`{"n":${i}}\n`);
    expect(writes).toEqual([]); // nothing written synchronously
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toHaveLength(1);
    expect(writes[0]!.split('\n').filter(Boolean).map((l) => JSON.parse(l).n)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('writes what is pending synchronously when asked (at exit)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'log-stream-'));
    const file = path.join(dir, 'out.log');
    const fd = openSync(file, 'w');
    try {
      const stream = createLogStream(fd, new PassThrough());
      stream.write('{"last":"words"}\n');
      stream.flushSync();
      expect(readFileSync(file, 'utf8')).toBe('{"last":"words"}\n');
    } finally {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
