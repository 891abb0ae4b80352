import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../../platform/db/database.ts';
import { hashConfidentialCode, newConfidentialCode } from './confidential-code.ts';
import type { CpiContent } from './documents.ts';
import type { Updateable } from 'kysely';
import type { VehiclesTable } from './tables.ts';

const LETTERS = 'ABCDEFGHJKLMNPQRSTVWXYZ'; // no I, O, U
const letter = () => LETTERS[randomInt(LETTERS.length)]!;
export const CPI_VALID_DAYS = 30;

/** A free SIV plate (never SS, never WW on the left), for an FNI vehicle that gets a new certificate. */
export async function newSivPlate(trx: Db): Promise<string> {
  for (;;) {
    const left = `${letter()}${letter()}`;
    const right = `${letter()}${letter()}`;
    if (left === 'SS' || left === 'WW' || right === 'SS') continue;
    const plate = `${left}-${String(randomInt(1, 1000)).padStart(3, '0')}-${right}`;
    if (!(await trx.selectFrom('vehicles').select('id').where('plate', '=', plate).executeTakeFirst())) return plate;
  }
}

/**
 * A new certificate for a vehicle, in the caller's transaction (a paid procedure): a new numéro de
 * formule (the vehicle's other changes passed in `changes`), the confidential code re-keyed to it
 * with a fresh value the holder requests online, and the CPI (one month, France only) issued.
 */
export async function issueNewCertificate(
  trx: Db,
  secret: string,
  opts: {
    vehicle: { id: number; plate: string; vin: string; category: string };
    procedure: { id: number; fileNumber: string };
    holder: string;
    address: string[];
    changes: Pick<Updateable<VehiclesTable>, 'plate' | 'plate_kind' | 'holder_id' | 'sold_at' | 'long_term_lease' | 'previous_title_address'>;
  },
): Promise<string> {
  const certificate = `${new Date().getFullYear()}${letter()}${letter()}${String(randomInt(0, 100_000)).padStart(5, '0')}`;
  const plate = opts.changes.plate ?? opts.vehicle.plate;
  await trx
    .updateTable('vehicles')
    .set({ ...opts.changes, certificate_number: certificate, certificate_date: new Date().toISOString().slice(0, 10), address_changes_since_siv: 0 })
    .where('id', '=', opts.vehicle.id)
    .execute();
  await trx
    .updateTable('confidential_codes')
    .set({ certificate_number: certificate, code_hash: hashConfidentialCode(secret, opts.vehicle.id, certificate, newConfidentialCode()), issued_at: new Date(), failed_attempts: 0, locked_until: null })
    .where('vehicle_id', '=', opts.vehicle.id)
    .execute();
  const issuedAt = new Date();
  const content: CpiContent = {
    fileNumber: opts.procedure.fileNumber,
    plate,
    vin: opts.vehicle.vin,
    category: opts.vehicle.category,
    holder: opts.holder,
    address: opts.address,
    issuedAt: issuedAt.toISOString(),
    validUntil: new Date(issuedAt.getTime() + CPI_VALID_DAYS * 86_400_000).toISOString(),
  };
  await trx.insertInto('issued_documents').values({ token: randomBytes(16).toString('base64url'), kind: 'cpi', procedure_id: opts.procedure.id, plate, content: JSON.stringify(content) }).execute();
  return certificate;
}
