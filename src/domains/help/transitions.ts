import type { Updateable } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { canContact, CONTACT_OWNER, CONTACT_TRANSITIONS, type ContactAction } from './contact-model.ts';
import type { ContactRequest, ContactRequestsTable } from './tables.ts';

export type ContactTransitionResult = { ok: true } | { ok: false; reason: 'not_allowed' | 'changed' };

/**
 * The one way a contact request changes status: checks the action against the lifecycle
 * (CONTACT_TRANSITIONS of contact-model.ts), writes only if the row is still in the status read
 * (of two concurrent answers, one wins; the other gets `changed`), tells the user — in their
 * space when they have an account, by email to the address they gave otherwise — and audits
 * (`contact.<new status>`), in the caller's transaction.
 */
export async function applyContactTransition(
  trx: Db,
  config: Pick<Config, 'publicUrl'>,
  request: Pick<ContactRequest, 'id' | 'reference' | 'status' | 'account_id' | 'sender_email'>,
  action: ContactAction,
  actor: Actor,
  opts: { set: Omit<Updateable<ContactRequestsTable>, 'status'>; notice: { subject: string; toAccount: string; toEmail: string }; details?: Record<string, unknown> },
): Promise<ContactTransitionResult> {
  const t = CONTACT_TRANSITIONS[action];
  if (!canContact(action, request.status)) return { ok: false, reason: 'not_allowed' };
  const res = await trx.updateTable('contact_requests').set({ ...opts.set, status: t.to }).where('id', '=', request.id).where('status', '=', request.status).executeTakeFirst();
  if (Number(res.numUpdatedRows) !== 1) return { ok: false, reason: 'changed' };
  if (request.account_id !== null)
    await notifyUser(trx, {
      accountId: request.account_id,
      subject: opts.notice.subject,
      text: opts.notice.toAccount,
      link: `${config.publicUrl}/contact/demandes/${request.reference}`,
      dedupeKey: `contact-${t.to}:${request.id}`,
    });
  else await queueMessage(trx, { channel: 'email', to: request.sender_email!, subject: opts.notice.subject, text: opts.notice.toEmail }, `contact-${t.to}:${request.id}:email`);
  // the audit row last: it takes the chain's lock until commit
  await audit(trx, actor, `contact.${t.to}`, { kind: CONTACT_OWNER, id: request.id }, { reference: request.reference, ...opts.details });
  return { ok: true };
}
