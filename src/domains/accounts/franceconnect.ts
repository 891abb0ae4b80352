import { audit } from '../../platform/audit.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { IdentitePivot } from '../../platform/oidc/identity.ts';
import type { Account } from '../../schema.ts';
import { currentTerms } from '../site/terms.ts';
import { publicLink, type AccountsDeps } from './deps.ts';
import * as emails from './emails.ts';
import type { Outcome } from './outcome.ts';
import { verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';
import { admissible, recordConnection, type ConnectionContext, type SignInResult } from './sign-in.ts';
import { signInLimits, throttle } from './throttle.ts';
import { consumeToken, issueToken, type TokenCheck } from './tokens.ts';

export type FranceConnectResult =
  | { kind: 'signed-in'; account: Account }
  | { kind: 'terms-required' }
  | { kind: 'link-required'; email: string }
  | { kind: 'refused'; result: Exclude<SignInResult, { ok: true } | { reason: 'invalid' | 'locked' }> };

const TERMS_REQUIRED = 'Cochez la case pour indiquer que vous avez lu les conditions générales d’utilisation';

/** Signs in the account keyed on the pairwise sub, or says what must happen first. */
export async function signInWithFranceConnect(deps: Pick<AccountsDeps, 'db'>, identity: IdentitePivot, ctx: ConnectionContext): Promise<FranceConnectResult> {
  const { db } = deps;
  const known = await db.selectFrom('franceconnect_identities').select('account_id').where('sub', '=', identity.sub).executeTakeFirst();
  if (known) {
    const account = await repo.findAccountById(db, known.account_id);
    if (!account) return { kind: 'terms-required' };
    const result = await admissible(deps, account);
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
}

/** First FranceConnect sign-in: the terms were accepted; creates a certified individual account. */
export async function createFromFranceConnect(deps: Pick<AccountsDeps, 'db'>, identity: IdentitePivot, termsAccepted: boolean, ctx: ConnectionContext): Promise<Outcome<Account>> {
  const { db } = deps;
  if (!termsAccepted) return { ok: false, errors: { terms: TERMS_REQUIRED } };
  const existing = await db.selectFrom('franceconnect_identities').select('account_id').where('sub', '=', identity.sub).executeTakeFirst();
  if (existing) {
    const account = await repo.findAccountById(db, existing.account_id);
    if (account) return { ok: true, value: account };
  }
  const t = currentTerms();
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
}

/** Links a FranceConnect identity to the local account of the same email, confirmed by its password. */
export async function linkWithPassword(deps: Pick<AccountsDeps, 'db'>, identity: IdentitePivot, password: string, ctx: ConnectionContext): Promise<Outcome<Account> | { ok: false; locked: Date }> {
  const { db } = deps;
  const account = await repo.findAccountByEmail(db, identity.email);
  const attempt = await throttle(db, signInLimits('account', identity.email, ctx.ip));
  if (!attempt.admitted) return { ok: false, locked: attempt.lockedUntil! };
  if (!account || !(await verifyPassword(account.password_hash, password))) {
    if (attempt.lockedUntil) return { ok: false, locked: attempt.lockedUntil };
    return { ok: false, errors: { password: 'Le mot de passe est incorrect' } };
  }
  await attempt.succeeded(db);
  return link(deps, account, identity, ctx);
}

/** …or confirmed by a link sent to the account's address. */
export async function sendLinkEmail(deps: Pick<AccountsDeps, 'db' | 'config'>, identity: IdentitePivot): Promise<void> {
  const account = await repo.findAccountByEmail(deps.db, identity.email);
  if (!account) return;
  await deps.db.transaction().execute(async (trx) => {
    const token = await issueToken(trx, account.id, 'link_franceconnect', { identity });
    await queueMessage(trx, emails.linkFranceConnectEmail(account.email, publicLink(deps, `/connexion/franceconnect/lier/${token}`)));
  });
}

export async function linkWithToken(deps: Pick<AccountsDeps, 'db'>, token: string, ctx: ConnectionContext): Promise<Outcome<Account> | { ok: false; token: TokenCheck }> {
  const used = await consumeToken(deps.db, token, 'link_franceconnect');
  if (!used.ok) return { ok: false, token: used };
  const account = await repo.findAccountById(deps.db, used.accountId);
  const identity = (used.payload as { identity?: IdentitePivot } | null)?.identity;
  if (!account || !identity) return { ok: false, token: { ok: false, reason: 'unknown' } };
  return link(deps, account, identity, ctx);
}

async function link(deps: Pick<AccountsDeps, 'db'>, account: Account, identity: IdentitePivot, ctx: ConnectionContext): Promise<Outcome<Account>> {
  const allowed = await admissible(deps, account);
  if (!allowed.ok) return { ok: false, errors: { form: 'Ce compte ne peut pas être utilisé pour le moment.' } };
  await deps.db.transaction().execute(async (trx) => {
    await trx.insertInto('franceconnect_identities').values({ sub: identity.sub, account_id: account.id, ...pivotColumns(identity), last_login_at: new Date() }).onConflict((oc) => oc.column('sub').doNothing()).execute();
    await trx.updateTable('accounts').set({ certified: true }).where('id', '=', account.id).execute();
    await audit(trx, { kind: 'user', id: account.id, ip: ctx.ip }, 'account.franceconnect_linked', { kind: 'account', id: account.id });
    await recordConnection(trx, account, 'franceconnect', ctx);
  });
  return { ok: true, value: { ...account, certified: true } };
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
