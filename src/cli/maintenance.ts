import { parseArgs } from 'node:util';
import { loadConfig } from '../config.ts';
import { createMaintenanceService } from '../domains/site/maintenance-service.ts';
import { openDatabase } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { parseParisTime } from '../platform/time.ts';
import { formatWindow } from '../platform/format-date.ts';

const USAGE = `Usage :
  npm run maintenance -- list
  npm run maintenance -- add --kind banner|unavailable --from 2026-12-01T22:00 --to 2026-12-02T06:00 --message "…" --by "nom de l'opérateur"
  npm run maintenance -- cancel <id>

Les heures sans fuseau sont lues en heure de Paris. Une indisponibilité est annoncée sur la page
d'accueil dans les 30 jours qui la précèdent ; pendant la fenêtre, toutes les pages répondent 503.
Le portail doit être arrêté pour utiliser cette commande en mode embarqué (PGlite n'a qu'un accès).`;

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      kind: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      message: { type: 'string' },
      by: { type: 'string', default: process.env.USER ?? 'opérateur' },
    },
  });
  const [command, arg] = positionals;
  const config = loadConfig();
  const database = await openDatabase(config.database);
  try {
    await migrate(database);
    const service = createMaintenanceService(database.db, 0);
    if (command === 'list') {
      const notices = await service.list();
      if (!notices.length) console.log('Aucun avis en cours ou à venir.');
      for (const n of notices) console.log(`#${n.id} [${n.kind}] ${formatWindow(n.startsAt, n.endsAt)} : ${n.message}`);
    } else if (command === 'add') {
      const result = await service.schedule({
        kind: values.kind,
        message: values.message,
        startsAt: values.from ? parseParisTime(values.from) : undefined,
        endsAt: values.to ? parseParisTime(values.to) : undefined,
        createdBy: values.by,
      });
      console.log(`Avis #${result.id} enregistré : ${formatWindow(result.startsAt, result.endsAt)}`);
    } else if (command === 'cancel' && arg) {
      console.log((await service.cancel(Number(arg))) ? `Avis #${arg} annulé.` : `Aucun avis actif #${arg}.`);
    } else {
      console.log(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await database.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error && 'issues' in error ? (error as { issues: { message: string }[] }).issues.map((i) => i.message).join('\n') : error);
    process.exit(1);
  });
}
