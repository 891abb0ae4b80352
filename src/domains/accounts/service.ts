import { sql } from 'kysely';
import type { z } from 'zod';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account, Profile } from '../../schema.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { IdentitePivot } from '../../platform/oidc/identity.ts';
import { currentTerms } from '../site/terms.ts';
import * as emails from './emails.ts';
import { canTransition, emailField, SIGN_UP_SCHEMAS, type SelfServiceProfile } from './model.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';
import { forgetKeys, signInLimits, throttle } from './throttle.ts';
import { checkToken, consumeToken, issueToken, type TokenCheck } from './tokens.ts';

export type FieldErrors = Record<string, string>;
const LOCK_TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long', timeStyle: 'short' });
export type Outcome<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

export function zodErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? 'form');
    errors[key] ??= issue.message;
  }
  return errors;
}

export type SignInResult =
  | { ok: true; account: Account }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; until: Date }
  | { ok: false; reason: 'pending_activation' }
  | { ok: false; reason: 'suspended'; until: Date | null; why: string | null }
  | { ok: false; reason: 'deactivated' };

export type FranceConnectResult =
  | { kind: 'signed-in'; account: Account }
  | { kind: 'terms-required' }
  | { kind: 'link-required'; email: string }
  | { kind: 'refused'; result: Exclude<SignInResult, { ok: true } | { reason: 'invalid' | 'locked' }> };

export interface ConnectionContext {
  ip: string;
  userAgent: string | null;
}

/** Accounts use cases. Each write is one transaction that also writes its audit row and queues its emails. */
export function createAccountsService(deps: { db: Db; config: Config }) {
  const { db, config } = deps;
  const url = (path: string) => `${config.publicUrl}${path}`;
  const terms = () => currentTerms();

  /** Whether an existing account may sign in now; lifts a temporary suspension that has ended. */
  async function admissible(account: Account): Promise<SignInResult> {
    switch (account.status) {
      case 'active':
        return { ok: true, account };
      case 'pending_activation':
        return { ok: false, reason: 'pending_activation' };
      case 'deactivated':
        return { ok: false, reason: 'deactivated' };
      case 'suspended':
        if (account.suspended_until && account.suspended_until <= new Date()) {
          await db.transaction().execute(async (trx) => {
            await trx.updateTable('accounts').set({ status: 'active', suspended_until: null, suspension_reason: null }).where('id', '=', account.id).execute();
            await audit(trx, { kind: 'system', id: null, ip: null }, 'account.suspension_ended', { kind: 'account', id: account.id });
          });
          return { ok: true, account: { ...account, status: 'active' } };
        }
        return { ok: false, reason: 'suspended', until: account.suspended_until, why: account.suspension_reason };
    }
  }

  async function recordConnection(trx: Db, account: Account, method: 'password' | 'franceconnect', ctx: ConnectionContext) {
    await trx.insertInto('connection_history').values({ account_id: account.id, ip: ctx.ip, method, user_agent: ctx.userAgent?.slice(0, 300) ?? null }).execute();
    await audit(trx, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.signed_in', { kind: 'account', id: account.id }, { method });
  }

  return {
    async signUp(profile: SelfServiceProfile, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ email: string }>> {
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
      const passwordHash = await hashPassword(data.password!);
      const t = terms();
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
          await queueMessage(trx, emails.activationEmail(data.email!, url(`/activation/${token}`)));
          await audit(trx, { ...actor, kind: 'user', id: account.id }, 'account.created', { kind: 'account', id: account.id }, { profile, terms_version: t.version });
        });
      } catch (error) {
        // Two submissions of the same form at once: the unique index keeps one account.
        if (/accounts_email|unique/i.test((error as Error).message)) return { ok: true, value: { email: data.email! } };
        throw error;
      }
      return { ok: true, value: { email: data.email! } };
    },

    async activate(token: string, actor: Actor): Promise<TokenCheck> {
      return db.transaction().execute(async (trx) => {
        const used = await consumeToken(trx, token, 'activation');
        if (!used.ok) return used;
        await trx
          .updateTable('accounts')
          .set({ status: 'active', activated_at: sql<Date>`now()` })
          .where('id', '=', used.accountId)
          .where('status', '=', 'pending_activation')
          .execute();
        await audit(trx, { ...actor, kind: 'user', id: used.accountId }, 'account.activated', { kind: 'account', id: used.accountId });
        return used;
      });
    },

    /** Same answer whatever the address: a new link goes out only to an account waiting for activation. */
    async resendActivation(rawEmail: string): Promise<Outcome<null>> {
      const email = emailField.safeParse(rawEmail);
      if (!email.success) return { ok: false, errors: { email: email.error.issues[0]!.message } };
      const account = await repo.findAccountByEmail(db, email.data);
      if (account?.status === 'pending_activation') {
        await db.transaction().execute(async (trx) => {
          const token = await issueToken(trx, account.id, 'activation');
          await queueMessage(trx, emails.activationEmail(account.email, url(`/activation/${token}`)));
        });
      }
      return { ok: true, value: null };
    },

    async signIn(rawEmail: string, password: string, ctx: ConnectionContext): Promise<SignInResult> {
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
      const result = await admissible(account);
      if (!result.ok) return result;
      await db.transaction().execute(async (trx) => {
        await recordConnection(trx, account, 'password', ctx);
      });
      return result;
    },

    /** Same answer whatever the address; only an existing, usable account gets a link (valid 1 h). */
    async requestPasswordReset(rawEmail: string, actor: Actor): Promise<Outcome<null>> {
      const email = emailField.safeParse(rawEmail);
      if (!email.success) return { ok: false, errors: { email: email.error.issues[0]!.message } };
      const account = await repo.findAccountByEmail(db, email.data);
      if (account && account.status !== 'deactivated') {
        await db.transaction().execute(async (trx) => {
          const token = await issueToken(trx, account.id, 'password_reset');
          await queueMessage(trx, emails.resetEmail(account.email, url(`/mot-de-passe/nouveau/${token}`)));
          await audit(trx, { ...actor, kind: 'user', id: account.id }, 'account.password_reset_requested', { kind: 'account', id: account.id });
        });
      }
      return { ok: true, value: null };
    },

    checkPasswordToken: (token: string, purpose: 'password_reset' | 'set_password') => checkToken(db, token, purpose),

    /** Sets the password from an emailed link; ends every open session of the account. */
    /** Whether the account behind a set-password link has yet to accept the terms (accounts made by an agent). */
    async needsTerms(token: string): Promise<boolean> {
      const check = await checkToken(db, token, 'set_password');
      if (!check.ok) return false;
      const account = await repo.findAccountById(db, check.accountId);
      return !!account && account.terms_version === null;
    },

    async setPassword(token: string, purpose: 'password_reset' | 'set_password', password: string, actor: Actor, termsAccepted = false): Promise<Outcome<Account> | { ok: false; token: TokenCheck }> {
      const check = await checkToken(db, token, purpose);
      if (!check.ok) return { ok: false, token: check };
      const account = await repo.findAccountById(db, check.accountId);
      if (!account) return { ok: false, token: { ok: false, reason: 'unknown' } };
      const problem = password ? passwordProblem(password, { email: account.email, names: [account.given_name, account.family_name, account.organisation_name].filter((n): n is string => !!n) }) : 'Saisissez un mot de passe';
      const errors: FieldErrors = problem ? { password: problem } : {};
      const needsTerms = account.terms_version === null;
      if (needsTerms && !termsAccepted) errors.terms = 'Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation';
      if (Object.keys(errors).length) return { ok: false, errors };
      const t = terms();
      const passwordHash = await hashPassword(password);
      return db.transaction().execute(async (trx) => {
        const used = await consumeToken(trx, token, purpose);
        if (!used.ok) return { ok: false as const, token: used };
        await trx
          .updateTable('accounts')
          .set({
            password_hash: passwordHash,
            ...(account.status === 'pending_activation' ? { status: 'active' as const, activated_at: new Date() } : {}),
            ...(needsTerms ? { terms_version: t.version, terms_sha256: t.sha256, terms_accepted_at: new Date() } : {}),
          })
          .where('id', '=', account.id)
          .execute();
        await trx.deleteFrom('sessions').where('user_id', '=', account.id).execute();
        await forgetKeys(trx, `account:${account.email.toLowerCase()}|`);
        await audit(trx, { ...actor, kind: 'user', id: account.id }, purpose === 'set_password' ? 'account.password_set' : 'account.password_reset', { kind: 'account', id: account.id });
        return { ok: true as const, value: account };
      });
    },

    /**
     * A signed-in user changes the password, proving the current one: throttled with the sign-in's
     * keys (the same guesses count for both), audited, an email to the account, and every other
     * session of the account ended (the caller rotates its own).
     */
    async changePassword(
      accountId: number,
      input: { current: string; next: string },
      ctx: ConnectionContext & { keepSessionIdHash: string },
    ): Promise<Outcome<null> | { ok: false; locked: Date }> {
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
        await queueMessage(trx, emails.passwordChangedEmail(account.email, url('/mot-de-passe-oublie')));
        await audit(trx, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.password_changed', { kind: 'account', id: account.id });
      });
      return { ok: true, value: null };
    },

    /** Terms of use §1.11.3: the user deletes the account; personal data go, an audit trace stays. */
    async deleteOwnAccount(accountId: number, password: string | null, actor: Actor): Promise<Outcome<null>> {
      const account = await repo.findAccountById(db, accountId);
      if (!account) return { ok: true, value: null };
      const fc = await repo.franceConnectIdentityOf(db, accountId);
      if (!fc) {
        // the password is guessable from a session: counted with the sign-in's keys, like its change
        const attempt = await throttle(db, signInLimits('account', account.email, actor.ip ?? ''));
        if (!attempt.admitted) return { ok: false, errors: { password: `Trop de mots de passe erronés : réessayez à partir du ${LOCK_TIME.format(attempt.lockedUntil!)}` } };
        if (!(await verifyPassword(account.password_hash, password ?? ''))) {
          await audit(db, actor, 'account.deletion_password_failed', { kind: 'account', id: account.id });
          return { ok: false, errors: { password: 'Le mot de passe est incorrect' } };
        }
        await attempt.succeeded(db);
      }
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sessions').where('user_id', '=', accountId).execute();
        await trx.deleteFrom('accounts').where('id', '=', accountId).execute();
        await queueMessage(trx, emails.deletionEmail(account.email, 'Vous avez supprimé votre compte du Portail des titres sécurisés.'));
        // last: appending to the audit chain holds its lock until commit
        await audit(trx, actor, 'account.deleted_by_user', { kind: 'account', id: accountId }, { profile: account.profile });
      });
      return { ok: true, value: null };
    },

    history: (accountId: number) => repo.connectionHistory(db, accountId),
    findById: (id: number) => repo.findAccountById(db, id),
    franceConnectIdentity: (accountId: number) => repo.franceConnectIdentityOf(db, accountId),

    // ---- FranceConnect ----

    /** Signs in the account keyed on the pairwise sub, or says what must happen first. */
    async signInWithFranceConnect(identity: IdentitePivot, ctx: ConnectionContext): Promise<FranceConnectResult> {
      const known = await db.selectFrom('franceconnect_identities').select('account_id').where('sub', '=', identity.sub).executeTakeFirst();
      if (known) {
        const account = await repo.findAccountById(db, known.account_id);
        if (!account) return { kind: 'terms-required' };
        const result = await admissible(account);
        if (!result.ok) return { kind: 'refused', result: result as Extract<FranceConnectResult, { kind: 'refused' }>['result'] };
        await db.transaction().execute(async (trx) => {
          await trx.updateTable('franceconnect_identities').set({ ...pivotColumns(identity), last_login_at: new Date() }).where('sub', '=', identity.sub).execute();
          await recordConnection(trx, account, 'franceconnect', ctx);
        });
        return { kind: 'signed-in', account };
      }
      const sameEmail = identity.email ? await repo.findAccountByEmail(db, identity.email) : undefined;
      if (sameEmail) return { kind: 'link-required', email: sameEmail.email };
      return { kind: 'terms-required' };
    },

    /** First FranceConnect sign-in: the terms were accepted; creates a certified individual account. */
    async createFromFranceConnect(identity: IdentitePivot, termsAccepted: boolean, ctx: ConnectionContext): Promise<Outcome<Account>> {
      if (!termsAccepted) return { ok: false, errors: { terms: 'Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation' } };
      const existing = await db.selectFrom('franceconnect_identities').select('account_id').where('sub', '=', identity.sub).executeTakeFirst();
      if (existing) {
        const account = await repo.findAccountById(db, existing.account_id);
        if (account) return { ok: true, value: account };
      }
      const t = terms();
      const email = identity.email.toLowerCase();
      if (await repo.findAccountByEmail(db, email)) return { ok: false, errors: { form: 'Un compte existe déjà avec cette adresse électronique : reliez-le à FranceConnect.' } };
      const account = await db.transaction().execute(async (trx) => {
        const created = await trx
          .insertInto('accounts')
          .values({
            profile: 'individual',
            email,
            password_hash: null,
            status: 'active',
            certified: true,
            given_name: identity.given_name,
            family_name: identity.family_name,
            terms_version: t.version,
            terms_sha256: t.sha256,
            terms_accepted_at: new Date(),
            activated_at: new Date(),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        await trx.insertInto('franceconnect_identities').values({ sub: identity.sub, account_id: created.id, ...pivotColumns(identity), last_login_at: new Date() }).execute();
        await audit(trx, { kind: 'user', id: created.id, ip: ctx.ip }, 'account.created', { kind: 'account', id: created.id }, { profile: 'individual', via: 'franceconnect', terms_version: t.version });
        await recordConnection(trx, created, 'franceconnect', ctx);
        return created;
      });
      return { ok: true, value: account };
    },

    /** Links a FranceConnect identity to the local account of the same email, confirmed by its password. */
    async linkWithPassword(identity: IdentitePivot, password: string, ctx: ConnectionContext): Promise<Outcome<Account> | { ok: false; locked: Date }> {
      const account = await repo.findAccountByEmail(db, identity.email);
      const attempt = await throttle(db, signInLimits('account', identity.email, ctx.ip));
      if (!attempt.admitted) return { ok: false, locked: attempt.lockedUntil! };
      if (!account || !(await verifyPassword(account.password_hash, password))) {
        if (attempt.lockedUntil) return { ok: false, locked: attempt.lockedUntil };
        return { ok: false, errors: { password: 'Le mot de passe est incorrect' } };
      }
      await attempt.succeeded(db);
      return link(account, identity, ctx);
    },

    async sendLinkEmail(identity: IdentitePivot): Promise<void> {
      const account = await repo.findAccountByEmail(db, identity.email);
      if (!account) return;
      await db.transaction().execute(async (trx) => {
        const token = await issueToken(trx, account.id, 'link_franceconnect', { identity });
        await queueMessage(trx, emails.linkFranceConnectEmail(account.email, url(`/connexion/franceconnect/lier/${token}`)));
      });
    },

    async linkWithToken(token: string, ctx: ConnectionContext): Promise<Outcome<Account> | { ok: false; token: TokenCheck }> {
      const used = await consumeToken(db, token, 'link_franceconnect');
      if (!used.ok) return { ok: false, token: used };
      const account = await repo.findAccountById(db, used.accountId);
      const identity = (used.payload as { identity?: IdentitePivot } | null)?.identity;
      if (!account || !identity) return { ok: false, token: { ok: false, reason: 'unknown' } };
      return link(account, identity, ctx);
    },
  };

  async function link(account: Account, identity: IdentitePivot, ctx: ConnectionContext): Promise<Outcome<Account>> {
    const allowed = await admissible(account);
    if (!allowed.ok) return { ok: false, errors: { form: 'Ce compte ne peut pas être utilisé pour le moment.' } };
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('franceconnect_identities').values({ sub: identity.sub, account_id: account.id, ...pivotColumns(identity), last_login_at: new Date() }).onConflict((oc) => oc.column('sub').doNothing()).execute();
      await trx.updateTable('accounts').set({ certified: true }).where('id', '=', account.id).execute();
      await audit(trx, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.franceconnect_linked', { kind: 'account', id: account.id });
      await recordConnection(trx, account, 'franceconnect', ctx);
    });
    return { ok: true, value: { ...account, certified: true } };
  }
}

function pivotColumns(identity: IdentitePivot) {
  return {
    given_name: identity.given_name,
    family_name: identity.family_name,
    birthdate: identity.birthdate,
    gender: identity.gender,
    birthplace: identity.birthplace,
    birthcountry: identity.birthcountry,
    email: identity.email.toLowerCase(),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
export { canTransition };
