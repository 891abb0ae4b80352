import PDFDocument from 'pdfkit';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account } from '../../platform/db/schema.ts';
import type { Outcome } from '../accounts/service.ts';
import { addressKey, limit, throttle, type ThrottlePolicy } from '../accounts/throttle.ts';
import { formatDateTime } from '../../views/format.ts';
import { cpiPdf, type CpiContent } from './documents.ts';
import { isValidCertificateNumber } from './identifiers.ts';
import { issueNewCertificate } from './new-certificate.ts';
import type { SaleService } from './sale-service.ts';
import type { VehicleProcedure } from './tables.ts';
import type { TaxService } from './tax-service.ts';
import { regionOfPostcode, type TaxLine } from './taxes.ts';
import { newHolderSchema, USES, type NewHolder, type TransferStep } from './transfer-model.ts';

export interface TransferState {
  step: TransferStep;
  /** kept when the request is filed: the registry shows the new holder once paid */
  formerHolder?: string;
  filedAt?: string;
  via?: 'code' | 'certificate' | 'professional';
  cessionCodeId?: number;
  holder?: NewHolder;
}

/** Codes de cession (or old certificates' references) tried per account and per address; a good one gives its attempt back. */
export const CESSION_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'refund' };
export const CESSION_IP_POLICY: ThrottlePolicy = { free: 20, maxLockMinutes: 60, onSuccess: 'refund' };

/** The change of holder; answers are saved with the procedure at each step. */
export function createTransferService(deps: { db: Db; config: Config; sales: SaleService; taxes: TaxService }) {
  const { db, sales, taxes } = deps;

  async function load(account: Account, fileNumber: string) {
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    return p && p.kind === 'holder_change' && p.status !== 'cancelled' && p.status !== 'awaiting_code' ? p : null;
  }
  const stateOf = (p: VehicleProcedure): TransferState => ((p.data as { transfer?: TransferState }).transfer ?? { step: 'code' });
  async function save(p: VehicleProcedure, transfer: TransferState, extra: { status?: VehicleProcedure['status'] } = {}) {
    await db
      .updateTable('vehicle_procedures')
      .set({ data: JSON.stringify({ ...(p.data as object), transfer }), updated_at: new Date(), ...extra })
      .where('id', '=', p.id)
      .execute();
  }

  return {
    load,
    stateOf,

    async vehicleFacts(p: VehicleProcedure) {
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      const h = await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
      return { vehicle, formerHolder: h.kind === 'natural' ? `${h.given_names} ${h.birth_name}` : (h.company_name ?? '') };
    },

    /** "Avez-vous un code de cession ?" — the code, or the old certificate when the seller declared the sale. */
    async checkCode(account: Account, p: VehicleProcedure, input: Record<string, string | undefined>, actor: Actor): Promise<Outcome<null> | { ok: false; locked: Date }> {
      const state = stateOf(p);
      if (state.step !== 'code') return { ok: true, value: null };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      if (input.has_code !== 'oui' && input.has_code !== 'non') return { ok: false, errors: { has_code: 'Indiquez si vous avez un code de cession' } };
      const guess = async () => {
        const attempt = await throttle(db, [limit(`cession:${account.id}`, CESSION_POLICY), limit(`cession-ip:${addressKey(actor.ip ?? '')}`, CESSION_IP_POLICY)]);
        return { attempt, locked: attempt.admitted ? null : { ok: false as const, locked: attempt.lockedUntil! } };
      };
      if (input.has_code === 'oui') {
        const code = (input.cession_code ?? '').toUpperCase().replace(/[\s-]/g, '');
        if (!/^[A-Z0-9]{11}$/.test(code)) return { ok: false, errors: { cession_code: 'Le code de cession comporte 11 lettres et chiffres, par exemple 4KFNTNJJL1L' } };
        const { attempt, locked } = await guess();
        if (locked) return locked;
        const row = await db.selectFrom('cession_codes').selectAll().where('code_hash', '=', sales.hashCode(code)).executeTakeFirst();
        if (!row || row.vehicle_id !== vehicle.id) {
          await audit(db, actor, 'cession_code.refused', { kind: 'vehicle', id: vehicle.id });
          return { ok: false, errors: { cession_code: 'Ce code de cession ne correspond pas à ce véhicule : vérifiez-le auprès du vendeur' } };
        }
        await attempt.succeeded(db);
        if (row.used_at) return { ok: false, errors: { cession_code: 'Ce code de cession a déjà été utilisé : il ne sert qu’une fois' } };
        if (row.expires_at <= new Date()) return { ok: false, errors: { cession_code: 'Ce code de cession a expiré (il est valable 15 jours) : sans code, répondez « Non » et saisissez les références de l’ancienne carte grise' } };
        await save(p, { step: 'holder', via: 'code', cessionCodeId: row.id });
        return { ok: true, value: null };
      }
      if (account.profile === 'automotive_professional') {
        await save(p, { step: 'holder', via: 'professional' });
        return { ok: true, value: null };
      }
      if (!vehicle.sold_at) return { ok: false, errors: { has_code: 'Sans code de cession, la démarche n’est possible que si le vendeur a déclaré la vente. Demandez-lui de faire sa déclaration de cession.' } };
      const { attempt, locked } = await guess();
      if (locked) return locked;
      const matches = vehicle.certificate_number
        ? isValidCertificateNumber(input.certificate_number ?? '') && (input.certificate_number ?? '').toUpperCase().replace(/\s/g, '') === vehicle.certificate_number
        : (input.certificate_date ?? '') === vehicle.certificate_date.toISOString().slice(0, 10);
      if (!matches) {
        return vehicle.certificate_number
          ? { ok: false, errors: { certificate_number: 'Le numéro de formule ne correspond pas à la carte grise de ce véhicule (11 caractères, par exemple 2017RV48832)' } }
          : { ok: false, errors: { certificate_date: 'La date ne correspond pas à celle du certificat d’immatriculation de ce véhicule' } };
      }
      await attempt.succeeded(db);
      await save(p, { step: 'holder', via: 'certificate' });
      return { ok: true, value: null };
    },

    /** Prefill for "pour moi-même": the FranceConnect identity. */
    async prefill(account: Account, p: VehicleProcedure): Promise<Partial<Record<keyof NewHolder, string>>> {
      const saved = stateOf(p).holder;
      if (saved) return saved;
      if (p.initiator !== 'self') return {};
      const fc = await db.selectFrom('franceconnect_identities').selectAll().where('account_id', '=', account.id).executeTakeFirst();
      return fc ? { birth_name: fc.family_name, given_names: fc.given_name, birth_date: /^\d{4}-\d{2}-\d{2}$/.test(fc.birthdate) && !fc.birthdate.endsWith('-00') ? fc.birthdate : '' } : {};
    },

    async saveHolder(p: VehicleProcedure, input: Record<string, unknown>): Promise<Outcome<null>> {
      const state = stateOf(p);
      if (state.step !== 'holder' && state.step !== 'summary') return { ok: false, errors: { form: 'Cette étape est déjà validée.' } };
      const parsed = newHolderSchema.safeParse(input);
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
        return { ok: false, errors };
      }
      await save(p, { ...state, step: 'summary', holder: parsed.data });
      return { ok: true, value: null };
    },

    /** The taxes of this change of holder, computed by the simulator's code, for the new holder's region. */
    async taxLines(p: VehicleProcedure): Promise<TaxLine[] | null> {
      const holder = stateOf(p).holder;
      const region = holder ? regionOfPostcode(holder.postcode) : null;
      if (!region) return null;
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      return taxes.compute({
        procedure: 'holder_change',
        category: vehicle.category,
        fiscalPower: vehicle.fiscal_power,
        energy: vehicle.energy,
        firstRegistrationDate: vehicle.first_registration_date.toISOString().slice(0, 10),
        region,
        at: new Date().toISOString().slice(0, 10),
      });
    },

    /**
     * Paid: in the payment's transaction, the registry takes the new holder, the vehicle gets a new
     * certificate (and a new confidential code, to be requested online), and the CPI is issued.
     */
    async finalizePaid(trx: Db, procedureId: number): Promise<void> {
      const p = await trx.selectFrom('vehicle_procedures').selectAll().where('id', '=', procedureId).executeTakeFirst();
      const state = p ? stateOf(p) : null;
      if (!p || p.kind !== 'holder_change' || p.status !== 'awaiting_payment' || !state?.holder) return;
      const h = state.holder;
      const vehicle = await trx.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      const account = await trx.selectFrom('accounts').select(['email', 'id']).where('id', '=', p.account_id).executeTakeFirstOrThrow();
      const holder = await trx
        .insertInto('vehicle_holders')
        .values({
          kind: 'natural',
          birth_name: h.birth_name.toUpperCase(),
          given_names: h.given_names,
          birth_date: h.birth_date,
          birth_place: h.birth_place.toUpperCase(),
          address_line1: h.address_line1.toUpperCase(),
          postcode: h.postcode,
          commune: h.commune.toUpperCase(),
          email: p.initiator === 'self' ? account.email : null,
          account_id: p.initiator === 'self' ? account.id : null,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await trx.deleteFrom('vehicle_co_holders').where('vehicle_id', '=', vehicle.id).execute();
      await issueNewCertificate(trx, deps.config.sessionSecret, {
        vehicle,
        procedure: { id: p.id, fileNumber: p.file_number },
        holder: `${h.given_names} ${h.birth_name.toUpperCase()}`,
        address: [h.address_line1, `${h.postcode} ${h.commune.toUpperCase()}`],
        changes: { holder_id: holder.id, sold_at: null, long_term_lease: false, previous_title_address: null },
      });
      await trx.updateTable('vehicle_procedures').set({ status: 'completed', updated_at: new Date() }).where('id', '=', p.id).execute();
      await audit(trx, { kind: 'system', id: null, ip: null }, 'vehicle.holder_changed', { kind: 'vehicle', id: vehicle.id }, { procedure: p.file_number });
    },

    /** The CPI of a paid change of holder, for its owner. */
    async cpi(account: Account, fileNumber: string): Promise<Buffer | null> {
      const p = await db.selectFrom('vehicle_procedures').select('id').where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
      if (!p) return null;
      const doc = await db.selectFrom('issued_documents').selectAll().where('procedure_id', '=', p.id).where('kind', '=', 'cpi').executeTakeFirst();
      return doc ? cpiPdf(doc.content as unknown as CpiContent, `${deps.config.publicUrl}/verification/${doc.token}`) : null;
    },

    async backToHolder(p: VehicleProcedure) {
      const state = stateOf(p);
      if (state.step === 'summary') await save(p, { ...state, step: 'holder' });
    },

    /** Files the request: the code de cession is used, for good, in the same transaction. */
    async confirm(p: VehicleProcedure, actor: Actor): Promise<Outcome<null>> {
      const state = stateOf(p);
      if (state.step !== 'summary' || !state.holder) return { ok: false, errors: { form: 'La demande n’est pas complète.' } };
      const { formerHolder } = await this.vehicleFacts(p);
      const filed: TransferState = { ...state, step: 'payment', formerHolder, filedAt: new Date().toISOString() };
      const ok = await db.transaction().execute(async (trx) => {
        if (state.cessionCodeId) {
          const used = await trx
            .updateTable('cession_codes')
            .set({ used_at: sql<Date>`now()`, used_by_procedure_id: p.id })
            .where('id', '=', state.cessionCodeId)
            .where('used_at', 'is', null)
            .where('expires_at', '>', sql<Date>`now()`)
            .executeTakeFirst();
          if (Number(used.numUpdatedRows) !== 1) return false;
        }
        await trx
          .updateTable('vehicle_procedures')
          .set({ status: 'awaiting_payment', data: JSON.stringify({ ...(p.data as object), transfer: filed }), updated_at: new Date() })
          .where('id', '=', p.id)
          .execute();
        await audit(trx, actor, 'vehicle.holder_change_filed', { kind: 'vehicle_procedure', id: p.id }, { via: state.via });
        return true;
      });
      if (!ok) return { ok: false, errors: { form: 'Ce code de cession a déjà été utilisé ou a expiré : recommencez l’étape « Code de cession ».' } };
      return { ok: true, value: null };
    },

    /** The request's summary as a PDF: vehicle, former and new holder. */
    async summaryPdf(account: Account, fileNumber: string): Promise<Buffer | null> {
      const p = await load(account, fileNumber);
      const state = p ? stateOf(p) : null;
      if (!p || !state?.holder || state.step !== 'payment') return null;
      const { vehicle, formerHolder: current } = await this.vehicleFacts(p);
      const formerHolder = state.formerHolder ?? current;
      const h = state.holder;
      return new Promise((resolve, reject) => {
        const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: 'Récapitulatif de la demande de changement de titulaire' } });
        const chunks: Buffer[] = [];
        doc.on('data', (c: Buffer) => chunks.push(c));
        doc.on('end', () => resolve(Buffer.concat(chunks)));
        doc.on('error', reject);
        doc.font('Helvetica-Bold').fontSize(10).text('RÉPUBLIQUE FRANÇAISE').font('Helvetica').fontSize(9).text('Agence nationale des titres sécurisés');
        doc.moveDown(2).font('Helvetica-Bold').fontSize(14).text('Récapitulatif de la demande de changement de titulaire');
        doc.moveDown().font('Helvetica').fontSize(10);
        const line = (label: string, value: string) => doc.font('Helvetica-Bold').text(`${label} : `, { continued: true }).font('Helvetica').text(value);
        line('Numéro de dossier', p.file_number);
        line('Déposée le', formatDateTime(state.filedAt ? new Date(state.filedAt) : p.updated_at));
        line('Véhicule', `${vehicle.plate} (${vehicle.category}), VIN ${vehicle.vin}`);
        line('Ancien titulaire', formerHolder);
        line('Nouveau titulaire', `${h.given_names} ${h.birth_name.toUpperCase()}, né(e) le ${h.birth_date.split('-').reverse().join('/')} à ${h.birth_place}`);
        line('Adresse', `${h.address_line1}, ${h.postcode} ${h.commune.toUpperCase()}`);
        line('Usage', USES.find((u) => u.value === h.use)?.label ?? h.use);
        line('État', p.status === 'completed' ? 'Payée, certificat provisoire délivré' : 'En attente de paiement');
        doc.end();
      });
    },
  };
}
export type TransferService = ReturnType<typeof createTransferService>;
