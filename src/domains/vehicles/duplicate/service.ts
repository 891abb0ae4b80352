import type { Config } from '../../../config.ts';
import { audit, type Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { Attachments } from '../../../platform/files/attachments.ts';
import type { Upload } from '../../../platform/files/validation.ts';
import { zodErrors, type Outcome } from '../../accounts/service.ts';
import { postMessage, readThread } from '../../instruction/threads.ts';
import { departmentOfPostcode } from '../registry/communes.ts';
import { ANSWER_MAX, WEATHER_EVENT, DECLARATIONS, DUPLICATE_DRAFT_FIELDS, DUPLICATE_REASONS, POLICE_REPORT, reasonSchema, type DuplicateProgress, type DuplicateState } from './model.ts';
import { issueSummary } from '../procedures/issued-documents.ts';
import type { SaleDocumentContent } from '../procedures/documents.ts';
import { vehicleSituation } from '../registry/situation.ts';
import { randomBytes } from 'node:crypto';
import { issueNewCertificate } from '../registry/new-certificate.ts';
import { closeAsSold, lockUnsold, refuseIfSold, REFUSED_ONCE_SOLD, soldRefusalNow } from '../registry/sold.ts';
import { applyTransition } from '../procedures/transitions.ts';
import type { ProcedureStatus, VehicleProcedure } from '../tables.ts';
import type { TaxService } from '../taxes/service.ts';
import type { TaxLine } from '../taxes/model.ts';
import { EDITABLE_STATUS, saveStepData } from '../procedures/step-data.ts';

const SYSTEM: Actor = { kind: 'system', id: null, ip: null };
const SOLD = REFUSED_ONCE_SOLD.duplicate;

/**
 * The duplicate: reason (loss and damage declared on honour; theft with the police report checked
 * by the instruction centre, possibly several rounds), summary with the taxes, payment, then a new
 * certificate (the old one invalid in the registry), the CPI and the summary PDF.
 */
export function createDuplicateService(deps: { db: Db; config: Config; taxes: TaxService; attachments: Attachments }) {
  const { db, config, attachments } = deps;
  const owner = (p: VehicleProcedure) => ({ kind: 'vehicle_procedure', id: p.id });

  async function load(account: Account, fileNumber: string) {
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    return p && p.kind === 'duplicate' && p.status !== 'awaiting_code' ? p : null;
  }
  const stateOf = (p: VehicleProcedure): DuplicateState => (p.data as { duplicate?: DuplicateState }).duplicate ?? { step: 'reason' };
  /** Only while the request is still in progress (or, for the payment's finalizer, awaiting payment): see step-data.ts. */
  async function save(trx: Db, p: VehicleProcedure, duplicate: DuplicateState, status: ProcedureStatus = EDITABLE_STATUS) {
    await saveStepData(trx, p, { data: JSON.stringify({ ...(p.data as object), duplicate }) }, status);
  }
  async function facts(p: VehicleProcedure) {
    const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
    const holder = await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
    const name = holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? '');
    return { vehicle, holder, name, address: [holder.address_line1, ...(holder.address_line2 ? [holder.address_line2] : []), `${holder.postcode} ${holder.commune}`] };
  }
  /** The police reports sent, newest last, with the centre's review of each. */
  const reports = async (p: VehicleProcedure) => (await attachments.list(owner(p))).filter((a) => a.purpose === POLICE_REPORT);
  /** Every piece of the request: reports and files sent with messages. */
  const pieces = (p: VehicleProcedure) => attachments.list(owner(p));
  const reportAccepted = async (p: VehicleProcedure) => (await reports(p)).at(-1)?.review_status === 'accepted';
  /** Whether the summary can be validated: loss and damage declared, a theft recorded in the SIV or its report accepted. */
  async function ready(p: VehicleProcedure): Promise<boolean> {
    const s = stateOf(p);
    if (!s.reason) return false;
    if (s.reason !== 'theft' || s.theftRecordedOn) return s.step === 'summary';
    return reportAccepted(p);
  }

  /**
   * The CSA of the theft flow (slides: "transmission de la déclaration et certificat de situation
   * administrative"): the vehicle's gages and oppositions and the theft, recorded or just declared.
   */
  async function issueTheftCsa(trx: Db, p: VehicleProcedure, theft: { recordedOn: string | null; reportSentAt: string | null }) {
    const situation = await vehicleSituation(trx, p.vehicle_id);
    const now = new Date().toISOString();
    const content: SaleDocumentContent = {
      fileNumber: p.file_number,
      ...situation,
      // a CSA names no buyer and no sale: these fields are not printed
      buyer: { name: '', birthDate: null, address: [], professional: false },
      saleAt: now,
      mileage: 0,
      issuedAt: now,
      certificateTheft: theft,
    };
    await trx.insertInto('issued_documents').values({ token: randomBytes(16).toString('base64url'), kind: 'csa', procedure_id: p.id, plate: situation.plate, content: JSON.stringify(content) }).execute();
  }

  async function storeReport(trx: Db, p: VehicleProcedure, file: Upload & { mime: string }) {
    await attachments.store(trx, owner(p), { purpose: POLICE_REPORT, filename: file.filename, mime: file.mime, bytes: file.bytes, accountId: p.account_id });
  }

  return {
    load,
    stateOf,
    /** The user's step on a vehicle declared sold meanwhile: the request is refused and abandoned (registry/sold.ts); the message, or null. */
    refuseIfSold: (p: VehicleProcedure, actor: Actor) => refuseIfSold(db, config, p, actor),
    facts,
    reports,
    pieces,
    reportAccepted,
    ready,
    /** Where the request stands, for its steps (model.ts: duplicateCurrentStep, duplicateCanShow). */
    async progress(p: VehicleProcedure): Promise<DuplicateProgress> {
      return { status: p.status, state: stateOf(p), ready: p.status === 'in_progress' && (await ready(p)), reportSent: (await reports(p)).length > 0 };
    },
    thread: (p: VehicleProcedure) => readThread(db, owner(p), 'user'),

    /** Step 1: the reason; loss and damage need the declaration on honour. */
    async chooseReason(p: VehicleProcedure, input: Record<string, string | undefined>): Promise<Outcome<null>> {
      if (p.status !== 'in_progress' || (await reports(p)).length) return { ok: false, errors: { form: 'Le motif ne peut plus être modifié : la déclaration de vol est déjà transmise.' } };
      const parsed = reasonSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const reason = parsed.data.reason;
      // theft: to the instruction centre only when the SIV does not record it yet (slides, iterative mode)
      const recorded = reason === 'theft' ? (await facts(p)).vehicle.certificate_theft_recorded_on : null;
      await save(db, p, {
        step: reason === 'theft' && !recorded ? 'report' : 'summary',
        reason,
        ...(recorded ? { theftRecordedOn: recorded.toISOString().slice(0, 10) } : {}),
        ...(parsed.data.special ? { weatherEvent: true } : {}),
        // the reason's draft is done with; a message typed for the centre stays for the report's page
        ...(stateOf(p).draft?.comment ? { draft: { comment: stateOf(p).draft!.comment } } : {}),
      });
      return { ok: true, value: null };
    },

    /** Keeps what was typed on the reason's or the report's page, unchecked (a refused form, "Reprendre plus tard"); never a file. */
    async saveDraft(p: VehicleProcedure, input: Record<string, unknown>): Promise<void> {
      if (p.status !== 'in_progress' || (await reports(p)).length) return;
      const state = stateOf(p);
      const typed = Object.fromEntries(DUPLICATE_DRAFT_FIELDS.filter((k) => typeof input[k] === 'string').map((k) => [k, (input[k] as string).slice(0, ANSWER_MAX)]));
      await save(db, p, { ...state, draft: { ...(state.draft ?? {}), ...typed } });
    },

    /** Theft: the police report is sent and the request waits for the centre's check. */
    async sendReport(p: VehicleProcedure, uploads: Upload[], comment: string, actor: Actor): Promise<Outcome<null>> {
      const state = stateOf(p);
      if (p.status !== 'in_progress' || state.reason !== 'theft' || state.theftRecordedOn) return { ok: false, errors: { form: 'Cette demande n’attend pas de déclaration de vol.' } };
      const files = uploads.filter((u) => u.field === 'report');
      if (!files.length) return { ok: false, errors: { report: 'Joignez le récépissé de votre déclaration de vol' } };
      if (comment.length > ANSWER_MAX) return { ok: false, errors: { comment: `Votre message dépasse ${ANSWER_MAX} caractères` } };
      const checked = await attachments.check(files);
      if (Object.keys(checked.errors).length) return { ok: false, errors: checked.errors };
      const { holder } = await facts(p);
      const done = await db.transaction().execute(async (trx) => {
        await storeReport(trx, p, checked.accepted[0]!);
        if (comment.trim()) await postMessage(trx, owner(p), { kind: 'user', accountId: p.account_id }, comment.trim());
        await save(trx, p, { ...state, step: 'report', draft: undefined });
        await issueTheftCsa(trx, p, { recordedOn: null, reportSentAt: new Date().toISOString() });
        const moved = await applyTransition(trx, config, p, 'submit_for_review', actor, {
          set: { submitted_at: new Date(), department: departmentOfPostcode(holder.postcode), assigned_agent_id: null, assigned_at: null },
        });
        if (!moved.ok) throw new Error('rollback');
        return true;
      }).catch((e: Error) => (e.message === 'rollback' ? false : Promise.reject(e)));
      return done ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
    },

    /** À compléter: the user answers the centre's note and, when a report was refused, sends a new one. */
    async answer(p: VehicleProcedure, uploads: Upload[], message: string, actor: Actor): Promise<Outcome<null>> {
      if (p.status !== 'to_complete') return { ok: false, errors: { form: 'Cette demande n’attend pas de complément.' } };
      const errors: Record<string, string> = {};
      const text = message.trim();
      if (!text) errors.message = 'Écrivez votre réponse au centre d’instruction';
      else if (text.length > ANSWER_MAX) errors.message = `Votre réponse dépasse ${ANSWER_MAX} caractères`;
      const files = uploads.filter((u) => u.field === 'report');
      const lastRefused = (await reports(p)).at(-1)?.review_status === 'refused';
      const checked = await attachments.check(files);
      Object.assign(errors, checked.errors);
      if (!files.length && lastRefused) errors.report = 'Joignez de nouveau le récépissé de déclaration de vol : le précédent a été refusé';
      if (Object.keys(errors).length) return { ok: false, errors };
      const done = await db.transaction().execute(async (trx) => {
        if (checked.accepted[0]) await storeReport(trx, p, checked.accepted[0]);
        await postMessage(trx, owner(p), { kind: 'user', accountId: p.account_id }, text);
        const moved = await applyTransition(trx, config, p, 'resubmit', actor, { set: { submitted_at: new Date(), assigned_agent_id: null, assigned_at: null }, details: { new_report: !!checked.accepted[0] } });
        if (!moved.ok) throw new Error('rollback');
        return true;
      }).catch((e: Error) => (e.message === 'rollback' ? false : Promise.reject(e)));
      return done ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
    },

    /** What the duplicate costs (fixed tax and delivery), computed by the tax engine. */
    async taxLines(p: VehicleProcedure): Promise<TaxLine[]> {
      const { vehicle, holder } = await facts(p);
      return deps.taxes.forVehicle('duplicate', vehicle, holder.postcode, { weatherDamage: !!stateOf(p).weatherEvent });
    },

    /** Summary validated with the terms: the request waits for its payment, kept in the basket. */
    async confirm(p: VehicleProcedure, actor: Actor): Promise<Outcome<null>> {
      const state = stateOf(p);
      if (!(p.status === 'in_progress' && (await ready(p)))) return { ok: false, errors: { form: 'La demande n’est pas complète.' } };
      if (await soldRefusalNow(db, 'duplicate', p.vehicle_id)) return { ok: false, errors: { form: SOLD } };
      const moved = await db.transaction().execute(async (trx) => {
        await save(trx, p, { ...state, step: 'summary' });
        if (state.reason === 'theft' && state.theftRecordedOn) await issueTheftCsa(trx, p, { recordedOn: state.theftRecordedOn, reportSentAt: null });
        return applyTransition(trx, config, p, 'file_for_payment', actor, { details: { reason: state.reason, theft_recorded: !!state.theftRecordedOn } });
      });
      return moved.ok ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
    },

    /** Paid: a new certificate (the old number invalid in the registry), the CPI and the summary. */
    async finalizePaid(trx: Db, procedureId: number): Promise<void | 'refused'> {
      const p = await trx.selectFrom('vehicle_procedures').selectAll().where('id', '=', procedureId).executeTakeFirst();
      if (!p || p.kind !== 'duplicate' || p.status !== 'awaiting_payment') return;
      // first write: the vehicle still unsold, locked (a sale declared meanwhile, in another tab,
      // stops it here: nothing issued, the request closed, the charge refunded by the payment service)
      if (!(await lockUnsold(trx, p.vehicle_id!))) {
        await closeAsSold(trx, config, p, { at: 'payment' });
        return 'refused';
      }
      const state = stateOf(p);
      const vehicle = await trx.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
      const holder = await trx.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
      const name = holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? '');
      const address = [holder.address_line1, ...(holder.address_line2 ? [holder.address_line2] : []), `${holder.postcode} ${holder.commune}`];
      if (vehicle.certificate_number)
        await trx
          .insertInto('invalidated_certificates')
          .values({ certificate_number: vehicle.certificate_number, vehicle_id: vehicle.id, reason: state.reason ?? 'loss', procedure_id: p.id })
          .onConflict((oc) => oc.column('certificate_number').doNothing())
          .execute();
      const certificate = await issueNewCertificate(trx, config.sessionSecret, { vehicle, procedure: { id: p.id, fileNumber: p.file_number }, holder: name, address, changes: {}, publicUrl: config.publicUrl });
      // an FNI vehicle has a new SIV plate with its new certificate
      const { plate } = await trx.selectFrom('vehicles').select('plate').where('id', '=', vehicle.id).executeTakeFirstOrThrow();
      const paid = await trx.selectFrom('payments').select('amount_cents').where('procedure_id', '=', p.id).where('status', '=', 'success').executeTakeFirst();
      await issueSummary(trx, {
        procedureId: p.id,
        fileNumber: p.file_number,
        procedure: 'Demande de duplicata',
        plate,
        rows: [
          ...(plate !== vehicle.plate ? [{ label: 'Nouvelle immatriculation (format SIV)', value: `${plate} (remplace ${vehicle.plate})` }] : []),
          { label: 'Motif', value: DUPLICATE_REASONS[state.reason ?? 'loss'] },
          ...(state.weatherEvent ? [{ label: 'Cas particulier', value: WEATHER_EVENT }] : []),
          ...(state.reason && state.reason !== 'theft'
            ? [{ label: 'Déclaration sur l’honneur', value: DECLARATIONS[state.reason] }]
            : [{ label: 'Déclaration de vol', value: state.theftRecordedOn ? `Vol du certificat enregistré au système d’immatriculation le ${state.theftRecordedOn.split('-').reverse().join('/')}` : 'Récépissé contrôlé et accepté par le centre d’instruction' }]),
          { label: 'Titulaire', value: name },
          { label: 'Adresse d’envoi du certificat', value: address.join(', ') },
          { label: 'Ancien certificat (invalidé)', value: vehicle.certificate_number ?? 'ancien format (FNI)' },
          { label: 'Nouveau certificat', value: certificate },
          { label: 'Montant payé', value: paid ? new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(paid.amount_cents / 100) : '—' },
        ],
      });
      await save(trx, p, { ...state, step: 'done' }, 'awaiting_payment');
      const moved = await applyTransition(trx, config, p, 'paid', SYSTEM, { details: { new_certificate: certificate } });
      if (!moved.ok) throw new Error(`duplicate ${p.file_number}: paid transition refused`);
      await audit(trx, SYSTEM, 'vehicle.certificate_invalidated', { kind: 'vehicle', id: vehicle.id }, { procedure: p.file_number, reason: state.reason });
    },
  };
}
export type DuplicateService = ReturnType<typeof createDuplicateService>;
