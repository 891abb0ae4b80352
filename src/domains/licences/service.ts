import { createHash, randomInt } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, SYSTEM, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Account, Agent } from '../../schema.ts';
import { REFUSAL_REASONS, type Attachments, type RefusalReason } from '../../platform/files/attachments.ts';
import type { Attachment } from '../../platform/files/tables.ts';
import type { Upload } from '../../platform/files/validation.ts';
import { enqueue } from '../../platform/jobs/queue.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { parisDay } from '../../platform/time.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../accounts/service.ts';
import type { StampService, StampThrottle } from '../stamps/service.ts';
import { DOCUMENT_TITLES, licencePdf, verificationSignature, type LicenceDocument } from './documents.ts';
import {
  AM_ONLY_REASONS,
  attestationAvailable,
  CORRECTABLE_ORIGINS,
  CORRECTION_NOT_ONLINE,
  DRIVING_WHILE_WAITING,
  canFire,
  CATEGORIES,
  CATEGORY_KEYS,
  categoryAgeMessage,
  categoryTooYoung,
  contactSchema,
  CORRECTION_ERRORS,
  CORRECTION_EXCLUSIONS,
  CORRECTION_TOO_OLD,
  DRIVING_SCHOOL_REASONS,
  EDITABLE,
  formatNeph,
  identitySchema,
  nephField,
  normalizeDateInput,
  normalizeStamp,
  PIECES,
  PURGE_WARNING_DAYS,
  QUEUE_PAGE_SIZE,
  REASONS,
  reasonHasCategories,
  reasonHasLicenceNumber,
  reasonNeedsPhoto,
  requiredPieces,
  RETENTION_MONTHS,
  sixMonthsBefore,
  stampAmountCents,
  startSchema,
  STAMP_NUMBER,
  STATUS_KEYS,
  STATUSES,
  TRANSITIONS,
  REASON_KEYS,
  type Category,
  type CorrectionExclusion,
  type Piece,
  type Reason,
  type Status,
  type Step,
  type Transition,
} from './model.ts';
import type { PhotoService } from './photo-service.ts';
import type { LicenceData, LicenceRequest } from './tables.ts';

export const OWNER_KIND = 'licence_request';
export const PURGE_JOB = 'licence-purge';

type Input = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? ''));
const many = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter((s) => s !== '');
const today = () => new Date().toISOString().slice(0, 10);
const eur = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')} €`;

/** The stamp service as this domain uses it (src/domains/stamps, wired as app.stamps). */
export type StampPort = Pick<StampService, 'check' | 'consume'>;

export function newLicenceFileNumber(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  return `P${String(new Date().getUTCFullYear()).slice(2)}-${Array.from({ length: 8 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;
}

export const dataOf = (r: LicenceRequest): LicenceData => (typeof r.data === 'string' ? JSON.parse(r.data) : r.data) as LicenceData;
export const categoriesOf = (r: LicenceRequest): Category[] => (dataOf(r).details?.categories ?? []) as Category[];
export const feeOf = (r: LicenceRequest): number => stampAmountCents(r.reason, dataOf(r).identity?.postcode);
export const deletionDate = (r: { created_at: Date }): Date => {
  const d = new Date(r.created_at);
  d.setUTCMonth(d.getUTCMonth() + RETENTION_MONTHS);
  return d;
};
export const personName = (r: LicenceRequest): string => {
  const i = dataOf(r).identity;
  return i ? `${i.given_names} ${i.family_name.toUpperCase()}` : '—';
};

/** Which steps are complete, and the first one still to do (where "Reprendre" goes). */
export function progress(r: LicenceRequest): { done: Record<Exclude<Step, 'reason' | 'summary'>, boolean>; next: Step } {
  const d = dataOf(r);
  const done = {
    details: !!d.details,
    identity: !!d.identity,
    contact: !!d.contact && (!reasonNeedsPhoto(r.reason) || !!r.photo_mode),
    pieces: !!d.done?.includes('pieces'),
  };
  const next = (['details', 'identity', 'contact', 'pieces'] as const).find((s) => !done[s]) ?? 'summary';
  return { done, next };
}

export function createLicencesService(deps: { db: Db; config: Config; attachments: Attachments; photos: PhotoService; stamps: StampPort }) {
  const { db, config, attachments, photos, stamps } = deps;
  const link = (r: { file_number: string }) => `${config.publicUrl}/permis/demandes/${r.file_number}`;
  const owner = (r: { id: number }) => ({ kind: OWNER_KIND, id: r.id });

  async function save(trx: Db, r: LicenceRequest, patch: Partial<LicenceData>, extra: Record<string, unknown> = {}) {
    const data = { ...dataOf(r), ...patch };
    const identity = data.identity;
    await trx
      .updateTable('licence_requests')
      .set({ data: JSON.stringify(data), updated_at: new Date(), person_name: identity ? `${identity.family_name} ${identity.given_names}`.toUpperCase() : null, ...extra })
      .where('id', '=', r.id)
      .execute();
  }

  /** Who is told: the person concerned's contact details from step 4 (FAQ), or the account's. */
  async function notify(trx: Db, r: LicenceRequest, subject: string, text: string, dedupeKey: string, sms = true) {
    const d = dataOf(r);
    const to = d.contact ? { email: d.contact.email, mobile: d.contact.mobile || null, firstName: d.identity?.given_names.split(' ')[0] ?? null } : undefined;
    await notifyUser(trx, { accountId: r.account_id, to, subject: `${subject} (${r.file_number})`, text, link: link(r), sms, dedupeKey });
  }

  /**
   * The one function that changes a request's status: checks the transition from the state
   * machine, writes the row if it is still in that state (and still the agent's, for an agent),
   * audits and notifies, in the caller's transaction. Returns false when the row moved meanwhile.
   */
  async function fire(trx: Db, r: LicenceRequest, t: Transition, actor: Actor, opts: { note?: string | null; agentId?: number; set?: Record<string, unknown> } = {}): Promise<boolean> {
    const def = TRANSITIONS[t];
    if (!canFire(t, r.status)) return false;
    let q = trx
      .updateTable('licence_requests')
      .set({
        status: def.to,
        updated_at: new Date(),
        ...(def.by === 'agent' && t !== 'check_images' ? { decided_at: new Date() } : {}),
        ...(def.note ? { decision_note: opts.note ?? null } : {}),
        ...(opts.set ?? {}),
      })
      .where('id', '=', r.id)
      .where('status', '=', r.status);
    if (def.by === 'agent') q = q.where('assigned_agent_id', '=', opts.agentId ?? -1);
    const res = await q.executeTakeFirst();
    if (Number(res.numUpdatedRows) !== 1) return false;
    const moved = { ...r, status: def.to as Status };
    // no personal data in the message (the agent's note, the NEPH): they are read once signed in
    let text: string = def.notify;
    if (t === 'accept_images' && r.reason === 'loss') text += '\n\nVotre attestation de droits à conduire est disponible dans votre espace : téléchargez-la. Elle vous permet de conduire dans l’attente du nouveau titre.';
    if (t === 'validate' && r.reason === 'registration') text += '\n\nVotre numéro NEPH est affiché dans votre espace : vous pouvez vous inscrire à l’examen du code.';
    // FAQ: "Vous serez prévenu par email et sms dès que l’attestation sera disponible" — the SMS carries the subject
    const subject = t === 'accept_images' && r.reason === 'loss' ? 'Votre attestation de droits à conduire est disponible' : `Votre demande de permis de conduire : ${STATUSES[def.to].label}`;
    await notify(trx, moved, subject, text, `licence:${r.id}:${t}:${Date.now()}`);
    await audit(trx, actor, `licence.${t}`, { kind: 'licence_request', id: r.id }, { file: r.file_number, from: r.status, to: def.to, ...(opts.note ? { note: true } : {}) });
    return true;
  }

  /** The account's validated online requests whose title a correction may concern (FAQ), newest first. */
  async function correctableOrigins(accountId: number): Promise<{ file: string; reason: Reason; decidedAt: Date | null }[]> {
    const rows = await db
      .selectFrom('licence_requests')
      .select(['file_number', 'reason', 'decided_at'])
      .where('account_id', '=', accountId)
      .where('status', '=', 'validated')
      .where('reason', 'in', CORRECTABLE_ORIGINS)
      .orderBy('decided_at', 'desc')
      .limit(50)
      .execute();
    return rows.map((o) => ({ file: o.file_number, reason: o.reason, decidedAt: o.decided_at }));
  }

  async function documentContent(r: LicenceRequest) {
    const d = dataOf(r);
    const i = d.identity!;
    return {
      fileNumber: r.file_number,
      reason: REASONS[r.reason].short,
      person: { name: `${i.given_names} ${i.family_name.toUpperCase()}${i.usage_name ? ` (nom d’usage ${i.usage_name.toUpperCase()})` : ''}`, birthDate: i.birth_date, birthPlace: i.birth_place, address: [i.address_line1, `${i.postcode} ${i.commune}`] },
      categories: categoriesOf(r),
      neph: r.neph,
      submittedAt: r.submitted_at ?? r.created_at,
      issuedAt: new Date(),
      fee: r.fee_cents ? `${eur(r.fee_cents)}, timbre n° •••• ${r.stamp_last4 ?? ''}` : null,
      photo: r.photo_mode,
      whileWaiting: DRIVING_WHILE_WAITING[r.reason] ?? [],
    };
  }

  const service = {
    // ------------------------------------------------------------ user side

    correctableOrigins,

    list: (account: Account) => db.selectFrom('licence_requests').selectAll().where('account_id', '=', account.id).orderBy('created_at', 'desc').orderBy('id', 'desc').execute(),

    /** One request of this account (null for anyone else's: the route answers 404). */
    load: (account: Account, fileNumber: string) =>
      db.selectFrom('licence_requests').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst().then((r) => r ?? null),

    /** Reasons this account may choose: a driving school files registrations for its students. */
    reasonsFor: (account: Account): Reason[] => (account.profile === 'driving_school' ? [...DRIVING_SCHOOL_REASONS] : REASON_KEYS),

    async start(account: Account, input: Input, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
      const parsed = startSchema.safeParse({ reason: one(input.reason) || undefined, for_whom: one(input.for_whom) || undefined, idempotency_key: one(input.idempotency_key) });
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const { reason, idempotency_key } = parsed.data;
      let forWhom = parsed.data.for_whom;
      if (!service.reasonsFor(account).includes(reason))
        return { ok: false, errors: { reason: reason === 'correction' ? 'Les écoles de conduite ne sont pas autorisées à faire une demande de correction : la personne titulaire la fait depuis son propre compte.' : 'Une école de conduite peut seulement faire la demande d’inscription de ses élèves.' } };
      if (account.profile === 'driving_school') forWhom = 'other';
      const earlier = await db.selectFrom('licence_requests').select('file_number').where('account_id', '=', account.id).where('idempotency_key', '=', idempotency_key).executeTakeFirst();
      if (earlier) return { ok: true, value: { fileNumber: earlier.file_number } };
      const fileNumber = newLicenceFileNumber();
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('licence_requests')
          .values({ file_number: fileNumber, account_id: account.id, reason, for_other: forWhom === 'other', idempotency_key, data: JSON.stringify({}) })
          .onConflict((oc) => oc.columns(['account_id', 'idempotency_key']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) await audit(trx, actor, 'licence.draft_created', { kind: 'licence_request', id: row.id }, { file: fileNumber, reason });
      });
      const saved = await db.selectFrom('licence_requests').select('file_number').where('account_id', '=', account.id).where('idempotency_key', '=', idempotency_key).executeTakeFirstOrThrow();
      return { ok: true, value: { fileNumber: saved.file_number } };
    },

    /** Step 2: categories, NEPH, licence number, correction questions; the reason itself never changes. */
    async saveDetails(r: LicenceRequest, input: Input): Promise<Outcome<null>> {
      if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: 'Cette demande n’est plus modifiable.' } };
      const errors: FieldErrors = {};
      const details: NonNullable<LicenceData['details']> = {};
      if (reasonHasCategories(r.reason)) {
        const amOnly = AM_ONLY_REASONS.includes(r.reason) && one(input.am_only) === 'oui';
        const cats = amOnly ? ['AM'] : many(input.categories).filter((c): c is Category => (CATEGORY_KEYS as string[]).includes(c));
        if (!cats.length) errors.categories = 'Cochez au moins une catégorie';
        details.categories = cats;
        details.am_only = amOnly;
        const birth = dataOf(r).identity?.birth_date;
        const young = birth && cats.length ? categoryTooYoung(cats as Category[], birth, today()) : null;
        if (young) errors.categories = categoryAgeMessage(young);
      }
      const neph = nephField.safeParse(one(input.neph));
      if (!neph.success) errors.neph = neph.error.issues[0]!.message;
      else details.neph = neph.data;
      if (reasonHasLicenceNumber(r.reason)) {
        const n = one(input.licence_number).trim().toUpperCase().replace(/\s/g, '');
        if (!n) errors.licence_number = 'Saisissez le numéro du permis (rubrique 5 au recto de la carte)';
        else if (!/^[A-Z0-9]{6,20}$/.test(n)) errors.licence_number = 'Le numéro du permis comporte de 6 à 20 lettres et chiffres, tel qu’il figure en rubrique 5 au recto';
        details.licence_number = n;
      }
      if (r.reason === 'foreign_exchange') {
        const country = one(input.country).trim();
        if (!country) errors.country = 'Saisissez le pays qui a délivré le permis';
        details.country = country.slice(0, 60);
      }
      if (r.reason === 'correction') {
        const exclusions = many(input.exclusions).filter((e): e is CorrectionExclusion => e in CORRECTION_EXCLUSIONS);
        if (exclusions.length) errors.exclusions = CORRECTION_EXCLUSIONS[exclusions[0]!].refusal;
        const received = normalizeDateInput(one(input.received_on));
        details.received_on = one(input.received_on);
        if (!/^\d{4}-\d{2}-\d{2}$/.test(received) || Number.isNaN(new Date(`${received}T00:00:00Z`).getTime()))
          errors.received_on = 'Saisissez la date de réception du titre, au format jj/mm/aaaa';
        else if (received > today()) errors.received_on = 'La date de réception ne peut pas être dans le futur';
        else if (received < sixMonthsBefore(today())) errors.received_on = CORRECTION_TOO_OLD;
        else details.received_on = received;
        const original = one(input.original_file).trim();
        details.original_file = original;
        if (!(await correctableOrigins(r.account_id)).some((o) => o.file === original)) errors.original_file = CORRECTION_NOT_ONLINE;
        const kind = one(input.correction_error);
        if (!(kind in CORRECTION_ERRORS)) errors.correction_error = 'Indiquez la nature de l’erreur constatée';
        details.correction_error = kind;
        const detail = one(input.correction_detail).trim();
        if (!detail) errors.correction_detail = 'Décrivez l’erreur et la mention correcte';
        else if (detail.length > 1000) errors.correction_detail = '1 000 caractères au plus';
        details.correction_detail = detail.slice(0, 1000);
      }
      if (Object.keys(errors).length) return { ok: false, errors };
      await save(db, r, { details }, { neph: details.neph || null, step: 'identity' });
      return { ok: true, value: null };
    },

    /** Step 3: the person concerned (the user, or the other person); the categories are checked against the birth date. */
    async saveIdentity(r: LicenceRequest, input: Input): Promise<Outcome<null>> {
      if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: 'Cette demande n’est plus modifiable.' } };
      const raw = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, one(v)]));
      const parsed = identitySchema.safeParse({ ...raw, birth_date: normalizeDateInput(raw.birth_date), sex: raw.sex || undefined });
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const young = categoryTooYoung(categoriesOf(r), parsed.data.birth_date, today());
      if (young) return { ok: false, errors: { birth_date: categoryAgeMessage(young) } };
      await save(db, r, { identity: parsed.data }, { step: 'contact' });
      return { ok: true, value: null };
    },

    /** Step 4: where the person concerned can be reached, and the photo-signature (code or classic photo). */
    async saveContact(r: LicenceRequest, input: Input, who: { accountId: number; ip: string }): Promise<Outcome<null>> {
      if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: 'Cette demande n’est plus modifiable.' } };
      const needsPhoto = reasonNeedsPhoto(r.reason) && r.status === 'draft';
      const parsed = contactSchema.safeParse({ email: one(input.email), mobile: one(input.mobile), photo_mode: needsPhoto ? one(input.photo_mode) || undefined : 'classic', photo_code: one(input.photo_code) });
      const errors: FieldErrors = parsed.success ? {} : zodErrors(parsed.error);
      let codeId: number | null = null;
      if (needsPhoto && parsed.success && parsed.data.photo_mode === 'code') {
        const checked = await photos.check(parsed.data.photo_code, who, r.id);
        if (!checked.ok) errors.photo_code = checked.error;
        else codeId = checked.id;
      }
      if (Object.keys(errors).length || !parsed.success) return { ok: false, errors };
      const contact = { email: parsed.data.email, mobile: parsed.data.mobile };
      const outcome = await db.transaction().execute(async (trx) => {
        if (!needsPhoto) {
          await save(trx, r, { contact }, { step: 'pieces' });
          return true;
        }
        if (codeId !== null && !(await photos.use(trx, codeId, r.id))) return false;
        await photos.release(trx, r.id, codeId);
        await save(trx, r, { contact }, { step: 'pieces', photo_mode: parsed.data.photo_mode, photo_code_id: codeId });
        return true;
      });
      if (!outcome) return { ok: false, errors: { photo_code: 'Ce code photo-signature vient d’être utilisé pour une autre demande : un code ne sert qu’une fois' } };
      return { ok: true, value: null };
    },

    pieces: (r: LicenceRequest) => attachments.list(owner(r)),
    /** One piece of this request (the caller checked the request is the user's). */
    piece: (r: LicenceRequest, attachmentId: number) => attachments.find(owner(r), attachmentId),
    required: (r: LicenceRequest): Piece[] => requiredPieces(r.reason, categoriesOf(r)),

    /** Step 5: stores every accepted file (nothing is lost), names each refused one next to its field. */
    async savePieces(r: LicenceRequest, uploads: Upload[], account: Account, actor: Actor, finish: boolean): Promise<Outcome<null>> {
      if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: 'Cette demande n’est plus modifiable.' } };
      const allowed = new Set<string>(service.required(r));
      const checked = await attachments.check(uploads.filter((u) => allowed.has(u.field)));
      const { errors } = checked;
      // a double click sends the same files twice: a file already joined for the same piece is not stored again
      const existing = await service.pieces(r);
      const accepted = checked.accepted.filter((f) => !existing.some((a) => a.purpose === f.field && a.sha256 === createHash('sha256').update(f.bytes).digest('hex')));
      if (accepted.length)
        await db.transaction().execute(async (trx) => {
          for (const file of accepted) await attachments.store(trx, owner(r), { purpose: file.field, filename: file.filename, mime: file.mime, bytes: file.bytes, accountId: account.id });
          await trx.updateTable('licence_requests').set({ updated_at: new Date() }).where('id', '=', r.id).execute();
          await audit(trx, actor, 'licence.pieces_added', { kind: 'licence_request', id: r.id }, { purposes: accepted.map((f) => f.field) });
        });
      if (Object.keys(errors).length) return { ok: false, errors };
      if (finish) {
        const have = await service.pieces(r);
        const missing = service.required(r).filter((p) => !have.some((a) => a.purpose === p && a.review_status !== 'refused'));
        if (missing.length) return { ok: false, errors: Object.fromEntries(missing.map((p) => [p, `Joignez : ${PIECES[p].label.charAt(0).toLowerCase()}${PIECES[p].label.slice(1)}`])) };
        await save(db, r, { done: [...new Set([...(dataOf(r).done ?? []), 'pieces'])] }, { step: 'summary' });
      }
      return { ok: true, value: null };
    },

    /**
     * Sends the draft (or the completed request): every step complete, the terms accepted, the
     * timbre (when due) checked then consumed in the same transaction as the status change.
     */
    async submit(r: LicenceRequest, input: Input, actor: Actor, throttle: StampThrottle): Promise<Outcome<null>> {
      const t: Transition = r.status === 'to_complete' ? 'resubmit' : 'submit';
      if (!canFire(t, r.status)) return { ok: false, errors: { form: 'Cette demande est déjà envoyée.' } };
      const { next } = progress(r);
      if (next !== 'summary') return { ok: false, errors: { form: 'La demande n’est pas complète : terminez chaque étape avant de l’envoyer.' } };
      const errors: FieldErrors = {};
      const fee = t === 'submit' ? feeOf(r) : 0;
      const number = normalizeStamp(one(input.stamp_number));
      if (fee) {
        if (!number) errors.stamp_number = 'Saisissez le numéro du timbre fiscal électronique (16 chiffres)';
        else if (!STAMP_NUMBER.test(number)) errors.stamp_number = 'Le numéro du timbre fiscal comporte 16 chiffres, par exemple 1234 5678 9012 3456';
        else {
          const checked = await stamps.check(number, fee, { throttle });
          if (!checked.ok) errors.stamp_number = checked.error;
        }
      }
      if (one(input.clu) !== 'oui') errors.clu = 'Cochez la case pour certifier exactes les informations de la demande';
      if (Object.keys(errors).length) return { ok: false, errors };
      const result = await db.transaction().execute(async (trx): Promise<FieldErrors | null> => {
        // the request's row first: every row lock is taken before the audit chain's lock (the stamp service audits its consumption)
        await sql`select id from licence_requests where id = ${r.id} for update`.execute(trx);
        let last4: string | null = null;
        if (fee) {
          const used = await stamps.consume(trx, number, { amountCents: fee, usage: `Permis de conduire ${r.file_number}` });
          if (!used.ok) return { stamp_number: used.error };
          last4 = used.last4 ?? number.slice(-4);
        }
        const set = t === 'submit' ? { submitted_at: new Date(), fee_cents: fee, stamp_last4: last4, step: 'summary' } : {};
        if (!(await fire(trx, r, t, actor, { set }))) throw new Error('moved');
        return null;
      }).catch((e: unknown) => {
        if (e instanceof Error && e.message === 'moved') return { form: 'Cette demande est déjà envoyée.' } as FieldErrors;
        throw e;
      });
      return result ? { ok: false, errors: result } : { ok: true, value: null };
    },

    /** Deletes a draft (the FAQ's way to change the reason): its photo code is given back, its pieces removed. */
    async deleteDraft(r: LicenceRequest, actor: Actor): Promise<boolean> {
      if (r.status !== 'draft') return false;
      const files = await attachments.list(owner(r));
      const deleted = await db.transaction().execute(async (trx) => {
        await photos.release(trx, r.id);
        await trx.deleteFrom('attachments').where('owner_kind', '=', OWNER_KIND).where('owner_id', '=', r.id).execute();
        const res = await trx.deleteFrom('licence_requests').where('id', '=', r.id).where('status', '=', 'draft').executeTakeFirst();
        if (Number(res.numDeletedRows) !== 1) return false;
        await audit(trx, actor, 'licence.draft_deleted', { kind: 'licence_request', id: r.id }, { file: r.file_number });
        return true;
      });
      if (deleted) await removeBytes(files);
      return deleted;
    },

    /** Which documents this request offers now. */
    documentsOf(r: LicenceRequest): LicenceDocument[] {
      if (r.status === 'draft') return [];
      return [
        'recepisse' as const,
        ...(r.photo_mode === 'classic' && reasonNeedsPhoto(r.reason) ? (['fps'] as const) : []),
        ...(attestationAvailable(r.reason, r.status) ? (['attestation'] as const) : []),
      ];
    },

    async document(r: LicenceRequest, kind: LicenceDocument): Promise<{ pdf: Buffer; filename: string } | null> {
      if (!service.documentsOf(r).includes(kind)) return null;
      const url = `${config.publicUrl}/permis/verifier/${r.file_number}/${verificationSignature(config.sessionSecret, r.file_number)}`;
      const pdf = await licencePdf(kind, await documentContent(r), url);
      return { pdf, filename: `${kind}-${r.file_number}.pdf` };
    },

    /** The public verification page's facts (no personal data beyond initials). */
    async verify(fileNumber: string) {
      const r = await db.selectFrom('licence_requests').selectAll().where('file_number', '=', fileNumber).executeTakeFirst();
      if (!r || r.status === 'draft') return null;
      const i = dataOf(r).identity;
      return { fileNumber: r.file_number, reason: REASONS[r.reason].short, status: r.status, submittedAt: r.submitted_at, initials: i ? `${i.given_names.charAt(0)}. ${i.family_name.charAt(0)}.` : '' };
    },

    // ------------------------------------------------------------ back office (licence service)

    findAgent: (id: number) => db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst(),

    /** The queue: submitted requests, oldest first, by status and reason, searched by file number or name; keyset pages. */
    async queue(agent: Agent, f: { status?: Status | null; reason?: Reason | null; q?: string; after?: string | null }) {
      requireLicenceAgent(agent);
      let q = db
        .selectFrom('licence_requests')
        .leftJoin('agents', 'agents.id', 'licence_requests.assigned_agent_id')
        .select(['licence_requests.id', 'file_number', 'reason', 'licence_requests.status', 'person_name', 'submitted_at', 'assigned_agent_id', 'agents.display_name as assignee'])
        .where('licence_requests.status', '<>', 'draft');
      if (f.status) q = q.where('licence_requests.status', '=', f.status);
      if (f.reason) q = q.where('reason', '=', f.reason);
      const term = (f.q ?? '').trim().toUpperCase();
      if (term) q = q.where((eb) => eb.or([eb('file_number', '=', term), eb('person_name', 'like', `%${term.replace(/[%_\\]/g, '')}%`)]));
      const cursor = /^(\d+)-(\d+)$/.exec(f.after ?? '');
      if (cursor) {
        const at = new Date(Number(cursor[1]));
        const id = Number(cursor[2]);
        q = q.where((eb) => eb.or([eb('submitted_at', '>', at), eb.and([eb('submitted_at', '=', at), eb('licence_requests.id', '>', id)])]));
      }
      const rows = await q.orderBy('submitted_at').orderBy('licence_requests.id').limit(QUEUE_PAGE_SIZE + 1).execute();
      const page = rows.slice(0, QUEUE_PAGE_SIZE);
      const lastRow = page.at(-1);
      const next = rows.length > QUEUE_PAGE_SIZE && lastRow?.submitted_at ? `${lastRow.submitted_at.getTime()}-${lastRow.id}` : null;
      return { rows: page, next };
    },

    async forAgent(agent: Agent, id: number) {
      requireLicenceAgent(agent);
      const r = await db.selectFrom('licence_requests').selectAll().where('id', '=', id).where('status', '<>', 'draft').executeTakeFirst();
      if (!r) return null;
      const [pieces, account, assignee] = await Promise.all([
        attachments.list(owner(r)),
        db.selectFrom('accounts').select(['email', 'profile', 'given_name', 'family_name', 'organisation_name']).where('id', '=', r.account_id).executeTakeFirst(),
        r.assigned_agent_id ? db.selectFrom('agents').select('display_name').where('id', '=', r.assigned_agent_id).executeTakeFirst() : undefined,
      ]);
      return { request: r, pieces, account, assignee: assignee?.display_name ?? null };
    },

    attachmentForAgent: async (agent: Agent, id: number, attachmentId: number) => {
      requireLicenceAgent(agent);
      const r = await db.selectFrom('licence_requests').select('id').where('id', '=', id).where('status', '<>', 'draft').executeTakeFirst();
      return r ? attachments.find(owner(r), attachmentId) : undefined;
    },

    /** An agent takes a request: no one else can decide it. A sent request moves to "Vérification des images". */
    async take(agent: Agent, id: number, ip: string): Promise<Outcome<null>> {
      requireLicenceAgent(agent);
      return db.transaction().execute(async (trx) => {
        const r = await trx.selectFrom('licence_requests').selectAll().where('id', '=', id).executeTakeFirst();
        if (!r || r.status === 'draft') return { ok: false, errors: { form: 'Demande introuvable.' } };
        if (r.assigned_agent_id && r.assigned_agent_id !== agent.id) return { ok: false, errors: { form: 'Cette demande est déjà prise par un autre agent : vous ne pouvez pas la traiter.' } };
        const res = await trx
          .updateTable('licence_requests')
          .set({ assigned_agent_id: agent.id, assigned_at: new Date() })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('assigned_agent_id', 'is', null), eb('assigned_agent_id', '=', agent.id)]))
          .executeTakeFirst();
        if (Number(res.numUpdatedRows) !== 1) return { ok: false, errors: { form: 'Cette demande vient d’être prise par un autre agent.' } };
        const actor: Actor = { kind: 'agent', id: agent.id, ip };
        if (r.status === 'sent') await fire(trx, { ...r, assigned_agent_id: agent.id }, 'check_images', actor, { agentId: agent.id });
        else await audit(trx, actor, 'licence.taken', { kind: 'licence_request', id }, { file: r.file_number });
        return { ok: true, value: null };
      });
    },

    /** A decision, through the state machine: refused (nothing changes) in a state that does not allow it or on someone else's request. */
    async decide(agent: Agent, id: number, t: Transition, input: Input, ip: string): Promise<Outcome<null>> {
      requireLicenceAgent(agent);
      const def = TRANSITIONS[t];
      if (def.by !== 'agent' || t === 'check_images') return { ok: false, errors: { form: 'Décision inconnue.' } };
      const note = one(input.note).trim();
      if (def.note && !note) return { ok: false, errors: { note: t === 'request_complement' ? 'Indiquez ce que l’usager doit compléter : ce texte lui est montré' : 'Indiquez le motif : il est montré à l’usager' } };
      if (note.length > 1000) return { ok: false, errors: { note: '1 000 caractères au plus' } };
      return db.transaction().execute(async (trx): Promise<Outcome<null>> => {
        const r = await trx.selectFrom('licence_requests').selectAll().where('id', '=', id).executeTakeFirst();
        if (!r || r.status === 'draft') return { ok: false, errors: { form: 'Demande introuvable.' } };
        if (r.assigned_agent_id !== agent.id)
          return { ok: false, errors: { form: r.assigned_agent_id ? 'Cette demande est prise par un autre agent : seule cette personne peut la décider.' : 'Prenez d’abord la demande pour la traiter.' } };
        if (r.status === def.to && !def.note) return { ok: true, value: null }; // the same decision, clicked twice
        if (!canFire(t, r.status)) return { ok: false, errors: { form: `La décision « ${def.label} » n’est pas possible pour une demande à l’état « ${statusLabel(r.status)} ».` } };
        if (t === 'validate') {
          // every piece the request needs accepted: a refused or unexamined one is asked again, never validated
          const pieces = await attachments.list(owner(r), trx);
          const open = service.required(r).filter((p) => !pieces.some((a) => a.purpose === p && a.review_status === 'accepted'));
          if (open.length)
            return {
              ok: false,
              errors: { form: `Acceptez d’abord chaque pièce, ou demandez un complément : ${open.map((p) => PIECES[p].label.charAt(0).toLowerCase() + PIECES[p].label.slice(1)).join(', ')}.` },
            };
        }
        const set: Record<string, unknown> = {};
        if (t === 'validate' && r.reason === 'registration' && !r.neph) set.neph = await allocateNeph(trx, dataOf(r).identity?.postcode ?? '75000');
        const ok = await fire(trx, r, t, { kind: 'agent', id: agent.id, ip }, { note: note || null, agentId: agent.id, set });
        if (!ok) return { ok: false, errors: { form: 'Cette demande a changé entre-temps : rechargez la page.' } };
        return { ok: true, value: null };
      });
    },

    /** An agent accepts or refuses one piece, with a reason from the list and a free text. */
    async reviewPiece(agent: Agent, id: number, attachmentId: number, input: Input, ip: string): Promise<Outcome<null>> {
      requireLicenceAgent(agent);
      const r = await db.selectFrom('licence_requests').selectAll().where('id', '=', id).executeTakeFirst();
      const piece = r ? await attachments.find(owner(r), attachmentId) : undefined;
      if (!r || !piece) return { ok: false, errors: { form: 'Pièce introuvable.' } };
      if (r.assigned_agent_id !== agent.id) return { ok: false, errors: { form: r.assigned_agent_id ? 'Cette demande est prise par un autre agent.' : 'Prenez d’abord la demande pour la traiter.' } };
      const verdict = one(input.verdict);
      const reason = one(input.reason);
      const note = one(input.note).trim().slice(0, 500);
      if (verdict !== 'accepted' && verdict !== 'refused') return { ok: false, errors: { [`verdict-${attachmentId}`]: 'Choisissez d’accepter ou de refuser la pièce' } };
      if (verdict === 'refused' && !(reason in REFUSAL_REASONS)) return { ok: false, errors: { [`reason-${attachmentId}`]: 'Choisissez le motif du refus de la pièce' } };
      const done = await db.transaction().execute(async (trx) => {
        const ok = await attachments.review(trx, attachmentId, { status: verdict, reason: verdict === 'refused' ? (reason as RefusalReason) : null, note: note || null, agentId: agent.id });
        if (ok) await audit(trx, { kind: 'agent', id: agent.id, ip }, `licence.piece_${verdict}`, { kind: 'licence_request', id }, { attachment: attachmentId, purpose: piece.purpose, reason: verdict === 'refused' ? reason : null });
        return ok;
      });
      return done ? { ok: true, value: null } : { ok: false, errors: { form: 'Cette pièce a déjà été examinée.' } };
    },

    // ------------------------------------------------------------ retention

    /** Enqueued by every node's housekeeping, once a day in all (dedupe key per Paris day). */
    async enqueueDailyPurge(now = new Date()): Promise<void> {
      await enqueue(db, PURGE_JOB, { day: parisDay(now) }, { dedupeKey: `licence-purge-${parisDay(now)}` });
    },

    /** Warns a week before, then deletes every request older than 6 months, whatever its status. */
    async purge(now = new Date()): Promise<{ warned: number; deleted: number }> {
      const cutoff = new Date(now);
      cutoff.setUTCMonth(cutoff.getUTCMonth() - RETENTION_MONTHS);
      const warnCutoff = new Date(cutoff.getTime() + PURGE_WARNING_DAYS * 86_400_000);
      let warned = 0;
      const toWarn = await db.selectFrom('licence_requests').selectAll().where('created_at', '<', warnCutoff).where('created_at', '>=', cutoff).where('purge_warned_at', 'is', null).execute();
      for (const r of toWarn)
        await db.transaction().execute(async (trx) => {
          const res = await trx.updateTable('licence_requests').set({ purge_warned_at: now }).where('id', '=', r.id).where('purge_warned_at', 'is', null).executeTakeFirst();
          if (Number(res.numUpdatedRows) !== 1) return;
          const when = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' }).format(deletionDate(r));
          await notify(trx, r, 'Votre demande de permis sera supprimée dans une semaine', `Votre demande ${r.file_number} sera supprimée le ${when} : les demandes sont supprimées 6 mois après leur création, quel que soit leur statut. Téléchargez avant cette date les documents dont vous avez besoin.`, `licence:${r.id}:purge-warning`, false);
          warned++;
        });
      const old = await db.selectFrom('licence_requests').select(['id', 'file_number']).where('created_at', '<', cutoff).execute();
      const files = old.length ? await db.selectFrom('attachments').selectAll().where('owner_kind', '=', OWNER_KIND).where('owner_id', 'in', old.map((r) => r.id)).execute() : [];
      if (old.length)
        await db.transaction().execute(async (trx) => {
          const ids = old.map((r) => r.id);
          await trx.updateTable('licence_photo_codes').set({ used_by_request_id: null }).where('used_by_request_id', 'in', ids).execute();
          await trx.deleteFrom('attachments').where('owner_kind', '=', OWNER_KIND).where('owner_id', 'in', ids).execute();
          await trx.deleteFrom('licence_requests').where('id', 'in', ids).execute();
          await audit(trx, SYSTEM, 'licence.purged', null, { count: ids.length, files: old.map((r) => r.file_number) });
        });
      await removeBytes(files);
      return { warned, deleted: old.length };
    },
  };

  /** The bytes of deleted pieces, after the rows' transaction committed (a failure leaves an orphan file, never a row without its file). */
  async function removeBytes(files: Attachment[]): Promise<void> {
    for (const file of files) await attachments.remove(file).catch(() => undefined);
  }

  async function allocateNeph(trx: Db, postcode: string): Promise<string> {
    const now = new Date();
    const dep = postcode.startsWith('97') ? '97' : postcode.slice(0, 2);
    const prefix = formatNeph(now, dep, 0).slice(0, 8);
    const row = await sql<{ last_order: number }>`
      insert into licence_neph_counters (prefix, last_order) values (${prefix}, 1)
      on conflict (prefix) do update set last_order = licence_neph_counters.last_order + 1
      returning last_order`.execute(trx);
    return formatNeph(now, dep, Number(row.rows[0]!.last_order));
  }

  return service;
}
export type LicencesService = ReturnType<typeof createLicencesService>;

export class LicenceForbiddenError extends Error {
  readonly statusCode = 403;
}
function requireLicenceAgent(agent: Agent): void {
  if (agent.role !== 'licence_service') throw new LicenceForbiddenError('Réservé au service d’instruction des permis de conduire');
}
export const statusLabel = (s: Status): string => (STATUS_KEYS.includes(s) ? STATUSES[s].label : s);
export { DOCUMENT_TITLES, CATEGORIES };
