import type { Db } from '../../../platform/db/database.ts';
import type { Config } from '../../../config.ts';
import { SYSTEM, type Actor } from '../../../platform/audit.ts';
import { canApply } from '../procedures/model.ts';
import { applyTransition } from '../procedures/transitions.ts';
import type { ProcedureKind, VehicleProcedure } from '../tables.ts';

/**
 * A vehicle declared sold (`vehicles.sold_at` set) belongs, for the registry, to the buyer who has
 * not yet asked for the change of holder: its seller may no longer sell it again, ask a duplicate
 * or change the address of its certificate. Only the buyer's change of holder (which clears
 * `sold_at`) moves it on. Told only to whoever has proven possession (the code, or the holder's
 * certified identity): the others learn nothing about the vehicle before the code.
 */
export const REFUSED_ONCE_SOLD = {
  sale_declaration: 'Ce véhicule a déjà été déclaré vendu : une nouvelle déclaration de cession n’est pas possible. Si l’acheteur ne fait pas sa demande, contactez l’agence.',
  duplicate:
    'Ce véhicule a été déclaré vendu : son ancien titulaire ne peut plus en demander le duplicata. Le nouveau certificat sera établi au nom de l’acheteur, lors de son changement de titulaire ; si l’acheteur ne le demande pas, contactez l’agence.',
  address_change:
    'Ce véhicule a été déclaré vendu : son ancien titulaire ne peut plus changer l’adresse de sa carte grise. L’adresse de l’acheteur sera inscrite lors de son changement de titulaire ; si l’acheteur ne le demande pas, contactez l’agence.',
} as const satisfies Partial<Record<ProcedureKind, string>>;

/** Why a procedure of this kind cannot go on with this vehicle (declared sold), or null. */
export function soldRefusal(kind: ProcedureKind, vehicle: { sold_at: Date | null }): string | null {
  return vehicle.sold_at && kind in REFUSED_ONCE_SOLD ? REFUSED_ONCE_SOLD[kind as keyof typeof REFUSED_ONCE_SOLD] : null;
}

/** The same, read from the registry now. */
export async function soldRefusalNow(db: Db, kind: ProcedureKind, vehicleId: number | null): Promise<string | null> {
  if (vehicleId === null || !(kind in REFUSED_ONCE_SOLD)) return null;
  const v = await db.selectFrom('vehicles').select('sold_at').where('id', '=', vehicleId).executeTakeFirst();
  return v ? soldRefusal(kind, v) : null;
}

/** Thrown inside a paid procedure's transaction when the vehicle was declared sold meanwhile: nothing it wrote is kept. */
export class VehicleSold extends Error {
  constructor() {
    super('vehicle sold');
  }
}

/**
 * The final write's guard, first in the transaction that issues a new certificate or changes the
 * registry for the seller: the vehicle row is locked only if it is still unsold (a sale confirmed
 * at the same time waits, or is seen). Returns false when the vehicle is declared sold.
 */
export async function lockUnsold(trx: Db, vehicleId: number): Promise<boolean> {
  const r = await trx.updateTable('vehicles').set({ sold_at: null }).where('id', '=', vehicleId).where('sold_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Closes a request the sale made impossible (the system's move, its owner told by email): used by a
 * paid request's finalizer that found the vehicle sold, and after a sale for the seller's other requests.
 */
export async function closeAsSold(trx: Db, config: Pick<Config, 'publicUrl'>, p: Pick<VehicleProcedure, 'id' | 'status' | 'account_id' | 'file_number' | 'kind'>, details: Record<string, unknown> = {}): Promise<boolean> {
  const moved = await applyTransition(trx, config, p, 'vehicle_sold', SYSTEM, { set: { claimed: false }, details });
  return moved.ok;
}

/**
 * At the user's own step (a form posted, « Payer »): a request whose vehicle is now declared sold is
 * refused and abandoned (it can never go on; it does not stay among the drafts). Returns the
 * message to show, or null when the request may go on.
 */
export async function refuseIfSold(db: Db, config: Pick<Config, 'publicUrl'>, p: VehicleProcedure, actor: Actor): Promise<string | null> {
  const refusal = await soldRefusalNow(db, p.kind, p.vehicle_id);
  if (!refusal) return null;
  if (canApply(p.status, 'sold_refused', { kind: p.kind, by: actor.kind === 'user' ? 'user' : undefined }))
    await db.transaction().execute((trx) => applyTransition(trx, config, p, 'sold_refused', actor, { set: { claimed: false }, details: { reason: 'vehicle_sold' } }));
  return refusal;
}

/**
 * After a sale: the other open requests on the vehicle that the sale made impossible (a duplicate,
 * a change of address) are closed, their owners told. Each in its own short transaction, after the
 * sale's (never holding the vehicle's row while waiting for a request's: a payment being recorded
 * for one of them refuses itself on the vehicle's row, lockUnsold).
 */
export async function closeRequestsEndedBySale(db: Db, config: Pick<Config, 'publicUrl'>, vehicleId: number, saleProcedureId: number): Promise<void> {
  const open = await db
    .selectFrom('vehicle_procedures')
    .select(['id', 'status', 'account_id', 'file_number', 'kind'])
    .where('vehicle_id', '=', vehicleId)
    .where('id', '!=', saleProcedureId)
    .where('kind', 'in', ['duplicate', 'address_change', 'sale_declaration'])
    .where('status', 'in', ['in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment'])
    .execute();
  for (const p of open) await db.transaction().execute((trx) => closeAsSold(trx, config, p, { at: 'sale', by_procedure: saleProcedureId }));
}
