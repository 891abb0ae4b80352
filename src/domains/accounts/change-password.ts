import { audit } from '../../platform/audit.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import { publicLink, type AccountsDeps } from './deps.ts';
import * as emails from './emails.ts';
import type { FieldErrors, Outcome } from './outcome.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';
import type { ConnectionContext } from './sign-in.ts';
import { signInLimits, throttle } from './throttle.ts';

/**
 * A signed-in user changes the password, proving the current one: throttled with the sign-in's
 * keys (the same guesses count for both), audited, an email to the account, and every other
 * session of the account ended (the caller rotates its own).
 */
export async function changePassword(
  deps: Pick<AccountsDeps, 'db' | 'config'>,
  accountId: number,
  input: { current: string; next: string },
  ctx: ConnectionContext & { keepSessionIdHash: string },
): Promise<Outcome<null> | { ok: false; locked: Date }> {
  const { db } = deps;
  const account = await repo.findAccountById(db, accountId);
  if (!account?.password_hash) return { ok: false, errors: { current_password: 'Votre compte n’a pas de mot de passe : vous vous connectez avec FranceConnect' } };
  const errors: FieldErrors = {};
  if (!input.current) errors.current_password = 'Saisissez votre mot de passe actuel';
  const problem = input.next
    ? passwordProblem(input.next, { email: account.email, names: [account.given_name, account.family_name, account.organisation_name].filter((n): n is string => !!n) })
    : 'Saisissez le nouveau mot de passe';
  if (problem) errors.new_password = problem;
  else if (input.next === input.current) errors.new_password = 'Le nouveau mot de passe doit être différent du mot de passe actuel';
  if (Object.keys(errors).length) return { ok: false, errors };
  const attempt = await throttle(db, signInLimits('account', account.email, ctx.ip));
  if (!attempt.admitted) return { ok: false, locked: attempt.lockedUntil! };
  if (!(await verifyPassword(account.password_hash, input.current))) {
    await audit(db, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.password_change_failed', { kind: 'account', id: account.id });
    if (attempt.lockedUntil) return { ok: false, locked: attempt.lockedUntil };
    return { ok: false, errors: { current_password: 'Le mot de passe actuel est incorrect' } };
  }
  await attempt.succeeded(db);
  const passwordHash = await hashPassword(input.next);
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('accounts').set({ password_hash: passwordHash }).where('id', '=', account.id).execute();
    await trx.deleteFrom('sessions').where('user_id', '=', account.id).where('id_hash', '!=', ctx.keepSessionIdHash).execute();
    await queueMessage(trx, emails.passwordChangedEmail(account.email, publicLink(deps, '/mot-de-passe-oublie')));
    await audit(trx, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.password_changed', { kind: 'account', id: account.id });
  });
  return { ok: true, value: null };
}
