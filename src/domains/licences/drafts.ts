import { audit, type Actor } from '../../platform/audit.ts';
import type { Account } from '../../schema.ts';
import type { Outcome } from '../accounts/service.ts';
import { zodErrors } from '../accounts/service.ts';
import { one, type Input, type LicencesDeps } from './deps.ts';
import { DRIVING_SCHOOL_REASONS, REASON_KEYS, startSchema, type Reason } from './model.ts';
import { removePieceFiles } from './pieces.ts';
import { newLicenceFileNumber, OWNER_KIND, ownerOf } from './request-data.ts';
import type { LicenceRequest } from './tables.ts';

/** The account's requests, newest first. */
export const listRequests = (deps: Pick<LicencesDeps, 'db'>, account: Account) =>
  deps.db.selectFrom('licence_requests').selectAll().where('account_id', '=', account.id).orderBy('created_at', 'desc').orderBy('id', 'desc').execute();

/** One request of this account (null for anyone else's: the route answers 404). */
export const loadRequest = (deps: Pick<LicencesDeps, 'db'>, account: Account, fileNumber: string) =>
  deps.db.selectFrom('licence_requests').selectAll().where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst().then((r) => r ?? null);

/** Reasons this account may choose: a driving school files registrations for its students. */
export const reasonsFor = (account: Account): Reason[] => (account.profile === 'driving_school' ? [...DRIVING_SCHOOL_REASONS] : REASON_KEYS);

/** Step 1: the reason and for whom; the same idempotency key (a double click) gives the same draft. */
export async function startRequest(deps: Pick<LicencesDeps, 'db'>, account: Account, input: Input, actor: Actor): Promise<Outcome<{ fileNumber: string }>> {
  const { db } = deps;
  const parsed = startSchema.safeParse({ reason: one(input.reason) || undefined, for_whom: one(input.for_whom) || undefined, idempotency_key: one(input.idempotency_key) });
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const { reason, idempotency_key } = parsed.data;
  let forWhom = parsed.data.for_whom;
  if (!reasonsFor(account).includes(reason))
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
}

/** Deletes a draft (the FAQ's way to change the reason): its photo code is given back, its pieces removed. */
export async function deleteDraft(deps: Pick<LicencesDeps, 'db' | 'attachments' | 'photos'>, r: LicenceRequest, actor: Actor): Promise<boolean> {
  if (r.status !== 'draft') return false;
  const files = await deps.attachments.list(ownerOf(r));
  const deleted = await deps.db.transaction().execute(async (trx) => {
    await deps.photos.release(trx, r.id);
    await trx.deleteFrom('attachments').where('owner_kind', '=', OWNER_KIND).where('owner_id', '=', r.id).execute();
    const res = await trx.deleteFrom('licence_requests').where('id', '=', r.id).where('status', '=', 'draft').executeTakeFirst();
    if (Number(res.numDeletedRows) !== 1) return false;
    await audit(trx, actor, 'licence.draft_deleted', { kind: 'licence_request', id: r.id }, { file: r.file_number });
    return true;
  });
  if (deleted) await removePieceFiles(deps, files);
  return deleted;
}
