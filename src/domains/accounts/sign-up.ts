import { sql } from 'kysely';
import { audit, type Actor } from '../../platform/audit.ts';
import { formatDateTime } from '../../platform/format-date.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { Profile } from '../../schema.ts';
import { currentTerms } from '../site/terms.ts';
import { publicLink, type AccountsDeps } from './deps.ts';
import * as emails from './emails.ts';
import { emailField, SIGN_UP_SCHEMAS, type SelfServiceProfile } from './model.ts';
import { zodErrors, type FieldErrors, type Outcome } from './outcome.ts';
import { hashPassword, passwordProblem } from './passwords.ts';
import * as repo from './repository.ts';
import { resendLimits, signUpLimits } from './sign-up-limits.ts';
import { throttle } from './throttle.ts';
import { consumeToken, issueToken, type TokenCheck } from './tokens.ts';
import { transitionAccount } from './transitions.ts';

/** A form refused by a sign-up limit: the message for the email field, and when to try again. */
export type Limited = { ok: false; errors: FieldErrors; limitedUntil: Date };

/** The refusal of a limited sign-up, resend or password reset, audited (no address stored: only what was refused). */
export async function refuse(db: AccountsDeps['db'], actor: Actor, action: string, details: Record<string, unknown>, lockedUntil: Date | null, message: string): Promise<Limited> {
  const until = lockedUntil ?? new Date(Date.now() + 60_000);
  await audit(db, actor, action, null, details);
  return { ok: false, errors: { email: `${message} : réessayez après le ${formatDateTime(until)}.` }, limitedUntil: until };
}

/** Self-service sign-up: the account waits for activation, the link goes by email. */
export async function signUp(deps: Pick<AccountsDeps, 'db' | 'config'>, profile: SelfServiceProfile, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ email: string }> | Limited> {
  const { db } = deps;
  const parsed = SIGN_UP_SCHEMAS[profile].safeParse(input);
  const errors = parsed.success ? {} : zodErrors(parsed.error);
  const raw = input as Record<string, string | undefined>;
  if (!errors.password) {
    const problem = passwordProblem(String(raw.password ?? ''), { email: String(raw.email ?? ''), names: [raw.given_name, raw.family_name, raw.organisation_name].filter((n): n is string => !!n) });
    if (problem) errors.password = problem;
  }
  if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
  const data = parsed.data as Record<string, string>;
  if (await repo.findAccountByEmail(db, data.email!))
    return { ok: false, errors: { email: 'Un compte existe déjà avec cette adresse électronique : connectez-vous, ou choisissez « Mot de passe oublié »' } };
  // Counted before the hash: a refused sign-up costs one statement, neither a hash nor an email.
  const attempt = await throttle(db, signUpLimits(data.email!, actor.ip ?? 'unknown'));
  if (!attempt.admitted)
    return refuse(db, actor, 'account.sign_up_limited', { profile }, attempt.lockedUntil, 'Trop de comptes ont été créés depuis votre connexion ou pour cette boîte aux lettres');
  const passwordHash = await hashPassword(data.password!);
  const t = currentTerms();
  try {
    await db.transaction().execute(async (trx) => {
      const account = await trx
        .insertInto('accounts')
        .values({
          profile: profile as Profile,
          email: data.email!,
          password_hash: passwordHash,
          status: 'pending_activation',
          given_name: data.given_name ?? null,
          family_name: data.family_name ?? null,
          organisation_name: data.organisation_name ?? null,
          approval_number: data.approval_number ?? null,
          siret: data.siret ?? null,
          terms_version: t.version,
          terms_sha256: t.sha256,
          terms_accepted_at: new Date(),
        })
        .returning(['id'])
        .executeTakeFirstOrThrow();
      const token = await issueToken(trx, account.id, 'activation');
      await queueMessage(trx, emails.activationEmail(data.email!, publicLink(deps, `/activation/${token}`)));
      await audit(trx, { ...actor, kind: 'user', id: account.id }, 'account.created', { kind: 'account', id: account.id }, { profile, terms_version: t.version });
    });
  } catch (error) {
    // Two submissions of the same form at once: the unique index keeps one account.
    if (/accounts_email|unique/i.test((error as Error).message)) return { ok: true, value: { email: data.email! } };
    throw error;
  }
  return { ok: true, value: { email: data.email! } };
}

/** The emailed link: consumed once; the account moves from pending_activation to active. */
export async function activate(deps: Pick<AccountsDeps, 'db'>, token: string, actor: Actor): Promise<TokenCheck> {
  return deps.db.transaction().execute(async (trx) => {
    const used = await consumeToken(trx, token, 'activation');
    if (!used.ok) return used;
    const account = await repo.findAccountById(trx, used.accountId);
    if (account) await transitionAccount(trx, account, 'activate', { ...actor, kind: 'user', id: account.id }, { set: { activated_at: sql<Date>`now()` } });
    return used;
  });
}

/** Same answer whatever the address: a new link goes out only to an account waiting for activation. */
export async function resendActivation(deps: Pick<AccountsDeps, 'db' | 'config'>, rawEmail: string, actor: Actor): Promise<Outcome<null> | Limited> {
  const email = emailField.safeParse(rawEmail);
  if (!email.success) return { ok: false, errors: { email: email.error.issues[0]!.message } };
  // Counted whether or not an account waits at this address: the answer must not tell which.
  const attempt = await throttle(deps.db, resendLimits(email.data, actor.ip ?? 'unknown'));
  if (!attempt.admitted)
    return refuse(deps.db, actor, 'account.activation_resend_limited', {}, attempt.lockedUntil, 'Trop de liens d’activation ont été demandés depuis votre connexion ou pour cette boîte aux lettres');
  const account = await repo.findAccountByEmail(deps.db, email.data);
  if (account?.status === 'pending_activation') {
    await deps.db.transaction().execute(async (trx) => {
      const token = await issueToken(trx, account.id, 'activation');
      await queueMessage(trx, emails.activationEmail(account.email, publicLink(deps, `/activation/${token}`)));
    });
  }
  return { ok: true, value: null };
}
