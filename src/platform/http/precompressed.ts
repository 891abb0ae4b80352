import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync } from 'node:zlib';

/**
 * Brotli 11 and gzip 9 versions of the big static files, computed once per content and kept on disk
 * (`node_modules/.cache/portail-titres/assets/`, warmed by `npm run build`): compressing the DSFR at
 * every start cost ~2.5 s of CPU, reading the cached bytes a few milliseconds.
 */
export const ASSET_CACHE_DIR = fileURLToPath(new URL('../../../node_modules/.cache/portail-titres/assets/', import.meta.url));

export interface Variants {
  br: Buffer;
  gzip: Buffer;
  identity: Buffer;
}

function cached(file: string, compute: () => Buffer): Buffer {
  try {
    return readFileSync(file);
  } catch {
    const bytes = compute();
    try {
      // write then rename: parallel test files or nodes never read half a file
      mkdirSync(path.dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, bytes);
      renameSync(partial, file);
    } catch {
      // a read-only installation compresses at each start, as before
    }
    return bytes;
  }
}

/** The file's bytes and its compressed versions, from the cache when this very content was compressed before. */
export function precompressed(file: string, cacheDir = ASSET_CACHE_DIR): Variants {
  const identity = readFileSync(file);
  const key = `${path.basename(file)}.${createHash('sha256').update(identity).digest('hex').slice(0, 16)}`;
  return {
    identity,
    br: cached(path.join(cacheDir, `${key}.br`), () => brotliCompressSync(identity)),
    gzip: cached(path.join(cacheDir, `${key}.gz`), () => gzipSync(identity, { level: 9 })),
  };
}
