import type { Updateable } from 'kysely';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { userLink } from './deps.ts';
import { canMove, type Mover, type PreApplicationStatus } from './model.ts';
import type { PreApplication, PreApplicationsTable } from './tables.ts';

export type PreApplicationTransitionResult = { ok: true } | { ok: false; reason: 'not_allowed' | 'changed' };

/**
 * The one way a pre-application changes state: checks the move and who makes it against the state
 * machine (TRANSITIONS of model.ts), writes only if the row is still in the status read (of two
 * concurrent moves, one wins; the other gets `changed`), notifies the user and audits, in the
 * caller's transaction. `not_expired` also refuses a pre-application past its validity.
 */
export async function applyPreApplicationTransition(
  trx: Db,
  config: Pick<Config, 'publicUrl'>,
  p: Pick<PreApplication, 'id' | 'status' | 'account_id'>,
  move: { to: PreApplicationStatus; by: Mover; actor: Actor; set: Omit<Updateable<PreApplicationsTable>, 'status'>; guard?: 'not_expired' },
  notice: { subject: string; text: string },
): Promise<PreApplicationTransitionResult> {
  if (!canMove(p.status, move.to, move.by)) return { ok: false, reason: 'not_allowed' };
  let update = trx
    .updateTable('pre_applications')
    .set({ ...move.set, status: move.to, updated_at: new Date() })
    .where('id', '=', p.id)
    .where('status', '=', p.status);
  if (move.guard === 'not_expired') update = update.where('expires_at', '>', sql<Date>`now()`);
  const row = await update.returning('id').executeTakeFirst();
  if (!row) return { ok: false, reason: 'changed' };
  await notifyUser(trx, { accountId: p.account_id, subject: notice.subject, text: notice.text, link: userLink(config, p), dedupeKey: `pre-application:${p.id}:${move.to}` });
  await audit(trx, move.actor, `pre_application.${move.to}`, { kind: 'pre_application', id: p.id }, { ...(move.set.number ? { number: move.set.number } : {}), by: move.by });
  return { ok: true };
}
