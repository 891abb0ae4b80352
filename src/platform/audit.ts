import type { Db } from './db/database.ts';

export interface Actor {
  kind: 'user' | 'agent' | 'system';
  id: number | null;
  ip: string | null;
}

export const SYSTEM: Actor = { kind: 'system', id: null, ip: null };

/**
 * One row of the audit trail: who did what to which subject, from where. Call it inside the
 * transaction of the change it records. Never pass a password, a code or a token in `details`.
 */
export async function audit(
  db: Db,
  actor: Actor,
  action: string,
  subject: { kind: string; id: number } | null,
  details: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('audit_events')
    .values({
      actor_kind: actor.kind,
      actor_id: actor.id,
      action,
      subject_kind: subject?.kind ?? null,
      subject_id: subject?.id ?? null,
      ip: actor.ip,
      details: JSON.stringify(details),
    })
    .execute();
}
