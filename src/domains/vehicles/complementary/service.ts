import type { Config } from '../../../config.ts';
import type { Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { Attachments } from '../../../platform/files/attachments.ts';
import type { Upload } from '../../../platform/files/validation.ts';
import { zodErrors, type Outcome } from '../../accounts/service.ts';
import { postMessage, readThread } from '../../instruction/threads.ts';
import { checkAddress, departmentOfPostcode } from '../registry/communes.ts';
import { ANSWER_MAX } from '../duplicate/model.ts';
import { checkPlate } from '../registry/identifiers.ts';
import { issueSummary } from '../procedures/issued-documents.ts';
import { applyTransition } from '../procedures/transitions.ts';
import type { ProcedureStatus, VehicleProcedure } from '../tables.ts';
import type { TaxService } from '../taxes/service.ts';
import type { TaxLine } from '../taxes/model.ts';
import { categoryOf, hasTaxes, holderSchema, missingPieces, objectSchema, piecesFor, subcategoryOf, TPC_HOLDER_FIELDS, TPC_OBJECT_FIELDS, TPC_PIECES, type TpcPiece, type TpcProgress, type TpcState } from './model.ts';
import { EDITABLE_STATUS, saveStepData } from '../procedures/step-data.ts';

/** A draft without the fields of a part just saved (undefined when nothing is left). */
function withoutFields(draft: Record<string, string> | undefined, fields: readonly string[]): Record<string, string> | undefined {
  const left = Object.entries(draft ?? {}).filter(([k]) => !fields.includes(k));
  return left.length ? Object.fromEntries(left) : undefined;
}

/**
 * The complementary procedure: category and sub-category from the slides' tree, part 1 (object,
 * plate when there is one, diplomatic vehicle), part 2 (holder), part 3 (pieces, each stored as
 * soon as it is valid), summary with the terms, then the instruction centre's queue.
 */
export function createTpcService(deps: { db: Db; config: Config; attachments: Attachments; taxes: TaxService }) {
  const { db, config, attachments } = deps;
  const owner = (p: VehicleProcedure) => ({ kind: 'vehicle_procedure', id: p.id });

  async function load(account: Account, fileNumber: string) {
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
    return p && p.kind === 'complementary' ? p : null;
  }
  const stateOf = (p: VehicleProcedure): TpcState => (p.data as { tpc?: TpcState }).tpc ?? { step: 'category' };
  /** Only while the request is still in progress: a step posted as « Transmettre » sends it writes nothing (step-data.ts). */
  async function save(trx: Db, p: VehicleProcedure, tpc: TpcState, set: { vehicle_id?: number | null } = {}, status: ProcedureStatus = EDITABLE_STATUS) {
    await saveStepData(trx, p, { ...set, data: JSON.stringify({ ...(p.data as object), tpc }) }, status);
  }
  const editable = (p: VehicleProcedure) => p.status === 'in_progress';
  /**
   * Locks the request's row while it is still being filled in (false once it was sent): withdrawing
   * a piece and sending the request take this lock first, so a request is never sent without a
   * required piece withdrawn meanwhile.
   */
  const lockEditable = async (trx: Db, p: VehicleProcedure) =>
    !!(await trx.selectFrom('vehicle_procedures').select('id').where('id', '=', p.id).where('status', '=', 'in_progress').forUpdate().executeTakeFirst());
  const NOT_EDITABLE = { ok: false as const, errors: { form: 'Cette demande est transmise : elle ne peut plus être modifiée.' } };

  const pieces = (p: VehicleProcedure) => attachments.list(owner(p));
  function requirements(p: VehicleProcedure) {
    const s = stateOf(p);
    const sub = subcategoryOf(s.category, s.subcategory);
    return sub ? { sub, ...piecesFor(sub, { initiator: p.initiator, diplomatic: !!s.diplomatic }) } : null;
  }

  /** The taxes of a taxed sub-category (fixed tax and delivery, as a certificate without change of owner), or null. */
  async function taxLines(p: VehicleProcedure): Promise<TaxLine[] | null> {
    const s = stateOf(p);
    if (!hasTaxes(s.category, s.subcategory) || !p.vehicle_id) return null;
    const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirstOrThrow();
    return deps.taxes.forVehicle('duplicate', vehicle, s.holder?.postcode ?? '75001');
  }

  function summaryRows(p: VehicleProcedure, s: TpcState, sub: { label: string }, sent: { purpose: string; filename: string }[]) {
    const h = s.holder!;
    return [
      { label: 'Catégorie', value: categoryOf(s.category)!.label },
      { label: 'Sous-catégorie', value: sub.label },
      { label: 'Objet de la demande', value: s.object! },
      { label: 'Demande faite', value: p.initiator === 'self' ? 'pour soi-même' : 'pour quelqu’un d’autre (mandat)' },
      ...(s.diplomatic ? [{ label: 'Véhicule diplomatique', value: 'oui' }] : []),
      { label: 'Titulaire', value: h.kind === 'natural' ? `${h.given_names} ${h.birth_name}, né(e) le ${h.birth_date!.split('-').reverse().join('/')} à ${h.birth_place}` : `${h.company_name} (SIREN ${h.siren})` },
      { label: 'Adresse', value: [h.line1, h.line2, `${h.postcode} ${h.commune}`].filter(Boolean).join(', ') },
      { label: 'Pièces jointes', value: sent.map((a) => `${TPC_PIECES[a.purpose as TpcPiece] ?? a.purpose} (${a.filename})`).join(' ; ') || 'aucune' },
    ];
  }

  return {
    load,
    stateOf,
    taxLines,

    /** Paid: the summary with the amount, then the request goes to the instruction centre. */
    async finalizePaid(trx: Db, procedureId: number): Promise<void> {
      const p = await trx.selectFrom('vehicle_procedures').selectAll().where('id', '=', procedureId).executeTakeFirst();
      if (!p || p.kind !== 'complementary' || p.status !== 'awaiting_payment') return;
      const s = stateOf(p);
      const sub = subcategoryOf(s.category, s.subcategory)!;
      const sent = await attachments.list(owner(p), trx); // inside the payment's transaction (PGlite has one connection)
      const paid = await trx.selectFrom('payments').select('amount_cents').where('procedure_id', '=', p.id).where('status', '=', 'success').executeTakeFirst();
      await save(trx, p, { ...s, step: 'done' }, {}, 'awaiting_payment');
      await issueSummary(trx, {
        procedureId: p.id,
        fileNumber: p.file_number,
        procedure: 'Téléprocédure complémentaire',
        plate: s.plate ?? 'Sans immatriculation',
        rows: [...summaryRows(p, s, sub, sent), { label: 'Montant payé', value: paid ? new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' }).format(paid.amount_cents / 100) : '—' }],
      });
      const moved = await applyTransition(trx, config, p, 'paid_for_review', { kind: 'system', id: null, ip: null }, {
        set: { submitted_at: new Date(), department: departmentOfPostcode(s.holder!.postcode), assigned_agent_id: null, assigned_at: null },
        details: { category: s.category, subcategory: s.subcategory, pieces: sent.length },
      });
      if (!moved.ok) throw new Error(`complementary ${p.file_number}: paid transition refused`);
    },
    pieces,
    requirements,
    thread: (p: VehicleProcedure) => readThread(db, owner(p), 'user'),

    async chooseCategory(p: VehicleProcedure, category: string | undefined): Promise<Outcome<null>> {
      if (!editable(p)) return NOT_EDITABLE;
      if (!categoryOf(category)) return { ok: false, errors: { category: 'Choisissez la catégorie de votre demande' } };
      const s = stateOf(p);
      // another category: its sub-category and pieces are chosen again (the summary waits for them)
      await save(db, p, s.category === category ? s : { ...s, step: 'category', category, subcategory: undefined });
      return { ok: true, value: null };
    },

    async chooseSubcategory(p: VehicleProcedure, subcategory: string | undefined): Promise<Outcome<null>> {
      if (!editable(p)) return NOT_EDITABLE;
      const s = stateOf(p);
      if (!subcategoryOf(s.category, subcategory)) return { ok: false, errors: { subcategory: 'Choisissez la sous-catégorie qui décrit votre demande' } };
      // pieces depend on the sub-category: another one sends the request through part 3 again before the summary
      await save(db, p, { ...s, subcategory, step: s.subcategory === subcategory ? s.step : 'category' });
      return { ok: true, value: null };
    },

    /** Part 1: the object, the plate (asked unless it is a first registration), a diplomatic vehicle. */
    async saveObject(p: VehicleProcedure, input: Record<string, string | undefined>): Promise<Outcome<null>> {
      if (!editable(p)) return NOT_EDITABLE;
      const s = stateOf(p);
      const category = categoryOf(s.category);
      if (!category || !s.subcategory) return { ok: false, errors: { form: 'Choisissez d’abord le motif de la demande.' } };
      const parsed = objectSchema.safeParse(input);
      const errors = parsed.success ? {} : zodErrors(parsed.error);
      let vehicleId: number | null = null;
      let plate: string | undefined;
      const typed = (input.plate ?? '').trim();
      if (category.plate !== 'none' && (typed || category.plate === 'required')) {
        const checked = checkPlate(typed);
        if (!checked.ok) errors.plate = checked.message;
        else {
          const vehicle = await db.selectFrom('vehicles').select(['id', 'plate']).where('plate', '=', checked.plate).executeTakeFirst();
          if (!vehicle) errors.plate = 'Aucun véhicule ne porte ce numéro d’immatriculation : vérifiez-le sur la carte grise (repère A)';
          else [vehicleId, plate] = [vehicle.id, vehicle.plate];
        }
      }
      if (!parsed.success || Object.keys(errors).length) return { ok: false, errors };
      await save(db, p, { ...s, object: parsed.data.object, plate, diplomatic: parsed.data.diplomatic === 'oui', draft: withoutFields(s.draft, TPC_OBJECT_FIELDS) }, { vehicle_id: vehicleId });
      return { ok: true, value: null };
    },

    /** Part 2: the holder's identity and address (checked against the communes reference). */
    async saveHolder(p: VehicleProcedure, input: Record<string, string | undefined>): Promise<Outcome<{ corrected: boolean }>> {
      if (!editable(p)) return NOT_EDITABLE;
      const s = stateOf(p);
      if (!s.object) return { ok: false, errors: { form: 'Remplissez d’abord la partie 1.' } };
      const parsed = holderSchema.safeParse(input);
      const address = checkAddress(input);
      const errors = { ...(parsed.success ? {} : zodErrors(parsed.error)), ...(address.ok ? {} : address.errors) };
      if (!parsed.success || !address.ok) return { ok: false, errors };
      const holder = { ...parsed.data, line1: address.proposed.line1, line2: address.proposed.line2 ?? undefined, postcode: address.proposed.postcode, commune: address.proposed.commune };
      if (holder.kind === 'legal') holder.siren = holder.siren.replace(/\s/g, '');
      await save(db, p, { ...s, holder, draft: withoutFields(s.draft, TPC_HOLDER_FIELDS) });
      return { ok: true, value: { corrected: address.corrected } };
    },

    /**
     * Part 3: each valid file is kept at once (whatever else fails), each wrong one named next to
     * its field; a file may only be for a piece of this request.
     */
    async addPieces(p: VehicleProcedure, uploads: Upload[]): Promise<Outcome<null>> {
      if (!editable(p) && p.status !== 'to_complete') return NOT_EDITABLE;
      const req = requirements(p);
      if (!req) return { ok: false, errors: { form: 'Choisissez d’abord le motif de la demande.' } };
      const allowed = new Set<string>([...req.required, ...req.optional, 'other']);
      const relevant = uploads.filter((u) => u.field.startsWith('piece_') && allowed.has(u.field.slice(6)));
      const checked = await attachments.check(relevant);
      if (checked.accepted.length)
        await db.transaction().execute(async (trx) => {
          for (const file of checked.accepted) await attachments.store(trx, owner(p), { purpose: file.field.slice(6), filename: file.filename, mime: file.mime, bytes: file.bytes, accountId: p.account_id });
        });
      return Object.keys(checked.errors).length ? { ok: false, errors: checked.errors } : { ok: true, value: null };
    },

    /** Withdraws a piece while the request is still being filled in (checked on the locked row: a racing « Transmettre » waits). */
    async removePiece(p: VehicleProcedure, id: number): Promise<boolean> {
      if (!editable(p)) return false;
      const removed = await db.transaction().execute(async (trx) => ((await lockEditable(trx, p)) ? attachments.withdraw(trx, owner(p), id) : undefined));
      if (!removed) return false;
      await attachments.removeBytes(removed);
      return true;
    },

    /** From part 3 to the summary, once every required piece is there. */
    async toSummary(p: VehicleProcedure): Promise<Outcome<null>> {
      if (!editable(p)) return NOT_EDITABLE;
      const req = requirements(p);
      const s = stateOf(p);
      if (!req || !s.holder) return { ok: false, errors: { form: 'Remplissez d’abord les parties 1 et 2.' } };
      const missing = missingPieces(req.sub, { initiator: p.initiator, diplomatic: !!s.diplomatic }, (await pieces(p)).map((a) => a.purpose));
      if (Object.keys(missing).length) return { ok: false, errors: missing };
      await save(db, p, { ...s, step: 'summary' });
      return { ok: true, value: null };
    },

    /** Keeps what was typed in part 1 or 2, unchecked (a refused form, "Reprendre plus tard"). */
    async saveDraft(p: VehicleProcedure, input: Record<string, unknown>): Promise<void> {
      if (!editable(p)) return;
      const s = stateOf(p);
      const typed: Record<string, string> = Object.fromEntries([...TPC_OBJECT_FIELDS, ...TPC_HOLDER_FIELDS].filter((k) => typeof input[k] === 'string').map((k) => [k, (input[k] as string).slice(0, 2000)]));
      if (typeof input.object === 'string') typed.diplomatic ??= ''; // an unticked box is not sent
      await save(db, p, { ...s, draft: { ...(s.draft ?? {}), ...typed } });
    },

    /** Where the request stands, for its pages (model.ts: tpcCurrentPage, tpcCanShow). */
    async progress(p: VehicleProcedure): Promise<TpcProgress> {
      const s = stateOf(p);
      const req = requirements(p);
      const missing = req ? missingPieces(req.sub, { initiator: p.initiator, diplomatic: !!s.diplomatic }, (await pieces(p)).map((a) => a.purpose)) : {};
      return { status: p.status, state: s, piecesMissing: Object.keys(missing).length > 0 };
    },

    /** Summary validated with the terms: sent to the instruction centre, with its summary PDF. */
    async submit(p: VehicleProcedure, actor: Actor): Promise<Outcome<null>> {
      const s = stateOf(p);
      const req = requirements(p);
      if (!editable(p) || s.step !== 'summary' || !req || !s.holder || !s.object) return { ok: false, errors: { form: 'La demande n’est pas complète.' } };
      const h = s.holder;
      const outcome = await db.transaction().execute(async (trx): Promise<'sent' | 'missing' | 'changed'> => {
        if (!(await lockEditable(trx, p))) return 'changed';
        // the pieces as they are under the lock: none can be withdrawn until this transaction ends
        const sent = await attachments.list(owner(p), trx);
        if (Object.keys(missingPieces(req.sub, { initiator: p.initiator, diplomatic: !!s.diplomatic }, sent.map((a) => a.purpose))).length) return 'missing';
        // with taxes: paid first (the summary waits for the payment), then to the centre
        if (hasTaxes(s.category, s.subcategory)) {
          const filed = await applyTransition(trx, config, p, 'file_for_payment', actor, { details: { category: s.category, subcategory: s.subcategory } });
          return filed.ok ? 'sent' : 'changed';
        }
        await save(trx, p, { ...s, step: 'done' });
        await issueSummary(trx, {
          procedureId: p.id,
          fileNumber: p.file_number,
          procedure: 'Téléprocédure complémentaire',
          plate: s.plate ?? 'Sans immatriculation',
          rows: summaryRows(p, s, req.sub, sent),
        });
        const moved = await applyTransition(trx, config, p, 'submit_for_review', actor, {
          set: { submitted_at: new Date(), department: departmentOfPostcode(h.postcode), assigned_agent_id: null, assigned_at: null },
          details: { category: s.category, subcategory: s.subcategory, pieces: sent.length },
        });
        return moved.ok ? 'sent' : 'changed';
      });
      if (outcome === 'missing') return { ok: false, errors: { form: 'Il manque des pièces justificatives : revenez à la partie 3.' } };
      return outcome === 'sent' ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
    },

    /** À compléter: the user answers and may add pieces; the request goes back to the centre. */
    async answer(p: VehicleProcedure, uploads: Upload[], message: string, actor: Actor): Promise<Outcome<null>> {
      if (p.status !== 'to_complete') return { ok: false, errors: { form: 'Cette demande n’attend pas de complément.' } };
      const text = message.trim();
      const errors: Record<string, string> = {};
      if (!text) errors.message = 'Écrivez votre réponse au centre d’instruction';
      else if (text.length > ANSWER_MAX) errors.message = `Votre réponse dépasse ${ANSWER_MAX} caractères`;
      const files = uploads.filter((u) => u.field === 'piece_other');
      const checked = await attachments.check(files);
      Object.assign(errors, checked.errors);
      if (Object.keys(errors).length) return { ok: false, errors };
      const moved = await db.transaction().execute(async (trx) => {
        for (const file of checked.accepted) await attachments.store(trx, owner(p), { purpose: 'other', filename: file.filename, mime: file.mime, bytes: file.bytes, accountId: p.account_id });
        await postMessage(trx, owner(p), { kind: 'user', accountId: p.account_id }, text);
        const r = await applyTransition(trx, config, p, 'resubmit', actor, { set: { submitted_at: new Date(), assigned_agent_id: null, assigned_at: null }, details: { new_pieces: checked.accepted.length } });
        if (!r.ok) throw Object.assign(new Error('lost'), { lost: true });
        return r;
      }).catch((e: Error & { lost?: boolean }) => (e.lost ? null : Promise.reject(e)));
      return moved ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
    },
  };
}
export type TpcService = ReturnType<typeof createTpcService>;
