import { formatDate } from '../../platform/format-date.ts';
import { audit, SYSTEM } from '../../platform/audit.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { parisDay } from '../../platform/time.ts';
import type { LicencesDeps } from './deps.ts';
import { PURGE_WARNING_DAYS, RETENTION_MONTHS } from './model.ts';
import { notifyPerson } from './notify-person.ts';
import { removePieceFiles } from './pieces.ts';
import { deletionDate, OWNER_KIND } from './request-data.ts';

export const PURGE_JOB = 'licence-purge';

/** Enqueued by every node's housekeeping, once a day in all (dedupe key per Paris day). */
export async function enqueueDailyPurge(deps: Pick<LicencesDeps, 'db'>, now = new Date()): Promise<void> {
  await enqueue(deps.db, PURGE_JOB, { day: parisDay(now) }, { dedupeKey: `licence-purge-${parisDay(now)}` });
}

/** Warns a week before, then deletes every request older than 6 months, whatever its status. */
export async function purge(deps: Pick<LicencesDeps, 'db' | 'config' | 'attachments'>, now = new Date()): Promise<{ warned: number; deleted: number }> {
  const { db } = deps;
  const cutoff = new Date(now);
  cutoff.setUTCMonth(cutoff.getUTCMonth() - RETENTION_MONTHS);
  const warnCutoff = new Date(cutoff.getTime() + PURGE_WARNING_DAYS * 86_400_000);
  let warned = 0;
  const toWarn = await db.selectFrom('licence_requests').selectAll().where('created_at', '<', warnCutoff).where('created_at', '>=', cutoff).where('purge_warned_at', 'is', null).execute();
  for (const r of toWarn)
    await db.transaction().execute(async (trx) => {
      const res = await trx.updateTable('licence_requests').set({ purge_warned_at: now }).where('id', '=', r.id).where('purge_warned_at', 'is', null).executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) return;
      const when = formatDate(deletionDate(r));
      await notifyPerson(trx, deps.config, r, {
        subject: 'Votre demande de permis sera supprimée dans une semaine',
        text: `Votre demande ${r.file_number} sera supprimée le ${when} : les demandes sont supprimées 6 mois après leur création, quel que soit leur statut. Téléchargez avant cette date les documents dont vous avez besoin.`,
        dedupeKey: `licence:${r.id}:purge-warning`,
        sms: false,
      });
      warned++;
    });
  const old = await db.selectFrom('licence_requests').select(['id', 'file_number']).where('created_at', '<', cutoff).execute();
  const files = old.length ? await db.selectFrom('attachments').selectAll().where('owner_kind', '=', OWNER_KIND).where('owner_id', 'in', old.map((r) => r.id)).execute() : [];
  if (old.length)
    await db.transaction().execute(async (trx) => {
      const ids = old.map((r) => r.id);
      await trx.updateTable('licence_photo_codes').set({ used_by_request_id: null }).where('used_by_request_id', 'in', ids).execute();
      await trx.deleteFrom('attachments').where('owner_kind', '=', OWNER_KIND).where('owner_id', 'in', ids).execute();
      await trx.deleteFrom('licence_requests').where('id', 'in', ids).execute();
      await audit(trx, SYSTEM, 'licence.purged', null, { count: ids.length, files: old.map((r) => r.file_number) });
    });
  await removePieceFiles(deps, files);
  return { warned, deleted: old.length };
}
