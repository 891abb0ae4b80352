import { audit } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account } from '../../schema.ts';
import type { AccountsDeps } from './deps.ts';
import { verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';
import { signInLimits, throttle } from './throttle.ts';
import { transitionAccount } from './transitions.ts';

export type SignInResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date }
  | { ok: false; reason: 'pending_activation' }
  | { ok: false; reason: 'suspended'; until: Date | null; why: string | null }
  | { ok: false; reason: 'deactivated' };

export interface ConnectionContext {
  ip: string;
  userAgent: string | null;
}

/** Whether an existing account may sign in now; lifts a temporary suspension that has ended. */
export async function admissible(deps: Pick<AccountsDeps, 'db'>, account: Account): Promise<SignInResult> {
  switch (account.status) {
    case 'active':
      return { ok: true, account };
    case 'pending_activation':
      return { ok: false, reason: 'pending_activation' };
    case 'deactivated':
      return { ok: false, reason: 'deactivated' };
    case 'suspended':
      if (account.suspended_until && account.suspended_until <= new Date()) {
        const ended = await deps.db.transaction().execute((trx) =>
          transitionAccount(trx, account, 'end_suspension', { kind: 'system', id: null, ip: null }, { set: { suspended_until: null, suspension_reason: null } }),
        );
        // another sign-in lifted it at the same moment: the account is active all the same
        return { ok: true, account: ended.ok ? ended.account : { ...account, status: 'active', suspended_until: null, suspension_reason: null } };
      }
      return { ok: false, reason: 'suspended', until: account.suspended_until, why: account.suspension_reason };
  }
}

export async function recordConnection(trx: Db, account: Account, method: 'password' | 'franceconnect', ctx: ConnectionContext): Promise<void> {
  await trx.insertInto('connection_history').values({ account_id: account.id, ip: ctx.ip, method, user_agent: ctx.userAgent?.slice(0, 300) ?? null }).execute();
  await audit(trx, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.signed_in', { kind: 'account', id: account.id }, { method });
}

/** Email and password; throttled per account and address, and per address. */
export async function signIn(deps: Pick<AccountsDeps, 'db'>, rawEmail: string, password: string, ctx: ConnectionContext): Promise<SignInResult> {
  const { db } = deps;
  const email = rawEmail.trim().toLowerCase();
  // Per account and address, and per address: wrong passwords from elsewhere never lock the account.
  const attempt = await throttle(db, signInLimits('account', email, ctx.ip));
  if (!attempt.admitted) return { ok: false, reason: 'locked', until: attempt.lockedUntil! };
  const account = await repo.findAccountByEmail(db, email);
  const valid = await verifyPassword(account?.password_hash ?? null, password);
  if (!account || !valid) {
    if (account) await audit(db, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.sign_in_failed', { kind: 'account', id: account.id });
    return attempt.lockedUntil ? { ok: false, reason: 'locked', until: attempt.lockedUntil } : { ok: false, reason: 'invalid' };
  }
  await attempt.succeeded(db);
  const result = await admissible(deps, account);
  if (!result.ok) return result;
  await db.transaction().execute(async (trx) => {
    await recordConnection(trx, account, 'password', ctx);
  });
  return result;
}
