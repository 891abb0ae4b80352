import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { openDatabase, serverDatabaseOptions, type Database } from './platform/db/database.ts';
import { migrate } from './platform/db/migrate.ts';
import { listenOnSharedPort } from './platform/http/acceptors.ts';
import { startClockAt } from './platform/time.ts';
import { startupPhases } from './platform/startup/phases.ts';
import { enqueueDemoVehicleQueue } from './demo/vehicle-queue-job.ts';
import { prepareCommunes } from './domains/vehicles/registry/communes.ts';
import { PDF_PRELOAD_DELAY_MS, preloadPdfLibraries } from './platform/pdf/libraries.ts';

/**
 * The database as the server starts it: a new embedded data folder as a copy of the template made by
 * `npm run build` (migrated, with the demo data when asked), else the configured database. The
 * template's modules import PGlite: they are loaded in embedded mode only.
 */
async function openServerDatabase(config: Config): Promise<{ database: Database; fromTemplate: boolean }> {
  const dataDir = config.database.kind === 'pglite' ? config.database.dataDir : null;
  if (dataDir && !existsSync(path.join(dataDir, 'PG_VERSION'))) await prepareTemplate(config);
  const fromTemplate = !dataDir
    ? null
    : config.demoData
      ? await (await import('./demo/template-variant.ts')).openFromDemoTemplate(dataDir, config)
      : ((await (await import('./platform/db/pglite-template.ts')).openNewPgliteFromTemplate(dataDir))?.database ?? null);
  return fromTemplate ? { database: fromTemplate, fromTemplate: true } : { database: await openDatabase(serverDatabaseOptions(config)), fromTemplate: false };
}

/**
 * A new embedded data folder whose template is not ready (older than a week, migrations changed
 * without a build, or `dist/` run by hand): the template is made first, saying so, and the folder
 * copied from it, rather than initdb and the seed in the folder itself in silence.
 */
async function prepareTemplate(config: Config): Promise<void> {
  const { ensurePgliteTemplate, isTemplateReady } = await import('./platform/db/pglite-template.ts');
  const variant = config.demoData ? (await import('./demo/template-variant.ts')).demoTemplateVariant() : undefined;
  if (isTemplateReady(undefined, variant)) return;
  const started = performance.now();
  console.log(`Préparation de la base${variant ? ' de démonstration' : ''} (une seule fois ; environ 5 s, 15 s si PGlite n’a encore jamais créé de base ici)…`);
  await ensurePgliteTemplate(undefined, variant);
  console.log(`Base${variant ? ' de démonstration' : ''} prête en ${((performance.now() - started) / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} s.`);
}

/** Entry point: config from the environment, database opened and migrated, demo data, listen. */
async function main(): Promise<void> {
  const timer = startupPhases();
  timer.end('modules');
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (config.clockStart) {
    startClockAt(config.clockStart);
    console.warn(`Horloge du portail déplacée au ${config.clockStart.toISOString()} (APP_CLOCK_START)`);
  }
  timer.end('configuration');
  // The database opens (PGlite: its WebAssembly read and compiled, off the main thread in part) while
  // the application's modules load: in the build, app.ts and what it imports are a chunk of their own.
  const opening = openServerDatabase(config);
  opening.catch(() => undefined); // awaited below; a failure must not end the process as unhandled meanwhile
  const [{ buildApp }, { seedDemoData }] = await Promise.all([import('./app.ts'), import('./demo/seed.ts')]);
  timer.end('modules de l’application');
  const { database, fromTemplate } = await opening;
  timer.end(fromTemplate ? 'base (copie du modèle)' : 'base');
  const applied = await migrate(database);
  timer.end('migrations');
  const app = await buildApp(config, database);
  timer.end('application');
  if (applied.length) app.log.info({ applied }, 'migrations appliquées');
  if (config.demoData) {
    const seeded = await seedDemoData(database.db, config);
    if (seeded) app.log.info('données de démonstration créées');
    timer.end('données de démo');
  }
  if (config.jobs.worker) app.worker.start();

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    const signalled = performance.now();
    app.log.info({ signal, graceSeconds: config.shutdownGraceSeconds }, 'arrêt du portail : plus de nouvelle connexion, les requêtes en cours reçoivent leur réponse');
    const stopped = await app.stopGracefully();
    await database.close();
    app.log.info({ ...stopped, ms: Math.round(performance.now() - signalled) }, stopped.cut ? 'portail arrêté : connexions coupées au délai de grâce' : 'portail arrêté');
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  // several listening sockets on the port (platform/http/acceptors.ts): an overloaded node still accepts its newcomers
  await listenOnSharedPort(app, { host: config.host, port: config.port, sockets: config.httpSockets.listenSockets });
  timer.end('écoute');
  // the instruction centre's demo queue: its requests carry files, kept outside the database (and so outside
  // the demo template): the worker files them once per database, after listening (src/demo/vehicle-queue.ts)
  if (config.demoData) await enqueueDemoVehicleQueue(database.db);
  // the postcode index of address checks, built in a worker thread: no visitor's first check holds the event loop
  prepareCommunes().catch((error: unknown) => app.log.warn({ err: error }, 'index des codes postaux non préparé : il sera construit au premier contrôle d’adresse'));
  // pdfkit, fontkit, qrcode and Marianne's faces: not needed by a first page, loaded once the first visitors had theirs
  setTimeout(() => {
    const started = performance.now();
    preloadPdfLibraries().then(
      () => app.log.info({ ms: Math.round(performance.now() - started) }, 'bibliothèques PDF chargées'),
      (error: unknown) => app.log.warn({ err: error }, 'bibliothèques PDF non chargées : le premier document les chargera'),
    );
  }, PDF_PRELOAD_DELAY_MS).unref();
  app.log.info({ startup: timer.phases, startupMs: timer.total() }, timer.summary());
  app.log.info(`Portail disponible sur ${config.publicUrl} (base ${database.kind})`);
  if (config.devOutbox) {
    const { outboxToken } = await import('./web/dev-outbox-access.ts');
    app.log.info(
      `Boîte d’envoi de développement : ${config.publicUrl}/dev/outbox depuis cette machine ; depuis un autre poste, ce lien (à ne donner qu’aux testeurs : ` +
        `il ouvre les liens d’activation et de réinitialisation des mots de passe) : ${config.publicUrl}/dev/outbox?jeton=${outboxToken(config.sessionSecret)}`,
    );
  }
}

main().catch((error: unknown) => {
  const listenError = error as (NodeJS.ErrnoException & { port?: number }) | null;
  if (listenError?.code === 'EADDRINUSE' || listenError?.code === 'EACCES') {
    // a new user's commonest first failure: said in French, with what to do, without a stack
    const port = listenError.port ?? process.env.PORT ?? '';
    console.error(
      listenError.code === 'EADDRINUSE'
        ? `Le portail ne peut pas démarrer : le port ${port} est déjà utilisé par un autre programme (un autre portail déjà démarré ?). Arrêtez-le, ou choisissez un autre port, par exemple : PORT=3001 npm start`
        : `Le portail ne peut pas démarrer : le port ${port} est réservé (les ports sous 1024 demandent des droits d’administration). Choisissez un autre port, par exemple : PORT=3001 npm start`,
    );
    process.exit(1);
  }
  console.error(error);
  process.exit(1);
});
