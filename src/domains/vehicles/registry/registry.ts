import { audit, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import { hashConfidentialCode } from '../confidential-code/code.ts';
import type { EncumbranceKind } from '../tables.ts';

/** A vehicle as registered in the SIV, with its holder: what the demo data and the CSV import insert. */
export interface RegistryEntry {
  plate: string;
  plateKind: 'siv' | 'fni';
  vin: string;
  certificateNumber: string | null;
  certificateDate: string;
  firstRegistrationDate: string;
  category: string;
  fiscalPower: number;
  energy: string;
  holder:
    | { kind: 'natural'; birthName: string; usageName?: string; givenNames: string; birthDate: string; birthPlace: string }
    | { kind: 'legal'; companyName: string; siren: string };
  address: { line1: string; line2?: string; postcode: string; commune: string };
  holderEmail?: string;
  accountId?: number | null;
  coHolders?: { birthName: string; givenNames: string; birthDate: string; birthPlace: string }[];
  longTermLease?: boolean;
  previousTitleAddress?: string;
  encumbrances?: { kind: EncumbranceKind; registeredAt: string }[];
  addressChangesSinceSiv?: number;
  /** ISO date the theft of the certificate was recorded in the SIV (police declaration) */
  certificateTheftRecordedOn?: string;
  confidentialCode: string;
  /** what the certificate prints beyond the above (D.1… V.7, migration 0022); absent = null columns */
  characteristics?: RegistryCharacteristics;
}

export interface RegistryCharacteristics {
  brand?: string | null;
  typeVariant?: string | null;
  commercialName?: string | null;
  nationalGenre?: string | null;
  bodyType?: string | null;
  grossWeightKg?: number | null;
  engineCc?: number | null;
  seats?: number | null;
  co2?: number | null;
}

/** The certificate's characteristics (D.1, D.2, D.3, J.1, J.3, F.2, P.1, S.1, V.7) as vehicles columns; the registry and the CSV import write them alike. */
export function characteristicsColumns(c: RegistryCharacteristics | undefined) {
  return {
    brand: c?.brand ?? null,
    type_variant: c?.typeVariant ?? null,
    commercial_name: c?.commercialName ?? null,
    national_genre: c?.nationalGenre ?? null,
    body_type: c?.bodyType ?? null,
    gross_weight_kg: c?.grossWeightKg ?? null,
    engine_cc: c?.engineCc ?? null,
    seats: c?.seats ?? null,
    co2_g_km: c?.co2 ?? null,
  };
}

/** The vehicles row of a registry entry; the registry and the batched CSV import insert the same columns. */
export function vehicleRow(e: RegistryEntry, holderId: number) {
  return {
    plate: e.plate,
    plate_kind: e.plateKind,
    vin: e.vin,
    certificate_number: e.certificateNumber,
    certificate_date: e.certificateDate,
    first_registration_date: e.firstRegistrationDate,
    category: e.category,
    fiscal_power: e.fiscalPower,
    energy: e.energy,
    holder_id: holderId,
    long_term_lease: e.longTermLease ?? false,
    previous_title_address: e.previousTitleAddress ?? null,
    address_changes_since_siv: e.addressChangesSinceSiv ?? 0,
    certificate_theft_recorded_on: e.certificateTheftRecordedOn ?? null,
    ...characteristicsColumns(e.characteristics),
  };
}

export async function insertRegistryEntry(db: Db, secret: string, e: RegistryEntry): Promise<number> {
  const holderValues = {
    address_line1: e.address.line1,
    address_line2: e.address.line2 ?? null,
    postcode: e.address.postcode,
    commune: e.address.commune,
    email: e.holderEmail ?? null,
    account_id: e.accountId ?? null,
  };
  const holder = await db
    .insertInto('vehicle_holders')
    .values(
      e.holder.kind === 'natural'
        ? {
            kind: 'natural',
            birth_name: e.holder.birthName,
            usage_name: e.holder.usageName ?? null,
            given_names: e.holder.givenNames,
            birth_date: e.holder.birthDate,
            birth_place: e.holder.birthPlace,
            ...holderValues,
          }
        : { kind: 'legal', company_name: e.holder.companyName, siren: e.holder.siren, ...holderValues },
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  const vehicle = await db
    .insertInto('vehicles')
    .values(vehicleRow(e, holder.id))
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const co of e.coHolders ?? []) {
    const coHolder = await db
      .insertInto('vehicle_holders')
      .values({ kind: 'natural', birth_name: co.birthName, given_names: co.givenNames, birth_date: co.birthDate, birth_place: co.birthPlace, ...holderValues, account_id: null, email: null })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('vehicle_co_holders').values({ vehicle_id: vehicle.id, holder_id: coHolder.id }).execute();
  }
  for (const enc of e.encumbrances ?? []) {
    await db.insertInto('vehicle_encumbrances').values({ vehicle_id: vehicle.id, kind: enc.kind, registered_at: enc.registeredAt }).execute();
  }
  await db
    .insertInto('confidential_codes')
    .values({ vehicle_id: vehicle.id, certificate_number: e.certificateNumber, code_hash: hashConfidentialCode(secret, vehicle.id, e.certificateNumber, e.confidentialCode) })
    .execute();
  return vehicle.id;
}

/**
 * The SIV records the theft of a vehicle's certificate on `day` (ISO date): the instruction centre
 * accepted the police report of a duplicate. Once only (a theft already recorded keeps its date);
 * audited in the caller's transaction. Returns whether it was written.
 */
export async function recordCertificateTheft(trx: Db, vehicleId: number, day: string, actor: Actor, details: Record<string, unknown>): Promise<boolean> {
  const res = await trx.updateTable('vehicles').set({ certificate_theft_recorded_on: day }).where('id', '=', vehicleId).where('certificate_theft_recorded_on', 'is', null).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return false;
  await audit(trx, actor, 'vehicle.certificate_theft_recorded', { kind: 'vehicle', id: vehicleId }, { recorded_on: day, ...details });
  return true;
}
