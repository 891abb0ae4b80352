import { createHash } from 'node:crypto';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Attachment } from '../../platform/files/tables.ts';
import type { Upload } from '../../platform/files/validation.ts';
import type { Account } from '../../schema.ts';
import type { Outcome } from '../accounts/service.ts';
import type { LicencesDeps } from './deps.ts';
import { EDITABLE, PIECES, requiredPieces, type Piece } from './model.ts';
import { categoriesOf, dataOf, ownerOf, saveData } from './request-data.ts';
import type { LicenceRequest } from './tables.ts';

/** The pieces this request must carry, from its reason and categories. */
export const requiredOf = (r: LicenceRequest): Piece[] => requiredPieces(r.reason, categoriesOf(r));

export const listPieces = (deps: Pick<LicencesDeps, 'attachments'>, r: LicenceRequest) => deps.attachments.list(ownerOf(r));
/** One piece of this request (the caller checked the request is the user's). */
export const findPiece = (deps: Pick<LicencesDeps, 'attachments'>, r: LicenceRequest, attachmentId: number) => deps.attachments.find(ownerOf(r), attachmentId);

/** Step 5: stores every accepted file (nothing is lost), names each refused one next to its field. */
export async function savePieces(deps: Pick<LicencesDeps, 'db' | 'attachments'>, r: LicenceRequest, uploads: Upload[], account: Account, actor: Actor, finish: boolean): Promise<Outcome<null>> {
  const { db, attachments } = deps;
  if (!EDITABLE.includes(r.status)) return { ok: false, errors: { form: 'Cette demande n’est plus modifiable.' } };
  const allowed = new Set<string>(requiredOf(r));
  const checked = await attachments.check(uploads.filter((u) => allowed.has(u.field)));
  const { errors } = checked;
  // a double click sends the same files twice: a file already joined for the same piece is not stored again
  const existing = await listPieces(deps, r);
  const accepted = checked.accepted.filter((f) => !existing.some((a) => a.purpose === f.field && a.sha256 === createHash('sha256').update(f.bytes).digest('hex')));
  if (accepted.length)
    await db.transaction().execute(async (trx) => {
      for (const file of accepted) await attachments.store(trx, ownerOf(r), { purpose: file.field, filename: file.filename, mime: file.mime, bytes: file.bytes, accountId: account.id });
      await trx.updateTable('licence_requests').set({ updated_at: new Date() }).where('id', '=', r.id).execute();
      await audit(trx, actor, 'licence.pieces_added', { kind: 'licence_request', id: r.id }, { purposes: accepted.map((f) => f.field) });
    });
  if (Object.keys(errors).length) return { ok: false, errors };
  if (finish) {
    const have = await listPieces(deps, r);
    const missing = requiredOf(r).filter((p) => !have.some((a) => a.purpose === p && a.review_status !== 'refused'));
    if (missing.length) return { ok: false, errors: Object.fromEntries(missing.map((p) => [p, `Joignez : ${PIECES[p].label.charAt(0).toLowerCase()}${PIECES[p].label.slice(1)}`])) };
    await saveData(db, r, { done: [...new Set([...(dataOf(r).done ?? []), 'pieces'])] }, { step: 'summary' });
  }
  return { ok: true, value: null };
}

/** The bytes of deleted pieces, after the rows' transaction committed (a failure leaves an orphan file, never a row without its file). */
export async function removePieceFiles(deps: Pick<LicencesDeps, 'attachments'>, files: Attachment[]): Promise<void> {
  for (const file of files) await deps.attachments.remove(file).catch(() => undefined);
}
