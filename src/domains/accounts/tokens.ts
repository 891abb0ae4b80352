import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { TokenPurpose } from '../../schema.ts';

/** How long each kind of emailed link stays valid. */
export const TOKEN_VALIDITY_HOURS: Record<TokenPurpose, number> = {
  activation: 72,
  set_password: 72,
  password_reset: 1,
  link_franceconnect: 1,
};

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A 128-bit random token; only its SHA-256 is stored. Earlier unused tokens of the same purpose die. */
export async function issueToken(db: Db, accountId: number, purpose: TokenPurpose, payload?: Record<string, unknown>): Promise<string> {
  const token = randomBytes(16).toString('base64url');
  await db.deleteFrom('account_tokens').where('account_id', '=', accountId).where('purpose', '=', purpose).where('used_at', 'is', null).execute();
  await db
    .insertInto('account_tokens')
    .values({
      token_hash: hashToken(token),
      account_id: accountId,
      purpose,
      payload: payload ? JSON.stringify(payload) : null,
      expires_at: new Date(Date.now() + TOKEN_VALIDITY_HOURS[purpose] * 3_600_000),
    })
    .execute();
  return token;
}

export type TokenCheck =
  | { ok: true; accountId: number; payload: Record<string, unknown> | null }
  | { ok: false; reason: 'unknown' | 'expired' | 'used' };

/** Looks a token up without using it (to show the form it opens). */
export async function checkToken(db: Db, token: string, purpose: TokenPurpose): Promise<TokenCheck> {
  if (!/^[A-Za-z0-9_-]{22}$/.test(token)) return { ok: false, reason: 'unknown' };
  const row = await db
    .selectFrom('account_tokens')
    .select(['account_id', 'expires_at', 'used_at', 'payload'])
    .where('token_hash', '=', hashToken(token))
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return { ok: false, reason: 'unknown' };
  if (row.used_at) return { ok: false, reason: 'used' };
  if (row.expires_at <= new Date()) return { ok: false, reason: 'expired' };
  return { ok: true, accountId: row.account_id, payload: row.payload as Record<string, unknown> | null };
}

/** Uses a token once: the update only succeeds for the first caller (double click, replay). */
export async function consumeToken(db: Db, token: string, purpose: TokenPurpose): Promise<TokenCheck> {
  const check = await checkToken(db, token, purpose);
  if (!check.ok) return check;
  const used = await db
    .updateTable('account_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1 ? check : { ok: false, reason: 'used' };
}
