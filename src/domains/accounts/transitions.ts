import type { UpdateObject } from 'kysely';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account, DB } from '../../schema.ts';
import { ACCOUNT_TRANSITIONS, canTransition, type AccountAction } from './model.ts';

export type AccountTransitionResult = { ok: true; account: Account } | { ok: false; reason: 'not_allowed' | 'changed' };

/**
 * The one writer of `accounts.status`: checked against ACCOUNT_TRANSITIONS (model.ts), optimistic
 * on the status the caller read (of two concurrent moves from it, one wins, the other gets
 * 'changed' and writes nothing), audited with the action's code. `set` adds the columns that go with
 * the move (suspension end and reason, activation time); `details` go to the audit row.
 */
export async function transitionAccount(
  trx: Db,
  account: Pick<Account, 'id' | 'status'>,
  action: AccountAction,
  actor: Actor,
  opts: { set?: Omit<UpdateObject<DB, 'accounts'>, 'status'>; details?: Record<string, unknown> } = {},
): Promise<AccountTransitionResult> {
  if (!canTransition(account.status, action)) return { ok: false, reason: 'not_allowed' };
  const t = ACCOUNT_TRANSITIONS[action];
  const updated = await trx
    .updateTable('accounts')
    .set({ ...opts.set, status: t.to })
    .where('id', '=', account.id)
    .where('status', '=', account.status)
    .returningAll()
    .executeTakeFirst();
  if (!updated) return { ok: false, reason: 'changed' };
  await audit(trx, actor, t.audit, { kind: 'account', id: account.id }, { ...opts.details });
  return { ok: true, account: updated };
}
