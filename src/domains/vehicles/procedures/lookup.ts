import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { ProcedureKind, ProcedureStatus, Vehicle } from '../tables.ts';

/** The account's own procedure with this file number (another account's looks unknown). */
export const ownProcedure = (db: Db, account: Account, fileNumber: string) =>
  db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();

/** The vehicle's current holder, as the registry knows it. */
export const holderOf = (db: Db, vehicle: Pick<Vehicle, 'holder_id'>) => db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();

/** The statuses in which a procedure that proved possession holds its vehicle's slot (the unique index of migration 0014). */
export const SLOT_STATUSES: readonly ProcedureStatus[] = ['in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment'];

/** The account's own procedure of this kind that holds the vehicle's slot, if any. */
export const ownOpenProcedure = (db: Db, account: Pick<Account, 'id'>, vehicleId: number, kind: ProcedureKind) =>
  db
    .selectFrom('vehicle_procedures')
    .select('file_number')
    .where('account_id', '=', account.id)
    .where('vehicle_id', '=', vehicleId)
    .where('kind', '=', kind)
    .where('claimed', '=', true)
    .where('status', 'in', SLOT_STATUSES)
    .executeTakeFirst();
