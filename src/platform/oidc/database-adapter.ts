import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** What oidc-provider stores: sessions, interactions, authorization codes, grants, tokens… */
export interface OidcPayload {
  grantId?: string;
  userCode?: string;
  uid?: string;
  consumed?: unknown;
  [key: string]: unknown;
}

/** oidc-provider's adapter interface (the package ships no types). */
export interface OidcAdapter {
  upsert(id: string, payload: OidcPayload, expiresIn: number): Promise<void>;
  find(id: string): Promise<OidcPayload | undefined>;
  findByUserCode(userCode: string): Promise<OidcPayload | undefined>;
  findByUid(uid: string): Promise<OidcPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

/**
 * oidc-provider's state in the database (table oidc_payloads, migration 0018) instead of one
 * process's memory: a sign-in started on one node ends on any other. Expiry uses the process
 * clock, as the provider's own checks do; expired rows are never returned, and purged by
 * `purgeExpiredOidcPayloads` (the worker's housekeeping).
 */
export function databaseAdapter(db: Db): new (model: string) => OidcAdapter {
  return class DatabaseAdapter implements OidcAdapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: OidcPayload, expiresIn: number): Promise<void> {
      const expiresAt = expiresIn ? new Date(Date.now() + expiresIn * 1000) : null;
      await sql`
        insert into oidc_payloads (model, id, payload, grant_id, user_code, uid, expires_at)
        values (${this.model}, ${id}, ${JSON.stringify(payload)}::jsonb, ${payload.grantId ?? null}, ${payload.userCode ?? null}, ${payload.uid ?? null}, ${expiresAt})
        on conflict (model, id) do update set payload = excluded.payload, grant_id = excluded.grant_id, user_code = excluded.user_code,
          uid = excluded.uid, expires_at = excluded.expires_at, consumed_at = null`.execute(db);
    }

    private async findWhere(column: 'id' | 'user_code' | 'uid', value: string): Promise<OidcPayload | undefined> {
      const rows = await sql<{ payload: OidcPayload; consumed_at: Date | null }>`
        select payload, consumed_at from oidc_payloads
        where model = ${this.model} and ${sql.ref(column)} = ${value} and (expires_at is null or expires_at > ${new Date()})
        limit 1`.execute(db);
      const row = rows.rows[0];
      if (!row) return undefined;
      const payload = typeof row.payload === 'string' ? (JSON.parse(row.payload) as OidcPayload) : row.payload;
      return row.consumed_at ? { ...payload, consumed: Math.floor(row.consumed_at.getTime() / 1000) } : payload;
    }

    find(id: string) {
      return this.findWhere('id', id);
    }
    findByUserCode(userCode: string) {
      return this.findWhere('user_code', userCode);
    }
    findByUid(uid: string) {
      return this.findWhere('uid', uid);
    }

    async consume(id: string): Promise<void> {
      await sql`update oidc_payloads set consumed_at = ${new Date()} where model = ${this.model} and id = ${id} and consumed_at is null`.execute(db);
    }

    async destroy(id: string): Promise<void> {
      await sql`delete from oidc_payloads where model = ${this.model} and id = ${id}`.execute(db);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await sql`delete from oidc_payloads where grant_id = ${grantId}`.execute(db);
    }
  };
}

/** Deletes the provider's expired records; returns how many. */
export async function purgeExpiredOidcPayloads(db: Db): Promise<number> {
  const result = await sql`delete from oidc_payloads where expires_at <= ${new Date()}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}
