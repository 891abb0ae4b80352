import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';

/**
 * Failed attempts counted per key in the database (shared by every node). After `free` failures
 * each new failure locks the key for 1, 2, 4, 8… minutes, capped at `maxLockMinutes`.
 */
export interface ThrottlePolicy {
  free: number;
  maxLockMinutes: number;
}

export const ACCOUNT_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60 };
export const IP_POLICY: ThrottlePolicy = { free: 20, maxLockMinutes: 60 };

/** The latest time until which any of these keys is locked, or null. */
export async function lockedUntil(db: Db, keys: string[]): Promise<Date | null> {
  const row = await db
    .selectFrom('sign_in_throttle')
    .select((eb) => eb.fn.max('locked_until').as('until'))
    .where('key', 'in', keys)
    .where('locked_until', '>', sql<Date>`now()`)
    .executeTakeFirst();
  return (row?.until as Date | null | undefined) ?? null;
}

export async function recordFailure(db: Db, key: string, policy: ThrottlePolicy): Promise<void> {
  await sql`
    insert into sign_in_throttle (key, failures, last_failure_at) values (${key}, 1, now())
    on conflict (key) do update set failures = sign_in_throttle.failures + 1, last_failure_at = now()`.execute(db);
  await sql`
    update sign_in_throttle
    set locked_until = now() + make_interval(mins => least(${policy.maxLockMinutes}, power(2, failures - ${policy.free} - 1)::int))
    where key = ${key} and failures > ${policy.free}`.execute(db);
}

export async function clearFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute();
}

/** Old entries are forgotten after a day without failure. */
export async function purgeThrottle(db: Db): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('last_failure_at', '<', sql<Date>`now() - interval '1 day'`).execute();
}
