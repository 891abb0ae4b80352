import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account } from '../../platform/db/schema.ts';
import { addressBlock } from '../../platform/letters/address.ts';
import { queueLetter } from '../../platform/letters/letters.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import { formatDateTime } from '../../views/format.ts';
import { unreadCounts } from '../instruction/threads.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../accounts/service.ts';
import { CODE_LOCK_AFTER, CODE_LOCK_HOURS, confidentialCodeMatches, hashConfidentialCode, isCodeShape, newConfidentialCode } from './confidential-code.ts';
import { checkPlate } from './identifiers.ts';
import { canApply, codeRequestSchema, missingIdentityFields, newFileNumber, sameName, startSchema, STATUS_GROUPS } from './model.ts';
import { codeDelivery, PROCEDURE_LABELS, requirementsFor } from './requirements.ts';
import type { IssuedDocumentKind, ProcedureKind, Vehicle, VehicleHolder, VehicleProcedure } from './tables.ts';

const LETTER_SIGNATURE = '\n\nL’Agence nationale des titres sécurisés';

/** Vehicle procedures: starting one, the confidential code (entry, lock, new code by email and letter). */
export function createVehiclesService(deps: { db: Db; config: Config }) {
  const { db, config } = deps;

  const holderOf = (vehicle: Vehicle) => db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();

  /** A certified account acting "for myself" must be the holder: FranceConnect identity or registry link. */
  async function accountIsHolder(account: Account, holder: VehicleHolder): Promise<boolean> {
    if (holder.account_id === account.id) return true;
    const fc = await db.selectFrom('franceconnect_identities').selectAll().where('account_id', '=', account.id).executeTakeFirst();
    if (!fc || holder.kind !== 'natural' || !holder.birth_date) return false;
    return sameName(fc.family_name, holder.birth_name) && sameName(fc.given_name.split(' ')[0]!, holder.given_names!.split(' ')[0]!) && fc.birthdate === holder.birth_date.toISOString().slice(0, 10);
  }

  async function procedureOf(account: Account, fileNumber: string) {
    return db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
  }

  /**
   * A new procedure, once per idempotency key (a double click on "Commencer la démarche" returns
   * the same file): a file number, the row, the audit entry, in one transaction.
   */
  async function createProcedure(
    account: Account,
    input: Record<string, unknown>,
    actor: Actor,
    p: { kind: ProcedureKind; initiator: 'self' | 'other'; vehicleId: number | null; needsCode: boolean; data: Record<string, unknown>; audited: Record<string, unknown> },
  ): Promise<Outcome<{ fileNumber: string }>> {
    const key = typeof input.idempotency_key === 'string' ? input.idempotency_key.slice(0, 64) : null;
    if (key) {
      const earlier = await db.selectFrom('vehicle_procedures').select('file_number').where('account_id', '=', account.id).where(sql<boolean>`data->>'idempotencyKey' = ${key}`).executeTakeFirst();
      if (earlier) return { ok: true, value: { fileNumber: earlier.file_number } };
    }
    const fileNumber = newFileNumber(randomInt);
    await db.transaction().execute(async (trx) => {
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
          data: JSON.stringify({ idempotencyKey: key, ...p.data }),
          updated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await audit(trx, actor, 'vehicle_procedure.started', { kind: 'vehicle_procedure', id: row.id }, p.audited);
    });
    return { ok: true, value: { fileNumber } };
  }

  /** "Je souhaite faire une autre demande" (TPC): certified accounts only; the plate, if any, comes in part 1. */
  async function startComplementary(account: Account, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
    const initiator = input.initiator === 'self' || input.initiator === 'other' ? input.initiator : null;
    if (!account.certified) return { ok: false, errors: { kind: 'La téléprocédure complémentaire est réservée aux comptes certifiés : connectez-vous avec FranceConnect' } };
    if (!initiator) return { ok: false, errors: { initiator: 'Indiquez pour qui vous faites la démarche' } };
    return createProcedure(account, input, actor, {
      kind: 'complementary',
      initiator,
      vehicleId: null,
      needsCode: false,
      data: { tpc: { step: 'category' } },
      audited: { kind: 'complementary', initiator },
    });
  }

  return {
    async list(account: Account) {
      const rows = await db
        .selectFrom('vehicle_procedures')
        .leftJoin('vehicles', 'vehicles.id', 'vehicle_procedures.vehicle_id')
        .select(['vehicle_procedures.id', 'vehicle_procedures.file_number', 'vehicle_procedures.kind', 'vehicle_procedures.status', 'vehicle_procedures.updated_at', 'vehicles.plate'])
        .where('vehicle_procedures.account_id', '=', account.id)
        .orderBy('vehicle_procedures.updated_at', 'desc')
        .limit(200)
        .execute()
        .then(async (found) => {
          const unread = await unreadCounts(db, 'vehicle_procedure', found.map((r) => r.id), 'user');
          return found.map((r) => ({ ...r, unread: unread.get(r.id) ?? 0 }));
        });
      return Object.fromEntries(
        Object.entries(STATUS_GROUPS).map(([key, group]) => [key, rows.filter((r) => (group.statuses as readonly string[]).includes(r.status))]),
      ) as Record<keyof typeof STATUS_GROUPS, typeof rows>;
    },

    procedure: procedureOf,

    /** "Ajouter une demande": who for, which plate; applies the slides' matrix. */
    async start(account: Account, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
      if (input.kind === 'complementary') return startComplementary(account, input, actor);
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
      if (!vehicle) return { ok: false, errors: { plate: 'Aucun véhicule ne porte ce numéro d’immatriculation : vérifiez-le sur la carte grise (repère A)' } };
      const holder = await holderOf(vehicle);
      if (kind === 'sale_declaration' || kind === 'holder_change') {
        if (kind === 'sale_declaration' && vehicle.sold_at) return { ok: false, errors: { plate: 'Ce véhicule a déjà été déclaré vendu' } };
        if (kind === 'sale_declaration') {
          const blocking = await db.selectFrom('vehicle_encumbrances').select('kind').where('vehicle_id', '=', vehicle.id).where('lifted_at', 'is', null).where('kind', '!=', 'gage').executeTakeFirst();
          if (blocking) return { ok: false, errors: { plate: 'Une opposition au transfert du certificat d’immatriculation (OTCI) empêche la vente de ce véhicule tant qu’elle n’est pas levée' } };
        }
      }
      // "Pour moi-même" without a code means "I am the holder" — except for a change of holder, where I am the buyer.
      if (kind !== 'holder_change' && initiator === 'self' && !needs.confidentialCode && !(await accountIsHolder(account, holder)))
        return { ok: false, errors: { initiator: 'Votre identité ne correspond pas à celle du titulaire de ce véhicule : choisissez « pour quelqu’un d’autre »' } };
      return createProcedure(account, input, actor, {
        kind,
        initiator,
        vehicleId: vehicle.id,
        needsCode: needs.confidentialCode,
        data: { requirements: needs },
        audited: { kind, initiator, plate: vehicle.plate },
      });
    },

    /** Five wrong codes lock code entry for the vehicle for a day, and the holder is told. */
    async enterCode(account: Account, fileNumber: string, code: string, actor: Actor): Promise<Outcome<null> | { ok: false; locked: Date }> {
      const procedure = await procedureOf(account, fileNumber);
      if (!procedure || !canApply(procedure.status, 'code_verified')) return { ok: false, errors: { code: 'Cette démarche n’attend pas de code confidentiel.' } };
      const stored = await db.selectFrom('confidential_codes').selectAll().where('vehicle_id', '=', procedure.vehicle_id).executeTakeFirst();
      if (stored?.locked_until && stored.locked_until > new Date()) return { ok: false, locked: stored.locked_until };
      const trimmed = code.trim();
      if (!isCodeShape(trimmed)) return { ok: false, errors: { code: 'Le code confidentiel comporte 5 chiffres' } };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
      const good = !!stored && confidentialCodeMatches(config.sessionSecret, stored.code_hash, vehicle.id, vehicle.certificate_number, trimmed);
      if (!good) {
        const result = await db.transaction().execute(async (trx) => {
          const row = await trx
            .updateTable('confidential_codes')
            .set((eb) => ({ failed_attempts: eb('failed_attempts', '+', 1) }))
            .where('vehicle_id', '=', vehicle.id)
            .returning('failed_attempts')
            .executeTakeFirst();
          await audit(trx, actor, 'confidential_code.failed', { kind: 'vehicle', id: vehicle.id }, { procedure: procedure.file_number });
          if (row && row.failed_attempts >= CODE_LOCK_AFTER) {
            const until = new Date(Date.now() + CODE_LOCK_HOURS * 3_600_000);
            await trx.updateTable('confidential_codes').set({ locked_until: until, failed_attempts: 0 }).where('vehicle_id', '=', vehicle.id).execute();
            const holder = await trx.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
            const text = `Cinq codes confidentiels erronés ont été saisis pour le véhicule ${vehicle.plate}. Par sécurité, la saisie du code est bloquée jusqu’au ${formatDateTime(until)}. Si vous n’êtes pas à l’origine de ces essais, contactez l’agence.`;
            if (holder.email) await queueMessage(trx, { channel: 'email', to: holder.email, subject: 'Saisie du code confidentiel bloquée', text: `Bonjour,\n\n${text}` });
            else await queueLetter(trx, { recipient: holderAddress(holder), subject: `Véhicule ${vehicle.plate} : saisie du code confidentiel bloquée`, body: `Madame, Monsieur,\n\n${text}${LETTER_SIGNATURE}`, vehicleId: vehicle.id });
            await audit(trx, actor, 'confidential_code.locked', { kind: 'vehicle', id: vehicle.id }, { until: until.toISOString() });
            return { locked: until };
          }
          return { locked: null };
        });
        if (result.locked) return { ok: false, locked: result.locked };
        return { ok: false, errors: { code: 'Le code confidentiel est incorrect. Vérifiez-le, ou demandez un nouveau code.' } };
      }
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('confidential_codes').set({ failed_attempts: 0 }).where('vehicle_id', '=', vehicle.id).execute();
        await trx.updateTable('vehicle_procedures').set({ status: 'in_progress', code_verified: true, updated_at: new Date() }).where('id', '=', procedure.id).where('status', '=', 'awaiting_code').execute();
        await audit(trx, actor, 'confidential_code.verified', { kind: 'vehicle_procedure', id: procedure.id });
      });
      return { ok: true, value: null };
    },

    /** "Demander un nouveau code": the holder's identity is checked, then the code travels as the slides say. */
    async requestNewCode(account: Account, fileNumber: string, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ email: boolean; letter: boolean }>> {
      const procedure = await procedureOf(account, fileNumber);
      if (!procedure || procedure.status !== 'awaiting_code') return { ok: false, errors: { form: 'Cette démarche n’attend pas de code confidentiel.' } };
      const parsed = codeRequestSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
      const holder = await holderOf(vehicle);
      const d = parsed.data;
      if (holder.kind === 'natural') {
        const missing = missingIdentityFields(d);
        if (Object.keys(missing).length) return { ok: false, errors: missing };
      }
      const matches =
        holder.kind === 'natural'
          ? sameName(d.birth_name, holder.birth_name) && sameName(d.given_names!.split(' ')[0]!, holder.given_names!.split(' ')[0]!) && d.birth_date === holder.birth_date?.toISOString().slice(0, 10) && sameName(d.birth_place ?? '', holder.birth_place)
          : sameName(d.birth_name, holder.company_name);
      if (!matches) {
        await audit(db, actor, 'confidential_code.request_refused', { kind: 'vehicle', id: vehicle.id });
        return { ok: false, errors: { birth_name: 'Ces informations ne correspondent pas au titulaire inscrit sur la carte grise. Vérifiez-les.' } };
      }
      const delivery = codeDelivery({ professional: account.profile === 'automotive_professional', initiator: procedure.initiator, longTermLease: vehicle.long_term_lease });
      const code = newConfidentialCode();
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('confidential_codes')
          .set({ code_hash: hashConfidentialCode(config.sessionSecret, vehicle.id, vehicle.certificate_number, code), issued_at: new Date(), failed_attempts: 0 })
          .where('vehicle_id', '=', vehicle.id)
          .execute();
        const what = `Le code confidentiel du véhicule ${vehicle.plate} est : ${code}\n\nIl remplace le code précédent. Il vous sera demandé pour les démarches en ligne sur ce véhicule.`;
        if (delivery.email) await queueMessage(trx, { channel: 'email', to: account.email, subject: `Votre nouveau code confidentiel (${vehicle.plate})`, text: `Bonjour,\n\n${what}\n\nVotre démarche ${procedure.file_number} vous attend dans « Mon espace véhicule ».` });
        const recipient = delivery.letter === 'previous_title_address' && vehicle.previous_title_address ? previousTitleBlock(vehicle.previous_title_address) : holderAddress(holder);
        await queueLetter(trx, { recipient, subject: `Nouveau code confidentiel du véhicule ${vehicle.plate}`, body: `Madame, Monsieur,\n\nUn nouveau code confidentiel a été demandé en ligne pour le véhicule immatriculé ${vehicle.plate}.\n\n${what}${LETTER_SIGNATURE}`, vehicleId: vehicle.id });
        await audit(trx, actor, 'confidential_code.reissued', { kind: 'vehicle', id: vehicle.id }, { email: delivery.email, letter: delivery.letter, procedure: procedure.file_number });
      });
      return { ok: true, value: { email: delivery.email, letter: true } };
    },

    async cancel(account: Account, fileNumber: string, actor: Actor): Promise<boolean> {
      const procedure = await procedureOf(account, fileNumber);
      if (!procedure || !canApply(procedure.status, 'cancel')) return false;
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('vehicle_procedures').set({ status: 'cancelled', updated_at: new Date() }).where('id', '=', procedure.id).execute();
        await audit(trx, actor, 'vehicle_procedure.cancelled', { kind: 'vehicle_procedure', id: procedure.id });
      });
      return true;
    },

    /** What the procedure page may show: the vehicle, and its holder only once the code (or identity) is proven. */
    issuedDocument: (procedure: VehicleProcedure, kind: IssuedDocumentKind) =>
      db.selectFrom('issued_documents').select(['kind', 'token', 'content']).where('procedure_id', '=', procedure.id).where('kind', '=', kind).orderBy('issued_at', 'desc').executeTakeFirst(),

    async details(procedure: VehicleProcedure) {
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', procedure.vehicle_id).executeTakeFirstOrThrow();
      const holder = procedure.code_verified ? await holderOf(vehicle) : null;
      const lock = await db.selectFrom('confidential_codes').select('locked_until').where('vehicle_id', '=', vehicle.id).executeTakeFirst();
      return { vehicle, holder, lockedUntil: lock?.locked_until && lock.locked_until > new Date() ? lock.locked_until : null, label: PROCEDURE_LABELS[procedure.kind] };
    },
  };
}

function holderAddress(holder: VehicleHolder): string[] {
  const name = holder.kind === 'natural' ? `${holder.given_names ?? ''} ${holder.usage_name ?? holder.birth_name ?? ''}` : (holder.company_name ?? '');
  return addressBlock([name, holder.address_line2, holder.address_line1], holder.postcode, holder.commune, holder.country);
}

function previousTitleBlock(address: string): string[] {
  const parts = address.split(',').map((p) => p.trim());
  const last = parts.pop() ?? '';
  const m = /^(\d{5})\s+(.+)$/.exec(last);
  return m ? addressBlock(parts, m[1]!, m[2]!) : addressBlock(parts, '', last);
}

export type VehiclesService = ReturnType<typeof createVehiclesService>;
