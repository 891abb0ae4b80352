import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { announceClosure, closureDay, closureStatus, deleteAccountsAfterClosure } from '../domains/site/closure/service.ts';
import { createMaintenanceService } from '../domains/site/maintenance-service.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { parseParisTime } from '../platform/time.ts';

const USAGE = `Usage :
  npm run closure -- announce --end 2027-06-30T23:59 --by "nom de l'opérateur"
  npm run closure -- status
  npm run closure -- delete

announce : enregistre la fin du service (au moins 30 jours à l'avance ; la date ne change plus ensuite),
  envoie la notification par courriel à chaque compte (les envois partent par la file de tâches du
  portail en marche) et affiche un bandeau jusqu'à la date. Relancée, elle notifie les comptes créés depuis.
status : comptes notifiés, en attente.
delete : à partir de la date annoncée, et seulement quand chaque compte a reçu la notification,
  supprime les comptes et leurs données personnelles (conditions d'utilisation, article 1.11.2).
Les heures sans fuseau sont lues en heure de Paris. En mode embarqué (PGlite), arrêtez le portail avant.`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { end: { type: 'string' }, by: { type: 'string', default: process.env.USER ?? 'opérateur' } } });
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await migrate(database);
    const db = database.db;
    const now = new Date();
    const command = positionals[0];
    if (command === 'announce' && values.end) {
      const outcome = await announceClosure({ db, maintenance: createMaintenanceService(db, 0), publicUrl: config.publicUrl }, { endsAt: parseParisTime(values.end), by: values.by!, now });
      if (!outcome.ok) throw new Error(outcome.error);
      console.log(`Fin du service le ${closureDay(outcome.closure.ends_at)} ; ${outcome.notified} notification(s) mise(s) en file.`);
    } else if (command === 'status') {
      const s = await closureStatus(db);
      console.log(s.closure ? `Fin du service annoncée pour le ${closureDay(s.closure.ends_at)}.` : 'Aucune fermeture annoncée.');
      console.log(`${s.accounts} compte(s) : ${s.notified} notifié(s), ${s.pending} en attente d'envoi.`);
    } else if (command === 'delete') {
      const outcome = await deleteAccountsAfterClosure(db, now);
      if (!outcome.ok) throw new Error(outcome.error);
      console.log(`${outcome.deleted} compte(s) supprimé(s).`);
    } else {
      console.log(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
