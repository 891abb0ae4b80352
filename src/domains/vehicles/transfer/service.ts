import { sql, type Selectable } from 'kysely';
import type { Config } from '../../../config.ts';
import { audit, SYSTEM, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { Outcome } from '../../accounts/service.ts';
import { cpiPdf, type CpiContent } from '../procedures/documents.ts';
import { checkAddress } from '../registry/communes.ts';
import { guess, guessLockMessage } from '../procedures/guess-limits.ts';
import { ownOpenProcedure } from '../procedures/lookup.ts';
import { isValidCertificateNumber } from '../registry/identifiers.ts';
import { alreadyOpen, buyerLink, declaredBuyerMismatches, isOpenSlotTaken, type DeclaredBuyerField } from '../registry/ownership.ts';
import { applyTransition, TransitionRefused } from '../procedures/transitions.ts';
import type { Declaration } from '../sale/model.ts';
import { issueNewCertificate } from '../registry/new-certificate.ts';
import type { SaleService } from '../sale/service.ts';
import type { CessionCodesTable, VehicleProcedure } from '../tables.ts';
import type { TaxService } from '../taxes/service.ts';
import { regionOfPostcode, type TaxLine } from '../taxes/model.ts';
import { pendingSummaryPdf } from './documents.ts';
import { companyHolderSchema, DRAFT_FIELDS, holderName, isCompanyHolder, newHolderSchema, spacedSiren, USES, type NewHolder, type TransferStep } from './model.ts';
import { dateProblemMessage, readFrenchDate } from '../../../platform/french-date.ts';
import { saveStepData } from '../procedures/step-data.ts';

export interface TransferState {
  step: TransferStep;
  /** kept when the request is filed: the registry shows the new holder once paid */
  formerHolder?: string;
  filedAt?: string;
  via?: 'code' | 'certificate' | 'professional';
  cessionCodeId?: number;
  holder?: NewHolder;
  /** what was last typed on the new holder's page, refused or saved for later (not checked) */
  draft?: Record<string, string>;
}

/** A new holder who is not the declared buyer: the message next to each field that differs. */
const NOT_THE_DECLARED_BUYER: Record<DeclaredBuyerField, string> = {
  birth_name: 'Ce nom de naissance n’est pas celui de l’acheteur déclaré par le vendeur',
  given_names: 'Ces prénoms ne sont pas ceux de l’acheteur déclaré par le vendeur',
  birth_date: 'Cette date de naissance n’est pas celle de l’acheteur déclaré par le vendeur',
  company_name: 'Cette raison sociale n’est pas celle de l’acheteur déclaré par le vendeur',
  siren: 'Ce numéro SIREN n’est pas celui de l’acheteur déclaré par le vendeur',
};
const DECLARED_BUYER_HELP = ' : le nouveau titulaire est l’acheteur déclaré dans la cession. Vérifiez sur le certificat de cession ; si la déclaration comporte une erreur, le vendeur doit la corriger.';

/** Without the code: only the buyer the seller declared (neutral: says nothing of whether the vehicle was sold at all). */
const NO_CODE_REFUSED =
  'Sans code de cession, la démarche n’est possible que si le vendeur a déclaré la vente à votre nom (votre identité FranceConnect, ou le SIREN de votre entreprise). Demandez le code de cession au vendeur, ou vérifiez avec lui sa déclaration de cession.';

/** The change of holder; answers are saved with the procedure at each step. */
export function createTransferService(deps: { db: Db; config: Config; sales: SaleService; taxes: TaxService }) {
  const { db, sales, taxes } = deps;

  async function load(account: Account, fileNumber: string) {
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    return p && p.kind === 'holder_change' && p.status !== 'cancelled' && p.status !== 'awaiting_code' ? p : null;
  }
  const stateOf = (p: VehicleProcedure): TransferState => ((p.data as { transfer?: TransferState }).transfer ?? { step: 'code' });
  /** Only while the change is still in progress: a step posted as « Confirmer » files it writes nothing (step-data.ts). */
  async function save(p: VehicleProcedure, transfer: TransferState, extra: { claimed?: boolean } = {}) {
    await saveStepData(db, p, { data: JSON.stringify({ ...(p.data as object), transfer }), ...extra });
  }

  /** The buyer declared in a sale, from its procedure. */
  async function declarationOf(saleProcedureId: number): Promise<Declaration | null> {
    const row = await db.selectFrom('vehicle_procedures').select('data').where('id', '=', saleProcedureId).executeTakeFirst();
    return (row?.data as { sale?: { declaration?: Declaration } } | undefined)?.sale?.declaration ?? null;
  }
  /** The vehicle's last declared sale whose code de cession was not used yet (the change of holder without code relies on it). */
  async function declaredSale(vehicleId: number): Promise<{ cessionId: number; declaration: Declaration } | null> {
    const row = await db.selectFrom('cession_codes').select(['id', 'procedure_id']).where('vehicle_id', '=', vehicleId).where('used_at', 'is', null).orderBy('id', 'desc').executeTakeFirst();
    const declaration = row ? await declarationOf(row.procedure_id) : null;
    return row && declaration ? { cessionId: row.id, declaration } : null;
  }
  /** The buyer declared in the sale this change of holder relies on (its code, or its declaration without code). */
  async function declaredBuyer(state: TransferState): Promise<Declaration | null> {
    if (!state.cessionCodeId) return null;
    const row = await db.selectFrom('cession_codes').select('procedure_id').where('id', '=', state.cessionCodeId).executeTakeFirst();
    return row ? declarationOf(row.procedure_id) : null;
  }

  return {
    load,
    stateOf,

    async vehicleFacts(p: VehicleProcedure) {
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      const h = await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
      return { vehicle, formerHolder: h.kind === 'natural' ? `${h.given_names} ${h.birth_name}` : (h.company_name ?? '') };
    },

    /**
     * "Avez-vous un code de cession ?" — with the code, "pour moi-même" only for the buyer the seller
     * declared; without it, the old certificate's number and date (both, compared without being shown)
     * and the signed-in person must be that declared buyer; a habilitated professional goes on
     * without anything only for a vehicle declared sold to its company. Passing this step claims the
     * vehicle's one open change of holder.
     */
    async checkCode(
      account: Account,
      p: VehicleProcedure,
      input: Record<string, string | undefined>,
      actor: Actor,
    ): Promise<Outcome<null> | { ok: false; locked: Date } | { ok: false; conflict: string; resume?: string }> {
      const state = stateOf(p);
      if (state.step !== 'code') return { ok: true, value: null };
      const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      if (input.has_code !== 'oui' && input.has_code !== 'non') return { ok: false, errors: { has_code: 'Indiquez si vous avez un code de cession' } };
      const refuse = async (reason: string, field: string, message: string) => {
        await audit(db, actor, 'vehicle.holder_change_refused', { kind: 'vehicle_procedure', id: p.id }, { reason, has_code: input.has_code });
        return { ok: false as const, errors: { [field]: message } };
      };
      const claim = async (next: TransferState): Promise<Outcome<null> | { ok: false; conflict: string; resume?: string }> => {
        try {
          await save(p, next, { claimed: true });
        } catch (error) {
          if (!isOpenSlotTaken(error)) throw error;
          // Another change of holder holds the vehicle: this one can never go on, so it is abandoned
          // rather than left among the drafts (as the other procedures refused at their code); the
          // open one is named only when it is the account's own.
          await db.transaction().execute((trx) => applyTransition(trx, deps.config, p, 'cancel', actor, { details: { reason: 'vehicle_taken' } }));
          const mine = await ownOpenProcedure(db, account, vehicle.id, 'holder_change');
          return { ok: false, conflict: alreadyOpen('Changement de titulaire'), resume: mine?.file_number };
        }
        return { ok: true, value: null };
      };
      if (input.has_code === 'oui') {
        const code = (input.cession_code ?? '').toUpperCase().replace(/[\s-]/g, '');
        if (!/^[A-Z0-9]{11}$/.test(code)) return { ok: false, errors: { cession_code: 'Le code de cession comporte 11 lettres et chiffres, par exemple 4KFNTNJJ7P2' } };
        let row: Selectable<CessionCodesTable> | undefined;
        const attempt = await guess(db, account, actor, {}, async (trx) => {
          // one answer, whatever the spellings it is compared with (O/0, I/L/1 of the codes issued before)
          const rows = await trx.selectFrom('cession_codes').selectAll().where('code_hash', 'in', sales.codeHashes(code)).execute();
          row = rows.find((r) => r.vehicle_id === vehicle.id) ?? rows[0];
          return row?.vehicle_id === vehicle.id;
        });
        if (!attempt.admitted) return { ok: false, locked: attempt.lockedUntil };
        if (!attempt.right || !row) {
          await audit(db, actor, 'cession_code.refused', { kind: 'vehicle', id: vehicle.id });
          return { ok: false, errors: { cession_code: 'Ce code de cession ne correspond pas à ce véhicule : vérifiez-le auprès du vendeur' } };
        }
        if (row.used_at) return { ok: false, errors: { cession_code: 'Ce code de cession a déjà été utilisé : il ne sert qu’une fois' } };
        if (row.expires_at <= new Date()) return { ok: false, errors: { cession_code: 'Ce code de cession a expiré (il est valable 15 jours) : sans code, répondez « Non » et saisissez les références de l’ancienne carte grise' } };
        const buyer = await declarationOf(row.procedure_id);
        if (p.initiator === 'self' && buyer && !(await buyerLink(db, account, buyer)))
          return refuse(
            'not_declared_buyer',
            'cession_code',
            'Ce code de cession est valable, mais le vendeur a déclaré un autre acheteur : seul l’acheteur déclaré peut immatriculer ce véhicule à son nom. Si vous agissez pour lui, commencez la démarche « pour quelqu’un d’autre » ; si la déclaration comporte une erreur, le vendeur doit la corriger.',
          );
        return claim({ step: 'holder', via: 'code', cessionCodeId: row.id });
      }
      const sale = vehicle.sold_at ? await declaredSale(vehicle.id) : null;
      if (account.profile === 'automotive_professional') {
        if (!sale || sale.declaration.buyer_kind !== 'legal' || (await buyerLink(db, account, sale.declaration)) !== 'proven') return refuse('not_sold_to_professional', 'has_code', NO_CODE_REFUSED);
        return claim({ step: 'holder', via: 'professional', cessionCodeId: sale.cessionId });
      }
      const fni = !vehicle.certificate_number;
      const number = (input.certificate_number ?? '').toUpperCase().replace(/\s/g, '');
      const reading = readFrenchDate(input.certificate_date);
      const date = reading.ok ? reading.iso : '';
      const missing: Record<string, string> = {};
      if (!fni && !number) missing.certificate_number = 'Saisissez le numéro de formule de la carte grise (11 caractères, par exemple 2017RV48832)';
      else if (!fni && !isValidCertificateNumber(number)) missing.certificate_number = 'Le numéro de formule comporte 11 caractères : l’année, 2 lettres et 5 chiffres, par exemple 2017RV48832';
      if (!reading.ok) missing.certificate_date = dateProblemMessage(reading.problem, 'la date du certificat d’immatriculation (repère I de la carte grise)', '21/06/2018');
      if (Object.keys(missing).length) return { ok: false, errors: missing };
      if (p.initiator !== 'self' || !sale || (await buyerLink(db, account, sale.declaration)) !== 'proven') return refuse(p.initiator !== 'self' ? 'other_without_code' : 'not_declared_buyer', 'has_code', NO_CODE_REFUSED);
      const attempt = await guess(db, account, actor, {}, () => (fni || number === vehicle.certificate_number) && date === vehicle.certificate_date.toISOString().slice(0, 10));
      if (!attempt.admitted) return { ok: false, locked: attempt.lockedUntil };
      if (!attempt.right) {
        await audit(db, actor, 'vehicle.holder_change_refused', { kind: 'vehicle_procedure', id: p.id }, { reason: 'certificate_mismatch' });
        return { ok: false, errors: { [fni ? 'certificate_date' : 'certificate_number']: fni ? 'La date ne correspond pas à celle du certificat d’immatriculation de ce véhicule' : 'Le numéro de formule et la date ne correspondent pas à la carte grise de ce véhicule : vérifiez-les (numéro de formule et repère I)' } };
      }
      return claim({ step: 'holder', via: 'certificate', cessionCodeId: sale.cessionId });
    },

    /** Whether the new holder's page asks for a company (the seller declared a company as the buyer) or a person. */
    async holderKind(p: VehicleProcedure): Promise<'natural' | 'legal'> {
      return (await declaredBuyer(stateOf(p)))?.buyer_kind === 'legal' ? 'legal' : 'natural';
    },

    /** Prefill for "pour moi-même": the FranceConnect identity (a person's page only). */
    async prefill(account: Account, p: VehicleProcedure, kind: 'natural' | 'legal'): Promise<Record<string, string | undefined>> {
      const { holder: saved, draft } = stateOf(p);
      const typed = saved ? (isCompanyHolder(saved) ? { ...saved, siren: spacedSiren(saved.siren) } : saved) : undefined;
      if (draft) return { ...(typed ?? {}), ...draft };
      if (typed) return typed;
      if (p.initiator !== 'self' || kind === 'legal') return {};
      const fc = await db.selectFrom('franceconnect_identities').selectAll().where('account_id', '=', account.id).executeTakeFirst();
      return fc ? { birth_name: fc.family_name, given_names: fc.given_name, birth_date: /^\d{4}-\d{2}-\d{2}$/.test(fc.birthdate) && !fc.birthdate.endsWith('-00') ? fc.birthdate : '' } : {};
    },

    /**
     * The new holder's page: the buyer the seller declared, whoever files it (the buyer, or someone
     * acting for them): a person by birth name, given names and birth date, a company by SIREN and
     * name, each differing field refused with its message. A refusal counts as a wrong answer in the
     * guess limits (the identity of the declared buyer is not to be read by trying).
     */
    async saveHolder(account: Account, p: VehicleProcedure, input: Record<string, unknown>, actor: Actor): Promise<Outcome<null>> {
      const state = stateOf(p);
      if (state.step !== 'holder' && state.step !== 'summary') return { ok: false, errors: { form: 'Cette étape est déjà validée.' } };
      const buyer = await declaredBuyer(state);
      const company = buyer?.buyer_kind === 'legal';
      const parsed = company ? companyHolderSchema.safeParse(input) : newHolderSchema.safeParse(input);
      const errors: Record<string, string> = {};
      if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
      // the address is checked like a change of address: INSEE commune reference, postal norm
      const text = (k: string) => (typeof input[k] === 'string' ? (input[k] as string) : '');
      const address = checkAddress({ line1: text('address_line1'), postcode: text('postcode'), commune: text('commune') });
      if (!address.ok) for (const [k, m] of Object.entries(address.errors)) errors[k === 'line1' ? 'address_line1' : k === 'line2' ? 'address_line1' : k] ??= m;
      if (!parsed.success || !address.ok) return { ok: false, errors };
      const a = address.proposed;
      const place = { address_line1: [a.line1, a.line2].filter(Boolean).join(' '), postcode: a.postcode, commune: a.commune };
      let holder: NewHolder;
      const typedName = 'company_name' in parsed.data ? parsed.data.company_name : '';
      if ('company_name' in parsed.data) {
        // the registry takes the company's name as the seller declared it (the same, spelling aside)
        holder = { kind: 'legal', ...parsed.data, company_name: buyer?.buyer_company_name?.trim() || parsed.data.company_name, ...place };
      } else holder = { kind: 'natural', ...parsed.data, ...place };
      if (buyer) {
        const wrong = declaredBuyerMismatches(
          buyer,
          isCompanyHolder(holder) ? { kind: 'legal', companyName: typedName, siren: holder.siren } : { kind: 'natural', birthName: holder.birth_name, givenNames: holder.given_names, birthDate: holder.birth_date },
        );
        const attempt = await guess(db, account, actor, {}, () => wrong.length === 0);
        const first = company ? 'company_name' : 'birth_name';
        if (!attempt.admitted) return { ok: false, errors: { [first]: guessLockMessage('identity', attempt.lockedUntil) } };
        if (wrong.length) {
          await audit(db, actor, 'vehicle.holder_change_refused', { kind: 'vehicle_procedure', id: p.id }, { reason: 'not_declared_buyer', fields: wrong });
          return { ok: false, errors: Object.fromEntries(wrong.map((f, i) => [f, NOT_THE_DECLARED_BUYER[f] + (i === 0 ? DECLARED_BUYER_HELP : '')])) };
        }
      }
      await save(p, { ...state, step: 'summary', draft: undefined, holder });
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
          ...(isCompanyHolder(h)
            ? { kind: 'legal' as const, company_name: h.company_name.toUpperCase(), siren: h.siren }
            : { kind: 'natural' as const, birth_name: h.birth_name.toUpperCase(), given_names: h.given_names, birth_date: h.birth_date, birth_place: h.birth_place.toUpperCase() }),
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
        holder: isCompanyHolder(h) ? h.company_name.toUpperCase() : holderName(h),
        address: [h.address_line1, `${h.postcode} ${h.commune.toUpperCase()}`],
        changes: { holder_id: holder.id, sold_at: null, long_term_lease: false, previous_title_address: null },
        publicUrl: deps.config.publicUrl,
      });
      const moved = await applyTransition(trx, deps.config, p, 'paid', SYSTEM, { details: { new_holder: true } });
      if (!moved.ok) throw new Error(`holder change ${p.file_number}: paid transition refused`);
      await audit(trx, SYSTEM, 'vehicle.holder_changed', { kind: 'vehicle', id: vehicle.id }, { procedure: p.file_number });
    },

    /** The CPI of a paid change of holder, for its owner. */
    async cpi(account: Account, fileNumber: string): Promise<Buffer | null> {
      const p = await db.selectFrom('vehicle_procedures').select('id').where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
      if (!p) return null;
      const doc = await db.selectFrom('issued_documents').selectAll().where('procedure_id', '=', p.id).where('kind', '=', 'cpi').executeTakeFirst();
      return doc ? cpiPdf(doc.content as unknown as CpiContent, `${deps.config.publicUrl}/verification/${doc.token}`) : null;
    },

    /** Keeps what was typed on the new holder's page, unchecked (a refused form, "Reprendre plus tard"). */
    async saveDraft(p: VehicleProcedure, input: Record<string, unknown>): Promise<void> {
      const state = stateOf(p);
      if (state.step !== 'holder' && state.step !== 'summary') return;
      const draft = Object.fromEntries(DRAFT_FIELDS.filter((k) => typeof input[k] === 'string').map((k) => [k, (input[k] as string).slice(0, 200)]));
      await save(p, { ...state, draft });
    },

    /** Files the request: the code de cession is used, for good, in the same transaction. */
    async confirm(p: VehicleProcedure, actor: Actor): Promise<Outcome<null>> {
      const state = stateOf(p);
      if (state.step !== 'summary' || !state.holder) return { ok: false, errors: { form: 'La demande n’est pas complète.' } };
      const { formerHolder } = await this.vehicleFacts(p);
      const filed: TransferState = { ...state, step: 'payment', formerHolder, filedAt: new Date().toISOString() };
      const ok = await db
        .transaction()
        .execute(async (trx) => {
          if (state.cessionCodeId) {
            // the declared sale serves one change of holder; only the code itself expires after 15 days
            let use = trx.updateTable('cession_codes').set({ used_at: sql<Date>`now()`, used_by_procedure_id: p.id }).where('id', '=', state.cessionCodeId).where('used_at', 'is', null);
            if (state.via === 'code') use = use.where('expires_at', '>', sql<Date>`now()`);
            const used = await use.executeTakeFirst();
            if (Number(used.numUpdatedRows) !== 1) return 'used' as const;
          }
          const moved = await applyTransition(trx, deps.config, p, 'file_for_payment', actor, { set: { data: JSON.stringify({ ...(p.data as object), transfer: filed }) }, details: { via: state.via } });
          if (!moved.ok) throw new TransitionRefused(); // rolls the code's use back
          await audit(trx, actor, 'vehicle.holder_change_filed', { kind: 'vehicle_procedure', id: p.id }, { via: state.via });
          return 'filed' as const;
        })
        .catch((error: unknown) => {
          if (error instanceof TransitionRefused) return 'changed' as const;
          throw error;
        });
      if (ok === 'used') return { ok: false, errors: { form: 'Ce code de cession a déjà été utilisé ou a expiré : recommencez l’étape « Code de cession ».' } };
      if (ok === 'changed') return { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
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
      return pendingSummaryPdf(
        {
          fileNumber: p.file_number,
          filedAt: state.filedAt ? new Date(state.filedAt) : p.updated_at,
          plate: vehicle.plate,
          category: vehicle.category,
          vin: vehicle.vin,
          formerHolder,
          newHolder: isCompanyHolder(h) ? `${h.company_name.toUpperCase()}, SIREN ${spacedSiren(h.siren)}` : `${holderName(h)}, né(e) le ${h.birth_date.split('-').reverse().join('/')} à ${h.birth_place}`,
          address: `${h.address_line1}, ${h.postcode} ${h.commune.toUpperCase()}`,
          use: USES.find((u) => u.value === h.use)?.label ?? h.use,
          state: p.status === 'completed' ? 'Payée, certificat provisoire délivré' : 'En attente de paiement',
        },
        `${deps.config.publicUrl}/vehicules/demandes/${p.file_number}`,
      );
    },
  };
}
export type TransferService = ReturnType<typeof createTransferService>;
