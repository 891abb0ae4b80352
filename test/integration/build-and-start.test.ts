import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/demo/seed.ts';
import { demoTemplateVariant } from '../../src/demo/template.ts';
import { confidentialCodeMatches } from '../../src/domains/vehicles/confidential-code/code.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { PGLITE_SHARED_BUFFERS } from '../../src/platform/db/pglite.ts';
import { ensurePgliteTemplate, TEMPLATE_DIR } from '../../src/platform/db/pglite-template.ts';
import { TEST_CLOCK_START } from '../setup/clock.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * `npm start` runs the bundle made by scripts/build.mjs (decision 0023): the portal and its packages
 * in a few files, each source file still seeing its own URL as import.meta.url. Built here into a
 * folder of its own (the repository's dist/ is left alone), then started on a new data folder.
 */
describe('the built portal', () => {
  // inside the repository, so that the packages kept outside the bundle resolve from node_modules/
  mkdirSync(path.join(ROOT, '.tmp'), { recursive: true });
  const dir = mkdtempSync(path.join(ROOT, '.tmp', 'build-'));
  const outdir = path.join(dir, 'dist');
  const dataDir = path.join(dir, 'data');
  const secret = 'the-built-portal-own-secret-0123456789abcdef';
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('bundles the packages it can: the entry and its chunks import no fastify, kysely or zod from node_modules', { timeout: 600_000 }, async () => {
    const { build } = (await import(pathToFileURL(path.join(ROOT, 'scripts/build.mjs')).href)) as {
      build(options: { quiet?: boolean; outdir?: string; caches?: boolean }): Promise<void>;
    };
    await build({ quiet: true, outdir, caches: false });
    const files = readdirSync(outdir).filter((f) => f.endsWith('.js'));
    expect(files).toEqual(expect.arrayContaining(['server.js', 'build-caches.js']));
    expect(files.length).toBeLessThan(40); // not one file per source file any more
    const code = files.map((f) => readFileSync(path.join(outdir, f), 'utf8')).join('\n');
    for (const name of ['fastify', 'kysely', 'zod', 'preact']) expect(code).not.toMatch(new RegExp(`from\\s*["']${name}["']`));
    expect(code).toMatch(/from\s*["']@electric-sql\/pglite["']/); // kept outside: it reads its WebAssembly beside its code
    // the PDF libraries are not loaded at start: no static import of them, fontkit left to node_modules (the copy pdfkit imports)
    for (const name of ['pdfkit', 'fontkit', 'qrcode']) {
      expect(code).not.toMatch(new RegExp(`(from\\s*|import\\s*)["']${name}["']`));
      expect(code).toContain(`import("${name}")`);
    }
    expect(code).not.toContain('UnicodeTrie'); // nor fontkit's code: its Unicode tables were inflated at every start
    // @peculiar/x509 (the demo seal authority) sits in a chunk only ever imported on demand, not read at every start
    const x509 = files.filter((f) => readFileSync(path.join(outdir, f), 'utf8').includes('X509CertificateGenerator'));
    expect(x509).toHaveLength(1);
    expect(code).toContain(`import("./${x509[0]}")`);
    expect(code).not.toMatch(new RegExp(`(from\\s*|import\\s*)["']\\./${x509[0]!.replace('.', '\\.')}["']`));
  });

  it('starts on a new data folder from the demo template, serves the home page, and the folder holds the demo data under its own secret', { timeout: 600_000 }, async () => {
    await ensurePgliteTemplate(TEMPLATE_DIR, demoTemplateVariant()); // what `npm run build` leaves in the cache
    const port = 39_000 + (process.pid % 900);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: String(port),
      SESSION_SECRET: secret,
      LOG_LEVEL: 'info',
      APP_CLOCK_START: TEST_CLOCK_START,
      ADMISSION_MAX_CONCURRENT: '0', // no waiting room: a loop made late by a loaded machine must not answer 503 here
    };
    delete env.DATABASE_URL; // the embedded database, whatever database the suite runs on
    const child = spawn(process.execPath, [path.join(outdir, 'server.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let home: Response | null = null;
    try {
      for (let i = 0; i < 2400 && child.exitCode === null; i++) {
        home = await fetch(`http://127.0.0.1:${port}/`).catch(() => null);
        if (home?.ok) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(home?.status, output.slice(-2000)).toBe(200);
      const html = await home!.text();
      expect(html).toContain('<html lang="fr"');
      const signIn = await fetch(`http://127.0.0.1:${port}/connexion`);
      expect(signIn.status).toBe(200);
      // the DSFR's stylesheet and the portal's own (public/), found from the bundle's place
      const stylesheets = [...html.matchAll(/href="(\/assets\/[^"]+\.css)"/g)].map((m) => m[1]!);
      expect(stylesheets.some((href) => href.includes('/dsfr/'))).toBe(true);
      for (const href of stylesheets) expect((await fetch(`http://127.0.0.1:${port}${href}`)).status, href).toBe(200);
      // the PDF libraries, loaded in the background a second after listening (src/platform/pdf/libraries.ts)
      for (let i = 0; i < 600 && !output.includes('bibliothèques PDF chargées') && child.exitCode === null; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(output, output.slice(-2000)).toContain('bibliothèques PDF chargées');
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    const startup = output.split('\n').find((line) => line.includes('"startup":'));
    const phases = (JSON.parse(startup!) as { startup: { name: string }[] }).startup.map((p) => p.name);
    expect(phases).toContain('base (copie du modèle)');
    expect(phases).toContain('modules de l’application');

    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') }); // config.ts: DATA_DIR/pglite
    try {
      // opened as the portal opens PGlite: small shared buffers, not initdb's 128 MB zeroed at every open
      const shown = await sql<{ shared_buffers: string }>`show shared_buffers`.execute(database.db);
      expect(shown.rows[0]!.shared_buffers).toBe(PGLITE_SHARED_BUFFERS);
      const emails = (await database.db.selectFrom('accounts').select('email').execute()).map((a) => a.email);
      expect(emails).toEqual(expect.arrayContaining(DEMO_ACCOUNTS.map((a) => a.email)));
      const car = await database.db
        .selectFrom('vehicles')
        .innerJoin('confidential_codes', 'confidential_codes.vehicle_id', 'vehicles.id')
        .select(['vehicles.id', 'confidential_codes.certificate_number', 'confidential_codes.code_hash'])
        .where('vehicles.plate', '=', 'AB-123-CD')
        .executeTakeFirstOrThrow();
      expect(confidentialCodeMatches(secret, car.code_hash, car.id, car.certificate_number, DEMO_VEHICLE_CODES['AB-123-CD'])).toBe(true);
    } finally {
      await database.close();
    }
  });
  it('says in French, without a stack, that its port is taken, and stops', { timeout: 600_000 }, async () => {
    // held as another portal holds it: sharing its port (SO_REUSEPORT, platform/http/acceptors.ts), which a
    // listen with reusePort alone would join silently
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen({ port: 0, host: '127.0.0.1', reusePort: true }, resolve));
    const port = (taken.address() as { port: number }).port;
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'development', DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', SESSION_SECRET: secret, LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    try {
      const child = spawn(process.execPath, [path.join(outdir, 'server.js')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
      let errors = '';
      child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
      const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      expect(exitCode).toBe(1);
      expect(errors).toContain(`le port ${port} est déjà utilisé par un autre programme`);
      expect(errors).toContain('PORT=3001 npm start');
      expect(errors).not.toContain('EADDRINUSE');
      expect(errors).not.toMatch(/\n\s+at /); // no stack
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
