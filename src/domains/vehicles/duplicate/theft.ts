import type { Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import { parisDay } from '../../../platform/time.ts';
import { recordCertificateTheft } from '../registry/registry.ts';
import type { VehicleProcedure } from '../tables.ts';
import type { DuplicateState } from './model.ts';

/**
 * The instruction centre accepted the police report of a duplicate after a theft: the theft of the
 * certificate is recorded in the registry (SIV) from today (Paris), audited, in the decision's
 * transaction. Nothing for another procedure, another reason, or a theft the SIV already recorded.
 */
export async function recordAcceptedTheft(trx: Db, p: Pick<VehicleProcedure, 'kind' | 'data' | 'vehicle_id' | 'file_number'>, actor: Actor): Promise<boolean> {
  if (p.kind !== 'duplicate' || p.vehicle_id === null) return false;
  const state = (p.data as { duplicate?: DuplicateState }).duplicate;
  if (state?.reason !== 'theft' || state.theftRecordedOn) return false;
  return recordCertificateTheft(trx, p.vehicle_id, parisDay(new Date()), actor, { procedure: p.file_number });
}
