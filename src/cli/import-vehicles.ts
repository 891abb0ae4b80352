import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { importVehiclesCsv } from '../domains/vehicles/registry/csv-import.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * `npm run vehicles:import -- vehicules.csv`: all or nothing — any invalid line and nothing is
 * imported; each problem is listed with its line. New vehicles get a fresh confidential code
 * (never printed: the holder requests it online). Stop the portal first in embedded mode.
 */
const file = process.argv[2];
if (!file) {
  console.error('Usage : npm run vehicles:import -- fichier.csv');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase(config.database);
try {
  await migrate(database);
  const { imported, errors } = await importVehiclesCsv(database.db, config.sessionSecret, readFileSync(file, 'utf8'));
  if (errors.length) {
    console.error(`Import refusé, aucun véhicule importé :\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    process.exitCode = 1;
  } else console.log(`${imported} véhicule(s) importé(s).`);
} finally {
  await database.close();
}
