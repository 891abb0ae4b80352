import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { setKeepingAtMost } from '../bounded-map.ts';

/** Invalid notifications an address may send in a window before it is refused (429) until the window ends. */
export const INVALID_NOTIFICATION_LIMIT = 20;
export const NOTIFICATION_WINDOW_MINUTES = 10;
const CACHE_SIZE = 10_000;

/**
 * Floods of invalid notifications (forged signature, unknown operation, malformed body) cost one
 * counter per address, never a stored row: the count lives in the database (every node sees it);
 * each node caches the addresses it found refused until their window ends, so a refused request
 * costs no query at all.
 */
export function createNotificationLimiter(db: Db, opts: { limit?: number; windowMinutes?: number } = {}) {
  const limit = opts.limit ?? INVALID_NOTIFICATION_LIMIT;
  const minutes = opts.windowMinutes ?? NOTIFICATION_WINDOW_MINUTES;
  const refused = new Map<string, number>(); // address → refused until (this process's clock)

  function remember(ip: string, secondsLeft: number): void {
    setKeepingAtMost(refused, ip, Date.now() + Math.max(0, secondsLeft) * 1000, CACHE_SIZE);
  }

  return {
    /** Seconds until this address may notify again, or 0. */
    async refusedFor(ip: string): Promise<number> {
      const until = refused.get(ip);
      if (until !== undefined) {
        if (until > Date.now()) return Math.ceil((until - Date.now()) / 1000);
        refused.delete(ip);
      }
      const row = await sql<{ left: number }>`
        select ceil(extract(epoch from (window_start + make_interval(mins => ${minutes}) - now())))::int as left
        from payment_notification_limits
        where ip = ${ip} and invalid >= ${limit} and window_start > now() - make_interval(mins => ${minutes})`.execute(db);
      const left = row.rows[0]?.left ?? 0;
      if (left > 0) remember(ip, left);
      return left;
    },

    /** Counts an invalid notification; returns its rank in the address's window (to log only the first ones). */
    async countInvalid(ip: string): Promise<number> {
      const row = await sql<{ invalid: number; left: number }>`
        insert into payment_notification_limits as l (ip, window_start, invalid) values (${ip}, now(), 1)
        on conflict (ip) do update set
          invalid = case when l.window_start <= now() - make_interval(mins => ${minutes}) then 1 else l.invalid + 1 end,
          window_start = case when l.window_start <= now() - make_interval(mins => ${minutes}) then now() else l.window_start end
        returning invalid, ceil(extract(epoch from (window_start + make_interval(mins => ${minutes}) - now())))::int as left`.execute(db);
      const { invalid, left } = row.rows[0]!;
      if (invalid >= limit) remember(ip, left);
      return invalid;
    },

    /** Forgets windows long over (the worker's periodic run). */
    async purge(): Promise<void> {
      await db.deleteFrom('payment_notification_limits').where('window_start', '<', sql<Date>`now() - interval '1 day'`).execute();
    },

    limit,
  };
}
export type NotificationLimiter = ReturnType<typeof createNotificationLimiter>;
