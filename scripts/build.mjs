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
 * PGlite template with the demo data that a new data folder starts from, made from the empty cluster
 * of PGlite's initdb (src/platform/db/pglite-base.ts: most of a first start), which a worker thread
 * starts making at once, beside the bundling and the compression. `npm start` runs it when src/,
 * the migrations or the installed packages changed. Plain JavaScript on purpose: it runs before
 * anything is compiled (the worker runs its TypeScript module as Node 24 does, types stripped).
 *
 * It says what it does from its first second, one line per step with its duration: a first start
 * takes tens of seconds, and must not look hung.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

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

/**
 * What the build depends on: every file of src/ and of migrations/ (the template is migrated) (name,
 * size, date), the installed packages' lock and this script.
 */
export function sourceFingerprint(root = ROOT) {
  const hash = createHash('sha256');
  const migrations = path.join(root, 'migrations');
  for (const file of [...walk(path.join(root, 'src')), ...(existsSync(migrations) ? walk(migrations) : []), fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')]) {
    const s = statSync(file, { throwIfNoEntry: false });
    if (s) hash.update(`${path.relative(root, file)}\0${s.size}\0${s.mtimeMs}\n`);
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

/** Seconds in French, to a tenth: « 7,9 s ». */
const seconds = (ms) => `${(ms / 1000).toLocaleString('fr-FR', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} s`;

/**
 * Prints one line per step: its name at once (« … »), its duration when it ends. Two steps never
 * overlap on the screen: the only step run beside the others (initdb) is reported when awaited.
 */
function stepPrinter(out) {
  return async (label, work) => {
    const started = performance.now();
    out.write(`  ${label}… `);
    try {
      const result = await work();
      out.write(`${seconds(performance.now() - started)}\n`);
      return result;
    } catch (error) {
      out.write('échec\n');
      throw error;
    }
  };
}

/** The module of the empty cluster (src/platform/db/pglite-base.ts), run by Node as it is (types stripped). */
const BASE_MODULE = pathToFileURL(path.join(SRC, 'platform', 'db', 'pglite-base.ts')).href;

/**
 * Every PGlite step of the build in one worker thread, started first: initdb's empty cluster (at
 * once, beside the bundling: it returns at once when the cluster is made), then, once the bundle is
 * written, the demo template from the bundle's build-caches.js (beside the DSFR's compression). One
 * thread for both: PGlite's WebAssembly is compiled once (~7 s of CPU here), not once per thread.
 * `base` and `template` never reject: null when the worker failed (the main thread then makes the
 * template itself, as before).
 */
const PGLITE_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  const base = await (await import(workerData.baseModule)).ensurePgliteBase();
  parentPort.postMessage({ kind: 'base', created: base.created });
  const caches = await new Promise((resolve) => parentPort.once('message', resolve));
  if (!caches) return parentPort.close();
  const template = await (await import(caches)).makeDemoTemplate();
  parentPort.postMessage({ kind: 'template', created: template.created });
  parentPort.close();
})().catch((error) => parentPort.postMessage({ kind: 'error', message: String((error && error.stack) || error) }));
`;

function startPgliteWorker() {
  const worker = new Worker(PGLITE_WORKER, { eval: true, workerData: { baseModule: BASE_MODULE } });
  const state = { baseDone: false, failure: null };
  let onBase;
  let onTemplate;
  const base = new Promise((resolve) => (onBase = resolve));
  const template = new Promise((resolve) => (onTemplate = resolve));
  const fail = (message) => {
    state.failure ??= message;
    state.baseDone = true;
    onBase(null);
    onTemplate(null);
  };
  worker.on('message', (message) => {
    if (message.kind === 'base') {
      state.baseDone = true;
      onBase(message);
    } else if (message.kind === 'template') onTemplate(message);
    else fail(message.message);
  });
  worker.once('error', (error) => fail(String(error)));
  worker.once('exit', () => fail('fin du fil de PGlite'));
  return {
    state,
    base,
    template,
    /** the bundle is written: make the template from it (null: stop) */
    go: (buildCachesUrl) => worker.postMessage(buildCachesUrl),
    stop: () => void worker.terminate(),
  };
}

/**
 * Bundles the portal into `outdir` (dist/ by default); `caches: false` skips the DSFR compression and
 * the PGlite template. `out`: where the steps are told (nothing when `quiet`).
 */
export async function build({ quiet = false, outdir = DIST, caches = true, out = process.stdout } = {}) {
  const t0 = performance.now();
  const sink = quiet ? { write: () => true } : out;
  // first, before anything slow: a first start must not look hung
  sink.write('Construction du portail (premier démarrage, ou le code a changé depuis la dernière construction) :\n');
  const pglite = caches ? startPgliteWorker() : null; // at once: initdb overlaps the bundling and the compression
  try {
    const fingerprint = sourceFingerprint();
    const step = stepPrinter(sink);
    await step('Construction du portail en JavaScript', async () => {
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
    });
    if (!pglite) return;
    // The caches the server reads at start, filled with the code just built.
    const buildCaches = pathToFileURL(path.join(outdir, 'build-caches.js')).href;
    pglite.go(buildCaches); // the worker makes the template once its cluster is there, while this thread compresses
    const { compressAssets, makeDemoTemplate } = await import(buildCaches);
    await step('Compression des ressources du DSFR (brotli et gzip)', async () => compressAssets());
    // still running: the cluster is being made (a first start, or a new PGlite); else it was there, or made meanwhile
    if (!pglite.state.baseDone) await step('Base PostgreSQL vide (initdb de PGlite, commencée en parallèle ; une seule fois, environ 15 s)', () => pglite.base);
    const template = await step('Préparation des données de démonstration (migrations et données, environ 5 s)', async () => (await pglite.template) ?? makeDemoTemplate());
    writeFileSync(path.join(outdir, '.build-stamp'), fingerprint);
    sink.write(`Construction terminée en ${seconds(performance.now() - t0)}${template.created ? '' : ' (modèle de base déjà à jour)'}.\n`);
  } finally {
    pglite?.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await build();
