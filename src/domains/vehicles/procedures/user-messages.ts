import type { Actor } from '../../../platform/audit.ts';
import { audit } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import type { Attachments } from '../../../platform/files/attachments.ts';
import type { Upload } from '../../../platform/files/validation.ts';
import type { Outcome } from '../../accounts/service.ts';
import { postMessage } from '../../instruction/threads.ts';
import { ANSWER_MAX } from '../duplicate/model.ts';

/** A file sent with a message to the instruction centre (reviewed like any other piece). */
export const MESSAGE_PIECE = 'message_piece';

/**
 * While the instruction centre holds a request, its user may write to it, with a file, from the
 * request page; the agents see the unread count in their queue. (An answer to "à compléter" goes
 * through the procedure, which sends the request back.)
 */
export function createUserMessages(deps: { db: Db; attachments: Attachments }) {
  const { db, attachments } = deps;
  return {
    async send(account: Account, fileNumber: string, text: string, uploads: Upload[], actor: Actor): Promise<Outcome<null> | null> {
      const p = await db.selectFrom('vehicle_procedures').select(['id', 'status', 'file_number', 'account_id']).where('file_number', '=', fileNumber).where('account_id', '=', account.id).executeTakeFirst();
      if (!p) return null;
      if (p.status !== 'awaiting_review') return { ok: false, errors: { user_message: 'Le centre d’instruction n’examine pas cette demande en ce moment : votre message n’a pas été envoyé.' } };
      const body = text.trim();
      const errors: Record<string, string> = {};
      if (!body) errors.user_message = 'Écrivez votre message';
      else if (body.length > ANSWER_MAX) errors.user_message = `Votre message dépasse ${ANSWER_MAX} caractères`;
      const checked = await attachments.check(uploads.filter((u) => u.field === 'user_message_file'));
      Object.assign(errors, checked.errors);
      if (Object.keys(errors).length) return { ok: false, errors };
      await db.transaction().execute(async (trx) => {
        const id = await postMessage(trx, { kind: 'vehicle_procedure', id: p.id }, { kind: 'user', accountId: account.id }, body);
        for (const f of checked.accepted)
          await attachments.store(trx, { kind: 'vehicle_procedure', id: p.id }, { purpose: MESSAGE_PIECE, filename: f.filename, mime: f.mime, bytes: f.bytes, accountId: account.id });
        await audit(trx, actor, 'vehicle_procedure.user_message', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, message: id, files: checked.accepted.length });
      });
      return { ok: true, value: null };
    },
  };
}
export type UserMessages = ReturnType<typeof createUserMessages>;
