import { loadConfig } from '../config.ts';
import { verifyAuditChain } from '../platform/audit.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';

/**
 * `npm run audit:verify`: seals the rows waiting for their place in the chain (as the job worker
 * does every few seconds), walks the chain, recomputing every hash, and checks the recorded daily
 * heads. Exit code 0 when the chain is intact, 1 when a row was edited or deleted (the
 * first broken row is named), 2 when the check could not run.
 */
async function main(): Promise<number> {
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await migrate(database);
    const result = await verifyAuditChain(database.db);
    if (result.ok) {
      console.log(
        `Journal d’audit intègre : ${result.rows} ligne(s) vérifiée(s), ${result.heads} tête(s) journalière(s) concordante(s).` +
          (result.lastId === null ? '' : `\nDernière ligne : n° ${result.lastId}, empreinte ${result.lastHash}`),
        (result.pending ? `\n${result.pending} ligne(s) écrite(s) pendant la vérification, à sceller au prochain passage.` : ''),
      );
      return 0;
    }
    console.error(`Journal d’audit ALTÉRÉ : ${result.message}\n(${result.rows} ligne(s) intègre(s) avant la ligne n° ${result.brokenAt})`);
    return 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
