/**
 * `npm run build`: the portal bundled by esbuild into a few files of plain JavaScript in dist/ —
 * `server.js` (the entry), `build-caches.js` (what this script fills below) and the chunks they share
 * or load on demand — with the packages inside, except those that read files beside their own code
 * (WebAssembly, native addons, fonts: EXTERNAL). One file to read and compile instead of ~340 of the
 * portal and ~600 of its packages, each resolved through node_modules (decision 0023).
 *
 * `import.meta.url` in a source file is rewritten to that source file's own URL, so a path relative
 * to a module (`../../../migrations/`, `./qr-scan.js`, `content/`) resolves as under src/: dist/ reads
 * the files of src/ that are not code where they are, and is not meant to move without src/.
 *
 * Then the caches the server reads at start: the DSFR's brotli and gzip versions, and the migrated
 * PGlite template with the demo data that a new data folder starts from. `npm start` runs it when
 * src/ changed. Plain JavaScript on purpose: it runs before anything is compiled.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Packages kept out of the bundle: they find files beside their own code (PGlite's WebAssembly and
 * file-system image, native addons, pdfkit's fonts, pdf.js and zxing's WebAssembly, pino's worker
 * transports) or are loaded on demand only (nodemailer, oidc-provider; fontkit, which pdfkit imports
 * too: one copy, loaded with it after the start, src/platform/pdf/libraries.ts).
 */
export const EXTERNAL = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@node-rs/argon2',
  '@napi-rs/canvas',
  'pdfkit',
  'fontkit',
  'pdfjs-dist',
  'pdfjs-dist/*',
  'zxing-wasm',
  'zxing-wasm/*',
  'qrcode',
  'pino',
  'nodemailer',
  'oidc-provider',
];

/** Each source file sees its own URL as `import.meta.url` (see the header), wherever its code lands in the bundle. */
const importMetaUrlOfSource = (outdir) => ({
  name: 'import-meta-url-of-source',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (!args.path.startsWith(SRC + path.sep)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      const fromOutdir = path.relative(outdir, args.path).split(path.sep).join('/');
      return {
        contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(fromOutdir)}, import.meta.url).href`),
        loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts',
      };
    });
  },
});

/** Bundles the portal into `outdir` (dist/ by default); `caches: false` skips the DSFR compression and the PGlite template. */
export async function build({ quiet = false, outdir = DIST, caches = true } = {}) {
  const t0 = performance.now();
  const fingerprint = sourceFingerprint();
  const { build: esbuild, stop } = await import('esbuild');
  rmSync(outdir, { recursive: true, force: true });
  await esbuild({
    entryPoints: { server: path.join(SRC, 'server.ts'), 'build-caches': path.join(SRC, 'build-caches.ts') },
    outdir,
    chunkNames: 'chunk-[hash]', // beside the entries: import.meta.url is rewritten relative to outdir
    bundle: true,
    splitting: true,
    external: EXTERNAL,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // the CommonJS packages inside the bundle call require(): Node's own, from the output's URL
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    minifyWhitespace: true, // less to read and parse at start; names are kept for stack traces
    minifySyntax: true,
    plugins: [importMetaUrlOfSource(outdir)],
    logLevel: 'warning',
  });
  await stop(); // esbuild's service process would otherwise live on beside the server
  const compiled = performance.now();
  if (!caches) return;
  // The caches the server reads at start, filled with the code just built.
  const { fillBuildCaches } = await import(pathToFileURL(path.join(outdir, 'build-caches.js')).href);
  const { templateCreated, compressedAt } = await fillBuildCaches();
  writeFileSync(path.join(outdir, '.build-stamp'), fingerprint);
  if (!quiet) {
    const ms = (a, b) => `${Math.round(b - a)} ms`;
    console.log(
      `Construction : le portail en JavaScript ${ms(t0, compiled)} · ressources DSFR compressées ${ms(compiled, compressedAt)} · ` +
        `modèle de base avec les données de démo ${templateCreated ? 'créé' : 'déjà à jour'} ${ms(compressedAt, performance.now())}`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await build();
