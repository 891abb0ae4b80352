import { readFileSync } from 'node:fs';
import { loadConfig } from '../config.ts';
import { LIST_NAMES } from '../domains/directory/csv.ts';
import { createDirectoryService } from '../domains/directory/service.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * `npm run directory:import -- <professionnels|photographes|mairies> fichier.csv`: imports one list
 * of the directory, all or nothing — any invalid line and nothing is written; each problem is listed
 * with its line. Columns: src/domains/directory/csv.ts; samples in src/domains/directory/samples/.
 * Stop the portal first in embedded mode (PGlite allows one process at a time).
 */
const [list, file] = process.argv.slice(2);
const kind = list ? LIST_NAMES[list] : undefined;
if (!kind || !file) {
  console.error('Usage : npm run directory:import -- <professionnels|photographes|mairies> fichier.csv');
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase(config.database);
try {
  await migrate(database);
  const { imported, errors } = await createDirectoryService({ db: database.db }).importCsv(kind, readFileSync(file, 'utf8'));
  if (errors.length) {
    console.error(`Import refusé, aucun lieu importé :\n${errors.map((e) => `  - ${e}`).join('\n')}`);
    process.exitCode = 1;
  } else console.log(`${imported} lieu(x) importé(s) ou mis à jour dans la liste « ${list} ».`);
} finally {
  await database.close();
}
