import { audit, SYSTEM, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { maintenanceStateAt, noticeInput, type MaintenanceState, type Notice } from './maintenance-model.ts';
import * as repo from './maintenance-repository.ts';

/**
 * Reads the maintenance state for every request. The notices are cached `cacheSeconds` per process
 * (every node converges within that delay), read once when many requests find them expired together;
 * the state itself is recomputed from them at each call.
 * Scheduling and cancelling are audited (by an agent from the back office, by `system` from the command).
 */
export function createMaintenanceService(db: Db, cacheSeconds: number) {
  let cached: { at: number; notices: Notice[] } | null = null;
  /** the read in progress: the requests that find the cache expired together share it (a node at peak reads once, not once per request) */
  let reading: Promise<Notice[]> | null = null;

  async function notices(): Promise<Notice[]> {
    const now = Date.now();
    if (cached && cacheSeconds > 0 && now - cached.at < cacheSeconds * 1000) return cached.notices;
    if (cacheSeconds <= 0) return repo.listCurrentAndFutureNotices(db);
    reading ??= repo.listCurrentAndFutureNotices(db).then(
      (fresh) => {
        cached = { at: now, notices: fresh };
        reading = null;
        return fresh;
      },
      (error: unknown) => {
        reading = null;
        throw error;
      },
    );
    return reading;
  }

  return {
    async state(now = new Date()): Promise<MaintenanceState> {
      return maintenanceStateAt(await notices(), now);
    },
    async schedule(input: unknown, actor: Actor = SYSTEM): Promise<Notice> {
      const parsed = noticeInput.parse(input);
      const notice = await db.transaction().execute(async (trx) => {
        const created = await repo.insertNotice(trx, parsed);
        await audit(trx, actor, 'maintenance.scheduled', { kind: 'maintenance_notice', id: created.id }, {
          kind: created.kind,
          starts_at: created.startsAt.toISOString(),
          ends_at: created.endsAt.toISOString(),
          by: parsed.createdBy,
        });
        return created;
      });
      cached = null;
      reading = null;
      return notice;
    },
    async cancel(id: number, actor: Actor = SYSTEM): Promise<boolean> {
      const done = await db.transaction().execute(async (trx) => {
        if (!(await repo.cancelNotice(trx, id))) return false;
        await audit(trx, actor, 'maintenance.cancelled', { kind: 'maintenance_notice', id });
        return true;
      });
      cached = null;
      reading = null;
      return done;
    },
    list: () => repo.listCurrentAndFutureNotices(db),
    find: (id: number) => repo.findCurrentOrFutureNotice(db, id),
  };
}
export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
