import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { precompressed } from '../../src/platform/http/precompressed.ts';

describe('precompressed static files', () => {
  const dirs: string[] = [];
  const tmp = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'precompressed-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('compresses a file once, keeps both versions on disk, and reads them back at the next start', () => {
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    const file = path.join(dir, 'site.css');
    writeFileSync(file, 'body { color: #000091; }\n'.repeat(2000));
    const first = precompressed(file, cache);
    expect(brotliDecompressSync(first.br).equals(first.identity)).toBe(true);
    expect(gunzipSync(first.gzip).equals(first.identity)).toBe(true);
    expect(readdirSync(cache).sort()).toEqual([expect.stringMatching(/^site\.css\.[0-9a-f]{16}\.br$/), expect.stringMatching(/^site\.css\.[0-9a-f]{16}\.gz$/)]);
    // the second start reads the cache: a marker written in place of the brotli file comes back
    const brFile = path.join(cache, readdirSync(cache).find((f) => f.endsWith('.br'))!);
    writeFileSync(brFile, 'from the cache');
    expect(precompressed(file, cache).br.toString()).toBe('from the cache');
  });

  it('never serves the compressed bytes of an older version of the file', () => {
    const dir = tmp();
    const cache = path.join(dir, 'cache');
    const file = path.join(dir, 'app.js');
    writeFileSync(file, 'console.log("v1");\n'.repeat(500));
    precompressed(file, cache);
    writeFileSync(file, 'console.log("v2");\n'.repeat(500));
    const second = precompressed(file, cache);
    expect(brotliDecompressSync(second.br).toString()).toContain('v2');
    expect(gunzipSync(second.gzip).toString()).not.toContain('v1');
    expect(readdirSync(cache)).toHaveLength(4);
  });

  it('still serves compressed bytes when the cache cannot be written', () => {
    const dir = tmp();
    const file = path.join(dir, 'a.css');
    writeFileSync(file, 'a{}'.repeat(1000));
    const blocked = path.join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the cache folder should be');
    const v = precompressed(file, blocked);
    expect(brotliDecompressSync(v.br).toString()).toBe('a{}'.repeat(1000));
  });
});
