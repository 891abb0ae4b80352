import { formatDate } from '../../platform/format-date.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { parisDay } from '../../platform/time.ts';
import { userLink, type PreApplicationDeps } from './deps.ts';
import { DOCUMENT_LABELS, groupNumber } from './model.ts';

/** The daily job that reminds users of a pre-application about to expire. */
export const PRE_APPLICATION_REMINDERS_JOB = 'pre-application-reminders';
/** How long before expiry the reminder is sent. */
export const REMINDER_DAYS = 14;

/** Enqueues today's reminder run, once per day across nodes (dedupe key). */
export async function enqueueDailyReminders(deps: Pick<PreApplicationDeps, 'db'>, now = new Date()): Promise<void> {
  const day = parisDay(now);
  await enqueue(deps.db, PRE_APPLICATION_REMINDERS_JOB, { day }, { dedupeKey: `pre-application-reminders-${day}` });
}

/** Emails the owner of each submitted pre-application that expires within 14 days, once. */
export async function remindExpiring(deps: Pick<PreApplicationDeps, 'db' | 'config'>, now = new Date()): Promise<number> {
  const { db } = deps;
  const soon = new Date(now.getTime() + REMINDER_DAYS * 86_400_000);
  const due = await db.selectFrom('pre_applications').selectAll().where('status', '=', 'submitted').where('expires_at', '>', now).where('expires_at', '<=', soon).execute();
  for (const p of due) {
    const label = DOCUMENT_LABELS[p.document].toLowerCase();
    const until = formatDate(p.expires_at!);
    await db.transaction().execute((trx) =>
      notifyUser(trx, {
        accountId: p.account_id,
        subject: `Votre pré-demande de ${label} expire bientôt`,
        text: `Votre pré-demande de ${label} n° ${groupNumber(p.number!)} n’est valable que jusqu’au ${until}. Déposez votre dossier dans une mairie équipée d’un dispositif de recueil avant cette date ; passé ce délai, il faudra faire une nouvelle pré-demande.`,
        link: userLink(deps.config, p),
        dedupeKey: `pre-application:${p.id}:reminder`, // one reminder per pre-application, whatever the days
      }),
    );
  }
  return due.length;
}
