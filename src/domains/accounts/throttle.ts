import { isIPv6 } from 'node:net';
import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';

/**
 * The throttle of every guessable secret (passwords, TOTP codes, photo-signature codes, fiscal
 * stamps, codes de cession, pre-application numbers), shared by every node through the
 * `sign_in_throttle` table.
 *
 *   const attempt = await throttle(db, [limit(key, POLICY), …]);  // records the attempt, one statement
 *   if (!attempt.admitted) refuse until attempt.lockedUntil; else check the secret, then
 *   attempt.succeeded(trx) (clears or refunds the keys) or attempt.failed(trx) (alerts due).
 *
 * An attempt is counted as a failure *before* the secret is checked (a reservation): under a burst
 * of parallel guesses, each key admits exactly `free` failures, then one more that sets the lock in
 * advance; every later attempt is refused without being checked. A success gives the attempt back.
 * After `free` failures, each new failure locks the key for 1, 2, 4, 8… minutes, capped at
 * `maxLockMinutes` (the exponent is capped before power(): no overflow, whatever the count).
 */
export interface ThrottlePolicy {
  /** failures allowed before the first lock; null: the key never locks (it only counts, for alerts) */
  free: number | null;
  maxLockMinutes: number;
  /**
   * What a success does to the key: `clear` forgets it (the key of the account and address that
   * just proved the secret), `refund` only gives this attempt back (a key shared with others, an
   * address or a session: a success must not reset it, or an attacker resets it with his own
   * account, stamp or code).
   */
  onSuccess: 'clear' | 'refund';
  /** After this many failures counted on the key, `failed()` reports an alert, at most once per `everyMinutes`. */
  alert?: { after: number; everyMinutes: number };
}

/** A key and its policy, e.g. limit(`ip:${ip}`, IP_POLICY). */
export interface Limit {
  key: string;
  policy: ThrottlePolicy;
}
export const limit = (key: string, policy: ThrottlePolicy): Limit => ({ key, policy });

/** The result of `throttle()`. */
export interface Attempt {
  /** false: a key is locked, the secret must not be checked (the attempt changed nothing but the counts) */
  readonly admitted: boolean;
  /** refused: the end of the lock; admitted: the lock this attempt leaves if it fails, or null */
  readonly lockedUntil: Date | null;
  /** The secret was right: clears or refunds each key, as its policy says. Call only when admitted. */
  succeeded(db: Db): Promise<void>;
  /** The secret was wrong (already counted): the keys whose alert is due now, with their count. */
  failed(db: Db): Promise<{ key: string; failures: number }[]>;
}

/** Sign-in (and FranceConnect link) of a user or an agent, per account and address pair. */
export const ACCOUNT_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'clear' };
/** Every sign-in from one address, whatever the account. */
export const IP_POLICY: ThrottlePolicy = { free: 20, maxLockMinutes: 60, onSuccess: 'refund' };
/** An agent's password tried from anywhere: never locks (the second factor protects the account), tells the agent. */
export const AGENT_WATCH_POLICY: ThrottlePolicy = { free: null, maxLockMinutes: 0, onSuccess: 'refund', alert: { after: 5, everyMinutes: 60 } };
/** An agent's TOTP codes: only whoever typed the right password gets there, so per agent, and the agent is told. */
export const TOTP_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'clear', alert: { after: 5, everyMinutes: 60 } };

/** A bound on the stored counts (they stop growing there; the delay is capped long before). */
const MAX_COUNT = 1_000_000;
/** 2^20 minutes is far beyond any cap: the exponent never goes further, so power() never overflows. */
const MAX_EXPONENT = 20;

/** The lock set by the `failures`-th failure under `policy`, in minutes (0: none). Mirrors the SQL below. */
export function lockMinutes(policy: ThrottlePolicy, failures: number): number {
  if (policy.free === null || failures <= policy.free) return 0;
  return Math.min(policy.maxLockMinutes, 2 ** Math.min(failures - policy.free - 1, MAX_EXPONENT));
}

/**
 * The address as a throttle key: IPv4 as is (also when mapped in IPv6), IPv6 by its /64 prefix,
 * the smallest block a subscriber gets (one person can use all of its addresses).
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** The keys of a password sign-in: the account with this address, and the address alone. */
export function signInLimits(kind: 'account' | 'agent', email: string, ip: string): Limit[] {
  const address = addressKey(ip);
  return [limit(`${kind}:${email.trim().toLowerCase()}|ip:${address}`, ACCOUNT_POLICY), limit(`ip:${address}`, IP_POLICY)];
}

/**
 * Records one attempt on every key, in one statement, and says whether it may be checked: a key
 * locked now refuses it (its `refused` count grows); a key not locked admits it, counts it as a
 * failure and, past `free`, sets its next lock. The attempt is admitted when every key admits it;
 * a key that admitted an attempt refused by another keeps it counted (hammering a locked account
 * from an address uses up that address's allowance).
 */
export async function throttle(db: Db, limits: Limit[]): Promise<Attempt> {
  const byKey = new Map(limits.map((l) => [l.key, l]));
  // Sorted: concurrent statements lock the same rows in the same order (no deadlock on PostgreSQL).
  const keys = [...byKey.keys()].sort();
  const rows = sql.join(keys.map((k) => sql`(${k}::text, ${byKey.get(k)!.policy.free}::int, ${byKey.get(k)!.policy.maxLockMinutes}::int)`));
  // A count plus one, bounded (never an integer overflow, whatever is stored).
  const next = (column: string) => `(least(${column}, ${MAX_COUNT - 1}) + 1)`;
  const lock = (failures: string, free: string, cap: string) =>
    sql.raw(`now() + make_interval(mins => least(${cap}::float8, power(2, least(${failures} - ${free} - 1, ${MAX_EXPONENT})))::int)`);
  const result = await sql<{ key: string; admitted: boolean; failures: number; locked_until: Date | null; locks: boolean }>`
    insert into sign_in_throttle as t (key, failures, last_failure_at, locked_until, free, max_lock_minutes, admitted, refused)
    select v.key, 1, now(), case when v.free < 1 then ${lock('1', 'v.free', 'v.cap')} end, v.free, v.cap, true, 0
    from (values ${rows}) as v (key, free, cap)
    order by v.key
    on conflict (key) do update set
      admitted = t.locked_until is null or t.locked_until <= now(),
      failures = case when t.locked_until > now() then t.failures else ${sql.raw(next('t.failures'))} end,
      refused = case when t.locked_until > now() then ${sql.raw(next('t.refused'))} else t.refused end,
      locked_until = case
        when t.locked_until > now() then t.locked_until
        when ${sql.raw(next('t.failures'))} > excluded.free then ${lock(next('t.failures'), 'excluded.free', 'excluded.max_lock_minutes')}
        else t.locked_until end,
      last_failure_at = now(),
      free = excluded.free,
      max_lock_minutes = excluded.max_lock_minutes
    returning t.key, t.admitted, t.failures, t.locked_until, coalesce(t.locked_until > now(), false) as locks`.execute(db);

  const admitted = result.rows.every((r) => r.admitted);
  const locks = result.rows.filter((r) => (admitted ? r.locks : !r.admitted)).map((r) => r.locked_until!.getTime());
  const lockedUntil = locks.length ? new Date(Math.max(...locks)) : null;

  return {
    admitted,
    lockedUntil,
    async succeeded(trx) {
      if (!admitted) throw new Error('throttle: succeeded() on a refused attempt');
      const clear = keys.filter((k) => byKey.get(k)!.policy.onSuccess === 'clear');
      const refund = keys.filter((k) => byKey.get(k)!.policy.onSuccess === 'refund');
      if (clear.length) await trx.deleteFrom('sign_in_throttle').where('key', 'in', clear).execute();
      // The lock this attempt set in advance goes with it (no other attempt was admitted past `free` meanwhile).
      if (refund.length)
        await trx
          .updateTable('sign_in_throttle')
          .set({ failures: sql<number>`greatest(failures - 1, 0)`, locked_until: null })
          .where('key', 'in', refund)
          .execute();
    },
    async failed(trx) {
      const alerting = keys.filter((k) => byKey.get(k)!.policy.alert);
      const due: { key: string; failures: number }[] = [];
      for (const key of alerting) {
        const { after, everyMinutes } = byKey.get(key)!.policy.alert!;
        const row = await sql<{ failures: number }>`
          update sign_in_throttle set alerted_at = now()
          where key = ${key} and failures >= ${after}
            and (alerted_at is null or alerted_at <= now() - make_interval(mins => ${everyMinutes}::int))
          returning failures`.execute(trx);
        if (row.rows[0]) due.push({ key, failures: row.rows[0].failures });
      }
      return due;
    },
  };
}

/** Forgets every key that starts with `prefix` (a password reset: the account's pairs with any address). */
export async function forgetKeys(db: Db, prefix: string): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where(sql<boolean>`starts_with(key, ${prefix})`).execute();
}

/** Old entries are forgotten after a day without attempt. */
export async function purgeThrottle(db: Db): Promise<void> {
  await db.deleteFrom('sign_in_throttle').where('last_failure_at', '<', sql<Date>`now() - interval '1 day'`).execute();
}
