import type { UpdateObject } from 'kysely';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { DB, HabilitationStatus } from '../../schema.ts';
import { HABILITATION_TRANSITIONS, type HabilitationAction } from './model.ts';

export const canDecide = (status: HabilitationStatus, action: HabilitationAction): boolean =>
  (HABILITATION_TRANSITIONS[action].from as readonly HabilitationStatus[]).includes(status);

/**
 * The one writer of `siv_habilitations.status`: checked against HABILITATION_TRANSITIONS,
 * optimistic on the status the caller read (of two agents deciding at once, one wins), audited as
 * `habilitation.<action>`. What happens to the professional's account is the caller's (habilitations.ts).
 */
export async function transitionHabilitation(
  trx: Db,
  habilitation: { id: number; status: HabilitationStatus },
  action: HabilitationAction,
  actor: Actor,
  opts: { set?: Omit<UpdateObject<DB, 'siv_habilitations'>, 'status'> } = {},
): Promise<{ ok: true } | { ok: false; reason: 'not_allowed' | 'changed' }> {
  if (!canDecide(habilitation.status, action)) return { ok: false, reason: 'not_allowed' };
  const to = HABILITATION_TRANSITIONS[action].to;
  const updated = await trx
    .updateTable('siv_habilitations')
    .set({ ...opts.set, status: to })
    .where('id', '=', habilitation.id)
    .where('status', '=', habilitation.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) !== 1) return { ok: false, reason: 'changed' };
  await audit(trx, actor, `habilitation.${action}`, { kind: 'habilitation', id: habilitation.id }, { from: habilitation.status, to });
  return { ok: true };
}
