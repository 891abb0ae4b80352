import { audit, type Actor } from '../../platform/audit.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { Account } from '../../schema.ts';
import { currentTerms } from '../site/terms.ts';
import { publicLink, type AccountsDeps } from './deps.ts';
import * as emails from './emails.ts';
import { emailField } from './model.ts';
import type { FieldErrors, Outcome } from './outcome.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import * as repo from './repository.ts';
import { resetLimits } from './sign-up-limits.ts';
import { refuse, type Limited } from './sign-up.ts';
import { forgetKeys, throttle } from './throttle.ts';
import { checkToken, consumeToken, issueToken, type TokenCheck } from './tokens.ts';
import { transitionAccount } from './transitions.ts';

type PasswordPurpose = 'password_reset' | 'set_password';

/** Same answer whatever the address; only an existing, usable account gets a link (valid 1 h). */
export async function requestPasswordReset(deps: Pick<AccountsDeps, 'db' | 'config'>, rawEmail: string, actor: Actor): Promise<Outcome<null> | Limited> {
  const email = emailField.safeParse(rawEmail);
  if (!email.success) return { ok: false, errors: { email: email.error.issues[0]!.message } };
  // Counted whether or not an account has this address (the answer must not tell which): a mailbox
  // cannot be flooded with reset emails, nor the portal's mail sending from one address.
  const attempt = await throttle(deps.db, resetLimits(email.data, actor.ip ?? 'unknown'));
  if (!attempt.admitted)
    return refuse(deps.db, actor, 'account.password_reset_limited', {}, attempt.lockedUntil, 'Trop de liens pour choisir un nouveau mot de passe ont été demandés depuis votre connexion ou pour cette boîte aux lettres');
  const account = await repo.findAccountByEmail(deps.db, email.data);
  if (account && account.status !== 'deactivated') {
    await deps.db.transaction().execute(async (trx) => {
      const token = await issueToken(trx, account.id, 'password_reset');
      await queueMessage(trx, emails.resetEmail(account.email, publicLink(deps, `/mot-de-passe/nouveau/${token}`)));
      await audit(trx, { ...actor, kind: 'user', id: account.id }, 'account.password_reset_requested', { kind: 'account', id: account.id });
    });
  }
  return { ok: true, value: null };
}

export const checkPasswordToken = (deps: Pick<AccountsDeps, 'db'>, token: string, purpose: PasswordPurpose): Promise<TokenCheck> => checkToken(deps.db, token, purpose);

/** Whether the account behind a set-password link has yet to accept the terms (accounts made by an agent). */
export async function needsTerms(deps: Pick<AccountsDeps, 'db'>, token: string): Promise<boolean> {
  const check = await checkToken(deps.db, token, 'set_password');
  if (!check.ok) return false;
  const account = await repo.findAccountById(deps.db, check.accountId);
  return !!account && account.terms_version === null;
}

/**
 * Sets the password from an emailed link (a reset, or the first password of an account made by an
 * agent, which it activates); ends every open session of the account.
 */
export async function setPassword(
  deps: Pick<AccountsDeps, 'db'>,
  token: string,
  purpose: PasswordPurpose,
  password: string,
  actor: Actor,
  termsAccepted = false,
): Promise<Outcome<Account> | { ok: false; token: TokenCheck }> {
  const { db } = deps;
  const check = await checkToken(db, token, purpose);
  if (!check.ok) return { ok: false, token: check };
  const account = await repo.findAccountById(db, check.accountId);
  if (!account) return { ok: false, token: { ok: false, reason: 'unknown' } };
  const problem = password ? passwordProblem(password, { email: account.email, names: [account.given_name, account.family_name, account.organisation_name].filter((n): n is string => !!n) }) : 'Saisissez un mot de passe';
  const errors: FieldErrors = problem ? { password: problem } : {};
  const needsTerms = account.terms_version === null;
  if (needsTerms && !termsAccepted) errors.terms = 'Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation';
  if (Object.keys(errors).length) return { ok: false, errors };
  const t = currentTerms();
  const passwordHash = await hashPassword(password);
  return db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, purpose);
    if (!used.ok) return { ok: false as const, token: used };
    await trx
      .updateTable('accounts')
      .set({ password_hash: passwordHash, ...(needsTerms ? { terms_version: t.version, terms_sha256: t.sha256, terms_accepted_at: new Date() } : {}) })
      .where('id', '=', account.id)
      .execute();
    const userActor: Actor = { ...actor, kind: 'user', id: account.id };
    if (account.status === 'pending_activation') await transitionAccount(trx, account, 'activate', userActor, { set: { activated_at: new Date() } });
    await trx.deleteFrom('sessions').where('user_id', '=', account.id).execute();
    await forgetKeys(trx, `account:${account.email.toLowerCase()}|`);
    await audit(trx, userActor, purpose === 'set_password' ? 'account.password_set' : 'account.password_reset', { kind: 'account', id: account.id });
    return { ok: true as const, value: account };
  });
}
