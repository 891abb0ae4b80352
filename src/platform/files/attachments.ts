import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { Db } from '../db/database.ts';
import type { FileStorage } from './storage.ts';
import type { Attachment, ReviewStatus } from './tables.ts';
import { checkUpload, filenameForType, type Upload } from './validation.ts';
import { fileSize } from '../pdf/measured-size.ts';

export interface AttachmentOwner {
  kind: string;
  id: number;
}

/** Why an agent refuses a piece: a reason from this list, plus free text. */
export const REFUSAL_REASONS = {
  illisible: 'Document illisible',
  incomplet: 'Document incomplet (pages ou recto/verso manquants)',
  non_conforme: 'Document ne correspondant pas à la pièce demandée',
  perime: 'Document périmé',
  incoherent: 'Informations incohérentes avec la demande',
  autre: 'Autre motif',
} as const;
export type RefusalReason = keyof typeof REFUSAL_REASONS;

/** A file's size as every download link states it (« 45 Ko », « 1,2 Mo »: pdf/measured-size.ts). */
export const formatSize = fileSize;

/**
 * Attachments: bytes in the file storage (written first, under a random key), facts in the
 * `attachments` table (written in the caller's transaction). Reading one always goes through an
 * owner check done by the caller's route.
 */
export function createAttachments(deps: { db: Db; storage: FileStorage }) {
  const { db, storage } = deps;
  return {
    /** Checks each upload from its bytes; returns the French error per form field, or nothing. */
    async check(uploads: Upload[]): Promise<{ errors: Record<string, string>; accepted: (Upload & { mime: string })[] }> {
      const errors: Record<string, string> = {};
      const accepted: (Upload & { mime: string })[] = [];
      for (const upload of uploads) {
        const result = await checkUpload(upload);
        if (result.ok) accepted.push({ ...upload, mime: result.mime });
        else errors[upload.field] ??= result.error;
      }
      return { errors, accepted };
    },

    /** Stores checked bytes and records them for an owner, in the caller's transaction, under a name with the extension of their type. */
    async store(trx: Db, owner: AttachmentOwner, file: { purpose: string; filename: string; mime: string; bytes: Buffer; accountId: number | null }): Promise<Attachment> {
      const key = `${owner.kind.replace(/_/g, '-')}/${owner.id}/${randomBytes(16).toString('hex')}`;
      await storage.put(key, file.bytes, file.mime);
      return trx
        .insertInto('attachments')
        .values({
          owner_kind: owner.kind,
          owner_id: owner.id,
          account_id: file.accountId,
          purpose: file.purpose,
          filename: filenameForType(file.filename, file.mime),
          mime: file.mime as Attachment['mime'],
          size_bytes: file.bytes.length,
          sha256: createHash('sha256').update(file.bytes).digest('hex'),
          storage_key: key,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    list: (owner: AttachmentOwner, trx: Db = db) =>
      trx.selectFrom('attachments').selectAll().where('owner_kind', '=', owner.kind).where('owner_id', '=', owner.id).orderBy('id').execute(),

    /** One attachment of this owner (null when it belongs to another). */
    find: (owner: AttachmentOwner, id: number) =>
      db.selectFrom('attachments').selectAll().where('id', '=', id).where('owner_kind', '=', owner.kind).where('owner_id', '=', owner.id).executeTakeFirst(),

    bytes: (attachment: Attachment) => storage.get(attachment.storage_key),

    /**
     * Deletes an owner's attachment row in the caller's transaction (which decides whether it may go),
     * returning it, or null when the owner has no such attachment: the bytes go once it has committed (`removeBytes`).
     */
    withdraw: (trx: Db, owner: AttachmentOwner, id: number) =>
      trx.deleteFrom('attachments').where('id', '=', id).where('owner_kind', '=', owner.kind).where('owner_id', '=', owner.id).returningAll().executeTakeFirst(),

    removeBytes: (attachment: Attachment) => storage.delete(attachment.storage_key),

    /** A piece withdrawn by its user before the request is sent: the row, then the bytes. */
    async remove(attachment: Attachment): Promise<void> {
      await db.deleteFrom('attachments').where('id', '=', attachment.id).execute();
      await storage.delete(attachment.storage_key);
    },

    /** Records an agent's review of a piece; only a pending piece can be reviewed (returns false otherwise). */
    async review(trx: Db, id: number, review: { status: Exclude<ReviewStatus, 'pending'>; reason: RefusalReason | null; note: string | null; agentId: number }): Promise<boolean> {
      const r = await trx
        .updateTable('attachments')
        .set({ review_status: review.status, review_reason: review.reason, review_note: review.note, reviewed_by: review.agentId, reviewed_at: new Date() })
        .where('id', '=', id)
        .where('review_status', '=', 'pending')
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
export type Attachments = ReturnType<typeof createAttachments>;

/**
 * Sends an attachment's bytes with the type recognised at upload, never sniffed again by the
 * browser, in a sandbox (a PDF's scripts or an image's markup cannot reach the portal's origin).
 */
export async function sendAttachment(reply: FastifyReply, attachments: Attachments, attachment: Attachment, disposition: 'inline' | 'attachment' = 'inline') {
  const bytes = await attachments.bytes(attachment);
  return reply
    .header('content-type', attachment.mime)
    .header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(filenameForType(attachment.filename, attachment.mime))}`)
    .header('x-content-type-options', 'nosniff')
    // images in a sandbox; a PDF without one (Chromium's viewer refuses sandboxed PDFs), scripts off either way
    .header('content-security-policy', attachment.mime === 'application/pdf' ? "default-src 'none'" : "default-src 'none'; img-src 'self'; sandbox")
    .header('cache-control', 'private, no-store')
    .send(bytes);
}
