import { formatDate } from '../../../platform/format-date.ts';
import { sql } from 'kysely';
import { audit, SYSTEM, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import { SEND_MESSAGE_JOB } from '../../../platform/mail/messages.ts';
import type { MaintenanceService } from '../maintenance-service.ts';
import type { ServiceClosure } from './tables.ts';

/**
 * The end of the portal (terms of use §1.11.2): "the deletion will be effective after notification of
 * the end of the service". Three steps, run by operators with `npm run closure`:
 * 1. announce: the closure and its date are recorded once; every account is sent the notice by email
 *    (one job per account, dedupe key `closure-notice:<id>`: announcing again only notifies the accounts
 *    created since); a banner until the date says it on every page;
 * 2. status: how many accounts were notified;
 * 3. delete, at or after the date and only once every account has been notified: the accounts and their
 *    personal data go (the same cascade as a user's own deletion), in batches, one audit row per batch.
 */

export const closureDay = formatDate;

export const noticeKey = (accountId: number) => `closure-notice:${accountId}`;

export function closureNoticeText(endsAt: Date, publicUrl: string): { subject: string; text: string; banner: string } {
  const day = closureDay(endsAt);
  return {
    subject: `Fin du Portail des titres sécurisés le ${day}`,
    text:
      `Bonjour,\n\nL’agence cessera d’exploiter le Portail des titres sécurisés le ${day}. À cette date, votre compte et ses données personnelles seront supprimés (conditions générales d’utilisation, article 1.11.2).\n\n` +
      `D’ici là, vous pouvez vous connecter pour télécharger les documents de vos démarches (certificats, récépissés, récapitulatifs) : ${new URL('/mes-demarches', publicUrl).href}\n\n` +
      `Ce qui change pour vous : ${new URL('/fermeture-du-portail', publicUrl).href}\n\nL’équipe du Portail des titres sécurisés\nCe message est envoyé automatiquement, merci de ne pas y répondre.`,
    banner: `Le portail fermera le ${day} : les comptes seront alors supprimés. Téléchargez d’ici là les documents de vos démarches.`,
  };
}

export type AnnounceOutcome = { ok: true; closure: ServiceClosure; notified: number } | { ok: false; error: string };
export type DeleteOutcome = { ok: true; deleted: number } | { ok: false; error: string };

export interface ClosureDeps {
  db: Db;
  maintenance: Pick<MaintenanceService, 'schedule'>;
  publicUrl: string;
}

export const findClosure = (db: Db): Promise<ServiceClosure | undefined> => db.selectFrom('service_closures').selectAll().executeTakeFirst();

/** Records the closure (once) and queues the notice for every account not notified yet. */
export async function announceClosure(deps: ClosureDeps, input: { endsAt: Date; by: string; now: Date }, actor: Actor = SYSTEM): Promise<AnnounceOutcome> {
  const existing = await findClosure(deps.db);
  if (existing && existing.ends_at.getTime() !== input.endsAt.getTime()) {
    return { ok: false, error: `La fermeture est déjà annoncée pour le ${closureDay(existing.ends_at)} : cette date ne peut plus changer.` };
  }
  if (!existing && input.endsAt.getTime() - input.now.getTime() < 30 * 86_400_000) {
    return { ok: false, error: 'La fin du service doit être annoncée au moins 30 jours à l’avance.' };
  }
  const notice = closureNoticeText(input.endsAt, deps.publicUrl);
  const result = await deps.db.transaction().execute(async (trx) => {
    const closure =
      existing ??
      (await trx.insertInto('service_closures').values({ ends_at: input.endsAt, announced_at: input.now, announced_by: input.by }).returningAll().executeTakeFirstOrThrow());
    // one statement for every account, whatever their number; the dedupe key makes a second run send nothing twice
    const queued = await sql<{ n: number }>`
      with queued as (
        insert into jobs (kind, payload, dedupe_key, run_at)
        select ${SEND_MESSAGE_JOB}, jsonb_build_object('channel', 'email', 'to', a.email, 'subject', ${notice.subject}::text, 'text', ${notice.text}::text, 'accountId', a.id, 'link', '/fermeture-du-portail'),
               'closure-notice:' || a.id, ${input.now}
        from accounts a
        on conflict (dedupe_key) do nothing
        returning 1
      ) select count(*)::int as n from queued`.execute(trx);
    const notified = queued.rows[0]?.n ?? 0;
    await audit(trx, actor, 'closure.announced', { kind: 'service_closure', id: closure.id }, { ends_at: input.endsAt.toISOString(), by: input.by, notices_queued: notified });
    return { closure, notified };
  });
  if (!existing) await deps.maintenance.schedule({ kind: 'banner', message: notice.banner, startsAt: input.now, endsAt: input.endsAt, createdBy: input.by }, actor);
  return { ok: true, ...result };
}

export interface ClosureStatus {
  closure: ServiceClosure | undefined;
  accounts: number;
  /** accounts whose notice was delivered */
  notified: number;
  /** accounts whose notice is queued or being retried */
  pending: number;
}

export async function closureStatus(db: Db): Promise<ClosureStatus> {
  const closure = await findClosure(db);
  const row = await sql<{ accounts: number; notified: number; pending: number }>`
    select count(*)::int as accounts,
           count(j.done_at)::int as notified,
           count(j.id) filter (where j.done_at is null)::int as pending
    from accounts a left join jobs j on j.dedupe_key = 'closure-notice:' || a.id`.execute(db);
  return { closure, ...row.rows[0]! };
}

/** Deletes every account once the closure date has passed and every account was notified. */
export async function deleteAccountsAfterClosure(db: Db, now: Date, actor: Actor = SYSTEM, batchSize = 1000): Promise<DeleteOutcome> {
  const closure = await findClosure(db);
  if (!closure) return { ok: false, error: 'Aucune fermeture du portail n’a été annoncée : aucun compte n’est supprimé.' };
  if (now < closure.ends_at) return { ok: false, error: `Les comptes ne peuvent être supprimés qu’à partir du ${closureDay(closure.ends_at)}, date de fin du service annoncée.` };
  const status = await closureStatus(db);
  const notNotified = status.accounts - status.notified;
  if (notNotified > 0) {
    return { ok: false, error: `${notNotified} compte(s) n’ont pas encore reçu la notification de fin du service : relancez « announce » puis attendez l’envoi.` };
  }
  let deleted = 0;
  for (;;) {
    const n = await db.transaction().execute(async (trx) => {
      const ids = (await trx.selectFrom('accounts').select('id').orderBy('id').limit(batchSize).forUpdate().skipLocked().execute()).map((a) => Number(a.id));
      if (!ids.length) return 0;
      await trx.deleteFrom('sessions').where('user_id', 'in', ids).execute();
      await trx.deleteFrom('accounts').where('id', 'in', ids).execute();
      await audit(trx, actor, 'closure.accounts_deleted', { kind: 'service_closure', id: closure.id }, { count: ids.length, first_id: ids[0], last_id: ids[ids.length - 1] });
      return ids.length;
    });
    if (!n) break;
    deleted += n;
  }
  await db.updateTable('service_closures').set({ accounts_deleted_at: now }).where('id', '=', closure.id).execute();
  return { ok: true, deleted };
}
