/**
 * `npm run build`: the portal as plain JavaScript in dist/ (one file per source file, same folders,
 * so that paths relative to a module — migrations/, public/, content/ — stay right), the files of
 * src/ that are not code copied beside, the DSFR's brotli and gzip versions cached, and the migrated
 * PGlite template that a new data folder starts from. `npm start` runs it when src/ changed.
 * Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SRC = path.join(ROOT, 'src');
export const DIST = path.join(ROOT, 'dist');
const STAMP = path.join(DIST, '.build-stamp');

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? walk(full) : [full];
  });
}

/** What the build depends on: every file of src/ (name, size, date) and this script. */
export function sourceFingerprint() {
  const hash = createHash('sha256');
  for (const file of [...walk(SRC), fileURLToPath(import.meta.url), path.join(ROOT, 'package-lock.json')]) {
    const s = statSync(file, { throwIfNoEntry: false });
    if (s) hash.update(`${path.relative(ROOT, file)}\0${s.size}\0${s.mtimeMs}\n`);
  }
  return hash.digest('hex');
}

export function isStale() {
  try {
    return readFileSync(STAMP, 'utf8') !== sourceFingerprint();
  } catch {
    return true;
  }
}

/** Relative imports stay imports (each source file is its own output file), `.ts`/`.tsx` become `.js`. */
const relativeImportsAsJs = {
  name: 'relative-imports-as-js',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
    });
  },
};

export async function build({ quiet = false } = {}) {
  const t0 = performance.now();
  const fingerprint = sourceFingerprint();
  const { build: esbuild, stop } = await import('esbuild');
  rmSync(DIST, { recursive: true, force: true });
  const files = walk(SRC);
  const code = files.filter((f) => /\.tsx?$/.test(f) && !f.endsWith('.d.ts'));
  await esbuild({
    entryPoints: code,
    outbase: SRC,
    outdir: DIST,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node24',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    plugins: [relativeImportsAsJs],
    logLevel: 'warning',
  });
  await stop(); // esbuild's service process would otherwise live on beside the server
  for (const file of files.filter((f) => !/\.tsx?$/.test(f))) {
    const target = path.join(DIST, path.relative(SRC, file));
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(file, target);
  }
  const compiled = performance.now();
  // The caches the server reads at start, filled with the code just built.
  const { precompressed } = await import(pathToFileURL(path.join(DIST, 'platform/http/precompressed.js')).href);
  const { precompressedFiles } = await import(pathToFileURL(path.join(DIST, 'platform/http/assets.js')).href);
  for (const file of precompressedFiles()) precompressed(file);
  const compressed = performance.now();
  const { ensurePgliteTemplate } = await import(pathToFileURL(path.join(DIST, 'platform/db/pglite-template.js')).href);
  const { demoTemplateVariant } = await import(pathToFileURL(path.join(DIST, 'demo/template.js')).href);
  const template = await ensurePgliteTemplate(undefined, demoTemplateVariant());
  writeFileSync(STAMP, fingerprint);
  if (!quiet) {
    const ms = (a, b) => `${Math.round(b - a)} ms`;
    console.log(
      `Construction : ${code.length} modules en JavaScript ${ms(t0, compiled)} · ressources DSFR compressées ${ms(compiled, compressed)} · ` +
        `modèle de base avec les données de démo ${template.created ? 'créé' : 'déjà à jour'} ${ms(compressed, performance.now())}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await build();
