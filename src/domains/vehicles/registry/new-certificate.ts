import { randomBytes, randomInt } from 'node:crypto';
import type { Db } from '../../../platform/db/database.ts';
import { queueLetter } from '../../../platform/letters/letters.ts';
import { queueMessage } from '../../../platform/mail/messages.ts';
import { holderAddress } from './holder-address.ts';
import { applyTransition } from '../procedures/transitions.ts';
import { hashConfidentialCode, newConfidentialCode } from '../confidential-code/code.ts';
import { characteristicsOf } from './characteristics.ts';
import { VehicleSold } from './sold.ts';
import type { CpiContent } from '../procedures/documents.ts';
import type { Updateable } from 'kysely';
import type { VehiclesTable } from '../tables.ts';

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
 * formule (the vehicle's other changes passed in `changes`), a new confidential code keyed to it
 * and sent with the certificate (letter to the holder's address; email to the holder's own account,
 * with the code when that account is certified), and the CPI (one month, France only) issued. An
 * FNI vehicle gets a new SIV plate unless the caller gives one (every procedure, duplicate included).
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
    /** for the link of the email to the holder's account */
    publicUrl?: string;
  },
): Promise<string> {
  const certificate = `${new Date().getFullYear()}${letter()}${letter()}${String(randomInt(0, 100_000)).padStart(5, '0')}`;
  // An old-format (FNI) vehicle leaves the FNI with any new certificate: a SIV number for life.
  const changes = { ...opts.changes };
  if (changes.plate === undefined) {
    const current = await trx.selectFrom('vehicles').select('plate_kind').where('id', '=', opts.vehicle.id).executeTakeFirstOrThrow();
    if (current.plate_kind === 'fni') Object.assign(changes, { plate: await newSivPlate(trx), plate_kind: 'siv' as const });
  }
  const plate = changes.plate ?? opts.vehicle.plate;
  // the theft recorded in the SIV was the old certificate's: the new one is not stolen
  // A vehicle declared sold gets a new certificate only for its buyer (the change of holder clears
  // `sold_at`); for anyone else the write applies only while it is unsold (a sale confirmed
  // meanwhile, in another tab, stops it: the caller's whole transaction rolls back).
  let update = trx
    .updateTable('vehicles')
    .set({ ...changes, certificate_number: certificate, certificate_date: new Date().toISOString().slice(0, 10), address_changes_since_siv: 0, certificate_theft_recorded_on: null })
    .where('id', '=', opts.vehicle.id);
  if (changes.sold_at !== null) update = update.where('sold_at', 'is', null);
  const written = await update.executeTakeFirst();
  if (Number(written.numUpdatedRows) !== 1) throw new VehicleSold();
  await endFormerPossession(trx, { vehicleId: opts.vehicle.id, keepProcedureId: opts.procedure.id, publicUrl: opts.publicUrl ?? '' });
  const code = newConfidentialCode();
  await trx
    .updateTable('confidential_codes')
    .set({ certificate_number: certificate, code_hash: hashConfidentialCode(secret, opts.vehicle.id, certificate, code), issued_at: new Date(), failed_attempts: 0, locked_until: null, code_letter_at: new Date(), previous_code_hash: null, previous_valid_until: null })
    .where('vehicle_id', '=', opts.vehicle.id)
    .execute();
  await sendNewCode(trx, { vehicleId: opts.vehicle.id, plate, certificate, code, procedureId: opts.procedure.id, fileNumber: opts.procedure.fileNumber, publicUrl: opts.publicUrl ?? '' });
  const issuedAt = new Date();
  const row = await trx.selectFrom('vehicles').selectAll().where('id', '=', opts.vehicle.id).executeTakeFirstOrThrow();
  const coHolders = await trx
    .selectFrom('vehicle_co_holders')
    .innerJoin('vehicle_holders', 'vehicle_holders.id', 'vehicle_co_holders.holder_id')
    .select(['kind', 'given_names', 'birth_name', 'company_name'])
    .where('vehicle_co_holders.vehicle_id', '=', opts.vehicle.id)
    .orderBy('vehicle_holders.id')
    .execute();
  const content: CpiContent = {
    fileNumber: opts.procedure.fileNumber,
    plate,
    vin: opts.vehicle.vin,
    category: opts.vehicle.category,
    holder: opts.holder,
    address: opts.address,
    issuedAt: issuedAt.toISOString(),
    validUntil: new Date(issuedAt.getTime() + CPI_VALID_DAYS * 86_400_000).toISOString(),
    vehicle: characteristicsOf(row),
    firstRegistrationDate: row.first_registration_date.toISOString().slice(0, 10),
    certificateNumber: certificate,
    coHolders: coHolders.map((h) => (h.kind === 'natural' ? `${h.given_names ?? ''} ${h.birth_name ?? ''}`.trim() : (h.company_name ?? ''))),
  };
  await trx.insertInto('issued_documents').values({ token: randomBytes(16).toString('base64url'), kind: 'cpi', procedure_id: opts.procedure.id, plate, content: JSON.stringify(content) }).execute();
  return certificate;
}

/**
 * What the other procedures of the vehicle had proven (the code of the former certificate, or the
 * former holder's identity) proves nothing any more: the open ones are closed (superseded, their
 * owners told), and none of them, open or finished, shows the vehicle's holder again. Without this,
 * a seller's procedure opened before the sale went on after it, on the buyer's vehicle.
 */
async function endFormerPossession(trx: Db, o: { vehicleId: number; keepProcedureId: number; publicUrl: string }): Promise<void> {
  const open = await trx
    .selectFrom('vehicle_procedures')
    .select(['id', 'status', 'account_id', 'file_number', 'kind'])
    .where('vehicle_id', '=', o.vehicleId)
    .where('id', '!=', o.keepProcedureId)
    .where('status', 'in', ['in_progress', 'awaiting_review', 'to_complete', 'awaiting_payment'])
    .forUpdate()
    .execute();
  for (const p of open)
    await applyTransition(trx, { publicUrl: o.publicUrl }, p, 'superseded', { kind: 'system', id: null, ip: null }, { set: { code_verified: false, claimed: false }, details: { reason: 'new_certificate', by_procedure: o.keepProcedureId } });
  await trx.updateTable('vehicle_procedures').set({ code_verified: false }).where('vehicle_id', '=', o.vehicleId).where('id', '!=', o.keepProcedureId).where('code_verified', '=', true).execute();
}

/** The letter that carries the new certificate and its code, and the email to the holder's own account. */
async function sendNewCode(trx: Db, o: { vehicleId: number; plate: string; certificate: string; code: string; procedureId: number; fileNumber: string; publicUrl: string }): Promise<void> {
  const vehicle = await trx.selectFrom('vehicles').select('holder_id').where('id', '=', o.vehicleId).executeTakeFirstOrThrow();
  const holder = await trx.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
  const what = `Le code confidentiel du véhicule ${o.plate} est : ${o.code}`;
  await queueLetter(trx, {
    recipient: holderAddress(holder),
    subject: `Votre certificat d’immatriculation ${o.plate} et son code confidentiel`,
    body: `Madame, Monsieur,\n\nVous trouverez ci-joint le certificat d’immatriculation du véhicule ${o.plate} (numéro de formule ${o.certificate}).\n\n${what}\n\nIl remplace le code précédent et vous sera demandé pour les démarches en ligne sur ce véhicule si vous ne vous connectez pas avec FranceConnect. Conservez-le à part du certificat.\n\nL’Agence nationale des titres sécurisés`,
    vehicleId: o.vehicleId,
  });
  const account = holder.account_id ? await trx.selectFrom('accounts').select(['id', 'email', 'certified']).where('id', '=', holder.account_id).where('status', '=', 'active').executeTakeFirst() : undefined;
  if (!account) return;
  const procedure = await trx.selectFrom('vehicle_procedures').select('account_id').where('id', '=', o.procedureId).executeTakeFirst();
  const addressed = { accountId: account.id, link: `${o.publicUrl}${procedure?.account_id === account.id ? `/vehicules/demandes/${o.fileNumber}` : '/vehicules'}` };
  await queueMessage(
    trx,
    account.certified
      ? { ...addressed, channel: 'email', to: account.email, subject: `Le code confidentiel de votre nouveau certificat (${o.plate})`, text: `Bonjour,\n\nUn nouveau certificat d’immatriculation est délivré pour le véhicule ${o.plate}.\n\n${what}\n\nIl remplace le code précédent. Il vous est aussi envoyé par courrier avec la carte grise.` }
      : {
          ...addressed,
          channel: 'email',
          to: account.email,
          subject: `Le code confidentiel de votre nouveau certificat vous est envoyé par courrier (${o.plate})`,
          text: `Bonjour,\n\nUn nouveau certificat d’immatriculation est délivré pour le véhicule ${o.plate}. Son code confidentiel, qui remplace le précédent, est dans le courrier qui accompagne la carte grise. Votre compte n’étant pas certifié, il ne vous est pas envoyé par courriel ; connecté avec FranceConnect, vous n’en avez pas besoin pour vos propres véhicules.`,
        },
  );
}
