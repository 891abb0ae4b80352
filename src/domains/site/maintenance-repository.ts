import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import type { Notice, NoticeInput } from './maintenance-model.ts';

const toNotice = (r: { id: number; kind: Notice['kind']; message: string; starts_at: Date; ends_at: Date }): Notice => ({
  id: r.id,
  kind: r.kind,
  message: r.message,
  startsAt: r.starts_at,
  endsAt: r.ends_at,
});

/** Notices not cancelled whose window has not ended. */
export async function listCurrentAndFutureNotices(db: Db): Promise<Notice[]> {
  const rows = await db
    .selectFrom('maintenance_notices')
    .select(['id', 'kind', 'message', 'starts_at', 'ends_at'])
    .where('cancelled_at', 'is', null)
    .where('ends_at', '>', sql<Date>`now()`)
    .orderBy('starts_at')
    .execute();
  return rows.map(toNotice);
}

/** A notice not cancelled whose window has not ended, or undefined. */
export async function findCurrentOrFutureNotice(db: Db, id: number): Promise<Notice | undefined> {
  const row = await db
    .selectFrom('maintenance_notices')
    .select(['id', 'kind', 'message', 'starts_at', 'ends_at'])
    .where('id', '=', id)
    .where('cancelled_at', 'is', null)
    .where('ends_at', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return row && toNotice(row);
}

export async function insertNotice(db: Db, input: NoticeInput): Promise<Notice> {
  const row = await db
    .insertInto('maintenance_notices')
    .values({
      kind: input.kind,
      message: input.message,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      created_by: input.createdBy,
    })
    .returning(['id', 'kind', 'message', 'starts_at', 'ends_at'])
    .executeTakeFirstOrThrow();
  return toNotice(row);
}

export async function cancelNotice(db: Db, id: number): Promise<boolean> {
  const r = await db
    .updateTable('maintenance_notices')
    .set({ cancelled_at: new Date() })
    .where('id', '=', id)
    .where('cancelled_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
