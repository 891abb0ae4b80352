import { loadConfig } from '../config.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

/** `npm run migrate`: applies pending migrations and says which (start-up does the same). */
const config = loadConfig();
const database = await openDatabase(config.database);
try {
  const applied = await migrate(database);
  console.log(applied.length ? `Migrations appliquées : ${applied.join(', ')}` : 'Base à jour : aucune migration à appliquer.');
} finally {
  await database.close();
}
