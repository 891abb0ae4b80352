import { audit, SYSTEM, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { sharedRead } from '../../platform/shared-read.ts';
import { maintenanceStateAt, noticeInput, type MaintenanceState, type Notice } from './maintenance-model.ts';
import * as repo from './maintenance-repository.ts';

/**
 * Reads the maintenance state for every request. The notices are cached `cacheSeconds` per process
 * (every node converges within that delay), read once when many requests find them expired together;
 * the state itself is recomputed from them at each call.
 * Scheduling and cancelling are audited (by an agent from the back office, by `system` from the command).
 */
export function createMaintenanceService(db: Db, cacheSeconds: number) {
  // the notices kept by the app clock (a test moves it), read once by the requests that find them expired together
  const kept = sharedRead(() => repo.listCurrentAndFutureNotices(db), cacheSeconds * 1000, () => Date.now());
  const notices = (): Promise<Notice[]> => (cacheSeconds > 0 ? kept.get() : repo.listCurrentAndFutureNotices(db));

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
      kept.forget();
      return notice;
    },
    async cancel(id: number, actor: Actor = SYSTEM): Promise<boolean> {
      const done = await db.transaction().execute(async (trx) => {
        if (!(await repo.cancelNotice(trx, id))) return false;
        await audit(trx, actor, 'maintenance.cancelled', { kind: 'maintenance_notice', id });
        return true;
      });
      kept.forget();
      return done;
    },
    list: () => repo.listCurrentAndFutureNotices(db),
    find: (id: number) => repo.findCurrentOrFutureNotice(db, id),
  };
}
export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
