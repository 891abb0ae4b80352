import { loadConfig } from '../config.ts';
import { DEFAULT_SCALE, seedAtScale, type ScaleTargets } from '../demo/scale-seed.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * `npm run seed:scale` grows the database of DATABASE_URL (or the embedded one) to a national size
 * for the benchmarks: 1,000,000 vehicles and holders, 200,000 waiting requests, 100,000 accounts
 * (password « demo demo demo demo »). `-- --vehicles 50000 --requests 10000 --accounts 5000` for
 * other counts. Refused in production. Running it again only adds what is missing.
 */
const config = loadConfig();
if (config.isProduction) {
  console.error('seed:scale est interdit en production (les comptes générés ont un mot de passe public).');
  process.exit(2);
}
const targets: ScaleTargets = { ...DEFAULT_SCALE };
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i += 2) {
  const name = args[i]?.replace(/^--/, '') as keyof ScaleTargets;
  const value = Number(args[i + 1]);
  if (!(name in targets) || !Number.isSafeInteger(value) || value < 0) {
    console.error('Usage : npm run seed:scale -- [--vehicles N] [--requests N] [--accounts N]');
    process.exit(2);
  }
  targets[name] = value;
}
const database = await openDatabase(config.database);
try {
  await migrate(database);
  const started = performance.now();
  console.log(`Génération (${database.kind}) : ${targets.vehicles} véhicules, ${targets.requests} demandes, ${targets.accounts} comptes`);
  const report = await seedAtScale(database, targets, (line) => console.log(line));
  console.log(
    `Ajoutés : ${report.added.vehicles} véhicules, ${report.added.requests} demandes, ${report.added.accounts} comptes ` +
      `en ${((performance.now() - started) / 1000).toFixed(1)} s (total généré : ${report.total.vehicles} / ${report.total.requests} / ${report.total.accounts}).`,
  );
} finally {
  await database.close();
}
