import { randomInt } from 'node:crypto';
import { audit, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../../accounts/service.ts';
import type { VehicleDeps } from '../deps.ts';
import { checkPlate } from '../registry/identifiers.ts';
import { soldRefusal } from '../registry/sold.ts';
import { alreadyOpen, alreadyOpenOwn, holderChangeRefusal, holderLink, isOpenSlotTaken, NOT_AVAILABLE } from '../registry/ownership.ts';
import type { ProcedureKind } from '../tables.ts';
import { holderOf, ownOpenProcedure } from './lookup.ts';
import { newFileNumber, startSchema } from './model.ts';
import { PROCEDURE_LABELS, requirementsFor } from './requirements.ts';

/** Starting a vehicle procedure: "Ajouter une demande" (the slides' matrix) and the complementary request. */

/** A start refused because this account already has this procedure open on the vehicle: the file to resume. */
export type StartOutcome = Outcome<{ fileNumber: string }> | { ok: false; errors: FieldErrors; resume: string };

/** "Ajouter une demande": who for, which plate; applies the slides' matrix. */
export async function startProcedure(deps: Pick<VehicleDeps, 'db'>, account: Account, input: Record<string, unknown>, actor: Actor): Promise<StartOutcome> {
  const { db } = deps;
  if (input.kind === 'complementary') return startComplementary(db, account, input, actor);
  const parsed = startSchema.safeParse(input);
  const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error);
  const plate = checkPlate(String(input.plate ?? ''));
  if (!plate.ok) errors.plate = plate.message;
  if (!parsed.success || !plate.ok || Object.keys(errors).length) return { ok: false, errors };
  const { kind, initiator } = parsed.data;
  const accountKind = account.certified ? 'certified' : 'ants';
  const needs = requirementsFor(kind, accountKind, initiator);
  if (!needs) return { ok: false, errors: { kind: 'Le changement de titulaire est réservé aux comptes certifiés : connectez-vous avec FranceConnect' } };
  const vehicle = await db.selectFrom('vehicles').selectAll().where('plate', '=', plate.plate).executeTakeFirst();
  if (!vehicle) return { ok: false, errors: { plate: NOT_AVAILABLE } };
  const holder = await holderOf(db, vehicle);
  const link = await holderLink(db, account, holder);
  // "Pour moi-même" means "I am the holder" — except for a change of holder, where I am the buyer.
  const refusal = kind === 'holder_change' ? holderChangeRefusal(account, link, initiator) : null;
  if (refusal) return { ok: false, errors: { plate: refusal } };
  const asHolder = kind !== 'holder_change' && initiator === 'self';
  if (asHolder && !link) return { ok: false, errors: { plate: NOT_AVAILABLE } };
  // A holder whose identity is only declared (uncertified account) proves possession by the code.
  const needsCode = needs.confidentialCode || (asHolder && link !== 'proven');
  // Sold, opposition: told only to whoever has proven possession; the others learn it after the code.
  // A vehicle declared sold admits no new sale, duplicate or change of address from its seller (registry/sold.ts).
  const sold = needsCode ? null : soldRefusal(kind, vehicle);
  if (sold) return { ok: false, errors: { plate: sold } };
  if (kind === 'sale_declaration' && !needsCode) {
    const blocking = await db.selectFrom('vehicle_encumbrances').select('kind').where('vehicle_id', '=', vehicle.id).where('lifted_at', 'is', null).where('kind', '!=', 'gage').executeTakeFirst();
    if (blocking) return { ok: false, errors: { plate: 'Une opposition au transfert du certificat d’immatriculation (OTCI) empêche la vente de ce véhicule tant qu’elle n’est pas levée' } };
  }
  return createProcedure(db, account, input, actor, {
    kind,
    initiator,
    vehicleId: vehicle.id,
    needsCode,
    // possession proven at once (the holder's certified account): the procedure holds the vehicle's slot
    claimed: !needsCode && kind !== 'holder_change',
    data: { requirements: { ...needs, confidentialCode: needsCode } },
    audited: { kind, initiator, plate: vehicle.plate },
  });
}

/** "Je souhaite faire une autre demande" (TPC): certified accounts only; the plate, if any, comes in part 1. */
async function startComplementary(db: Db, account: Account, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
  const initiator = input.initiator === 'self' || input.initiator === 'other' ? input.initiator : null;
  if (!account.certified) return { ok: false, errors: { kind: 'La téléprocédure complémentaire est réservée aux comptes certifiés : connectez-vous avec FranceConnect' } };
  if (!initiator) return { ok: false, errors: { initiator: 'Indiquez pour qui vous faites la démarche' } };
  return createProcedure(db, account, input, actor, {
    kind: 'complementary',
    initiator,
    vehicleId: null,
    needsCode: false,
    data: { tpc: { step: 'category' } },
    audited: { kind: 'complementary', initiator },
  });
}


/**
 * A new procedure, once per idempotency key (a double click on "Commencer la démarche" returns
 * the same file): a file number, the row, the audit entry, in one transaction.
 */
async function createProcedure(
  db: Db,
  account: Account,
  input: Record<string, unknown>,
  actor: Actor,
  p: { kind: ProcedureKind; initiator: 'self' | 'other'; vehicleId: number | null; needsCode: boolean; claimed?: boolean; data: Record<string, unknown>; audited: Record<string, unknown> },
): Promise<StartOutcome> {
  const key = typeof input.idempotency_key === 'string' && input.idempotency_key ? input.idempotency_key.slice(0, 64) : null;
  const earlier = () =>
    key ? db.selectFrom('vehicle_procedures').select('file_number').where('account_id', '=', account.id).where('idempotency_key', '=', key).executeTakeFirst() : undefined;
  const before = await earlier(); // one index lookup (account_id, idempotency_key)
  if (before) return { ok: true, value: { fileNumber: before.file_number } };
  // The account's own procedure of this kind already holds the vehicle: say so before any file is
  // created, with the way back to it (it is theirs: nothing is told about somebody else's).
  const mine = p.vehicleId === null ? undefined : await ownOpenProcedure(db, account, p.vehicleId, p.kind);
  if (mine) return { ok: false, errors: { plate: alreadyOpenOwn(PROCEDURE_LABELS[p.kind], mine.file_number) }, resume: mine.file_number };
  const fileNumber = newFileNumber(randomInt);
  const created = await db.transaction().execute(async (trx) => {
    // Two submits at once: the unique index makes the second wait for the first and insert nothing.
    const row = await trx
      .insertInto('vehicle_procedures')
      .values({
        file_number: fileNumber,
        account_id: account.id,
        kind: p.kind,
        initiator: p.initiator,
        vehicle_id: p.vehicleId,
        status: p.needsCode ? 'awaiting_code' : 'in_progress',
        code_verified: !p.needsCode,
        claimed: p.claimed ?? false,
        data: JSON.stringify(p.data),
        idempotency_key: key,
        updated_at: new Date(),
      })
      .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!row) return 'replayed' as const;
    await audit(trx, actor, 'vehicle_procedure.started', { kind: 'vehicle_procedure', id: row.id }, p.audited);
    return 'created' as const;
  }).catch((error: unknown) => {
    if (isOpenSlotTaken(error)) return 'slot_taken' as const;
    throw error;
  });
  if (created === 'slot_taken') {
    // the same form submitted twice at once may also meet its own first request's slot
    const first = await earlier();
    if (first) return { ok: true, value: { fileNumber: first.file_number } };
    return { ok: false, errors: { plate: alreadyOpen(PROCEDURE_LABELS[p.kind]) } };
  }
  if (created === 'replayed') return { ok: true, value: { fileNumber: (await earlier())!.file_number } };
  return { ok: true, value: { fileNumber } };
}

