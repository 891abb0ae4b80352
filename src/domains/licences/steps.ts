import { dateProblemMessage, readFrenchDate } from '../../platform/french-date.ts';
import type { Outcome, FieldErrors } from '../accounts/service.ts';
import { zodErrors } from '../accounts/service.ts';
import { many, one, type Input, type LicencesDeps } from './deps.ts';
import {
  AM_ONLY_REASONS,
  CATEGORY_KEYS,
  categoryAgeMessage,
  categoryTooYoung,
  contactSchema,
  CORRECTABLE_ORIGINS,
  CORRECTION_ERRORS,
  CORRECTION_EXCLUSIONS,
  CORRECTION_NOT_ONLINE,
  CORRECTION_TOO_OLD,
  EDITABLE,
  identitySchema,
  nephField,
  normalizeDateInput,
  reasonHasCategories,
  reasonHasLicenceNumber,
  reasonNeedsPhoto,
  sixMonthsBefore,
  type Category,
  type CorrectionExclusion,
  type Reason,
} from './model.ts';
import { categoriesOf, dataOf, saveData, today } from './request-data.ts';
import type { LicenceData, LicenceRequest } from './tables.ts';

const NOT_EDITABLE = 'Cette demande n’est plus modifiable.';

/** The account's validated online requests whose title a correction may concern (FAQ), newest first. */
export async function correctableOrigins(deps: Pick<LicencesDeps, 'db'>, accountId: number): Promise<{ file: string; reason: Reason; decidedAt: Date | null }[]> {
  const rows = await deps.db
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

/** Step 2: categories, NEPH, licence number, correction questions; the reason itself never changes. */
export async function saveDetails(deps: Pick<LicencesDeps, 'db'>, r: LicenceRequest, input: Input): Promise<Outcome<null>> {
  if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: NOT_EDITABLE } };
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
    const reading = readFrenchDate(one(input.received_on));
    const received = reading.ok ? reading.iso : '';
    details.received_on = one(input.received_on);
    if (!reading.ok) errors.received_on = dateProblemMessage(reading.problem, 'la date de réception du titre', '14/10/2026');
    else if (received > today()) errors.received_on = 'La date de réception ne peut pas être dans le futur';
    else if (received < sixMonthsBefore(today())) errors.received_on = CORRECTION_TOO_OLD;
    else details.received_on = received;
    const original = one(input.original_file).trim();
    details.original_file = original;
    if (!(await correctableOrigins(deps, r.account_id)).some((o) => o.file === original)) errors.original_file = CORRECTION_NOT_ONLINE;
    const kind = one(input.correction_error);
    if (!(kind in CORRECTION_ERRORS)) errors.correction_error = 'Indiquez la nature de l’erreur constatée';
    details.correction_error = kind;
    const detail = one(input.correction_detail).trim();
    if (!detail) errors.correction_detail = 'Décrivez l’erreur et la mention correcte';
    else if (detail.length > 1000) errors.correction_detail = '1 000 caractères au plus';
    details.correction_detail = detail.slice(0, 1000);
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  await saveData(deps.db, r, { details }, { neph: details.neph || null, step: 'identity' });
  return { ok: true, value: null };
}

/** Step 3: the person concerned (the user, or the other person); the categories are checked against the birth date. */
export async function saveIdentity(deps: Pick<LicencesDeps, 'db'>, r: LicenceRequest, input: Input): Promise<Outcome<null>> {
  if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: NOT_EDITABLE } };
  const raw = Object.fromEntries(Object.entries(input).map(([k, v]) => [k, one(v)]));
  const parsed = identitySchema.safeParse({ ...raw, birth_date: normalizeDateInput(raw.birth_date), sex: raw.sex || undefined });
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const young = categoryTooYoung(categoriesOf(r), parsed.data.birth_date, today());
  if (young) return { ok: false, errors: { birth_date: categoryAgeMessage(young) } };
  await saveData(deps.db, r, { identity: parsed.data }, { step: 'contact' });
  return { ok: true, value: null };
}

/** Step 4: where the person concerned can be reached, and the photo-signature (code or classic photo). */
export async function saveContact(deps: Pick<LicencesDeps, 'db' | 'photos'>, r: LicenceRequest, input: Input, who: { accountId: number; ip: string }): Promise<Outcome<null>> {
  const { db, photos } = deps;
  if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: NOT_EDITABLE } };
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
      await saveData(trx, r, { contact }, { step: 'pieces' });
      return true;
    }
    if (codeId !== null && !(await photos.use(trx, codeId, r.id))) return false;
    await photos.release(trx, r.id, codeId);
    await saveData(trx, r, { contact }, { step: 'pieces', photo_mode: parsed.data.photo_mode, photo_code_id: codeId });
    return true;
  });
  if (!outcome) return { ok: false, errors: { photo_code: 'Ce code photo-signature vient d’être utilisé pour une autre demande : un code ne sert qu’une fois' } };
  return { ok: true, value: null };
}
