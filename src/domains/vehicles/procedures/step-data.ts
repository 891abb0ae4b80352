import type { Updateable } from 'kysely';
import type { Db } from '../../../platform/db/database.ts';
import type { ProcedureStatus, VehicleProcedure, VehicleProceduresTable } from '../tables.ts';

/** The one status in which the user's steps may change a procedure's answers. */
export const EDITABLE_STATUS = 'in_progress' satisfies ProcedureStatus;

/**
 * A step's answers were not written: the procedure left the status they belong to (filed by a
 * « Confirmer » in another tab, at the same moment). The web layer answers with the procedure's
 * page, which shows the filed request (src/web/error-pages.tsx); a transaction around it rolls back.
 */
export class ProcedureFiledMeanwhile extends Error {
  constructor(readonly fileNumber: string) {
    super(`procedure ${fileNumber}: step not saved, no longer ${EDITABLE_STATUS}`);
  }
}

/**
 * Writes a step's answers (the procedure's `data`, and what goes with them) in one update that holds
 * only while the procedure is still `status` (the editable one, unless a finalizer says otherwise):
 * a step posted while « Confirmer » moves the status cannot overwrite the filed data. 0 rows: throws.
 */
export async function saveStepData(db: Db, p: Pick<VehicleProcedure, 'id' | 'file_number'>, set: Updateable<VehicleProceduresTable>, status: ProcedureStatus = EDITABLE_STATUS): Promise<void> {
  const res = await db
    .updateTable('vehicle_procedures')
    .set({ ...set, updated_at: new Date() })
    .where('id', '=', p.id)
    .where('status', '=', status)
    .executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) throw new ProcedureFiledMeanwhile(p.file_number);
}
