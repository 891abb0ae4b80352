import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config.ts';
import { importVehiclesCsv } from '../domains/vehicles/registry/csv-import.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * `npm run vehicles:import -- vehicules.csv`: all or nothing — any invalid line and nothing is
 * imported; each problem is listed with its line (the first 100, then how many more). The file is
 * streamed, never held whole. The import, done or refused, is recorded in the audit trail (by
 * the system, with the file's name and its counts). New vehicles get a fresh confidential code (never printed: the holder
 * requests it online). Stop the portal first in embedded mode. Exit code 0 imported, 1 refused, 2 usage.
 */
const file = process.argv[2];
if (!file || !existsSync(file)) {
  console.error(file ? `Fichier introuvable : ${file}` : 'Usage : npm run vehicles:import -- fichier.csv');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase(config.database);
try {
  await migrate(database);
  const started = performance.now();
  const { imported, errors } = await importVehiclesCsv(database, config.sessionSecret, createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), undefined, {
    file: path.basename(file),
  });
  if (errors.length) {
    console.error(`Import refusé, aucun véhicule importé :\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    process.exitCode = 1;
  } else console.log(`${imported} véhicule(s) importé(s) en ${((performance.now() - started) / 1000).toFixed(1)} s.`);
} finally {
  await database.close();
}
