import type { Db } from '../../platform/db/database.ts';
import { maintenanceStateAt, noticeInput, type MaintenanceState, type Notice } from './maintenance-model.ts';
import * as repo from './maintenance-repository.ts';

/**
 * Reads the maintenance state for every request. The notices are cached `cacheSeconds` per process
 * (every node converges within that delay); the state itself is recomputed from them at each call.
 */
export function createMaintenanceService(db: Db, cacheSeconds: number) {
  let cached: { at: number; notices: Notice[] } | null = null;

  async function notices(): Promise<Notice[]> {
    const now = Date.now();
    if (cached && cacheSeconds > 0 && now - cached.at < cacheSeconds * 1000) return cached.notices;
    const fresh = await repo.listCurrentAndFutureNotices(db);
    cached = { at: now, notices: fresh };
    return fresh;
  }

  return {
    async state(now = new Date()): Promise<MaintenanceState> {
      return maintenanceStateAt(await notices(), now);
    },
    async schedule(input: unknown): Promise<Notice> {
      const notice = await repo.insertNotice(db, noticeInput.parse(input));
      cached = null;
      return notice;
    },
    async cancel(id: number): Promise<boolean> {
      const done = await repo.cancelNotice(db, id);
      cached = null;
      return done;
    },
    list: () => repo.listCurrentAndFutureNotices(db),
  };
}
export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
