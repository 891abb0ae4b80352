import type { Db } from '../db/database.ts';
import { queueMessage } from '../mail/messages.ts';

export interface Notification {
  /** the account notified; its email (and mobile, if `sms`) are looked up */
  accountId: number;
  /** overrides the account's contacts (a request filed for another person notifies that person) */
  to?: { email: string | null; mobile: string | null; firstName: string | null };
  subject: string;
  /** what happened and what to do next; no personal data beyond the first name */
  text: string;
  /** absolute URL of the request page */
  link: string;
  /** also by SMS when a mobile number is known (the procedure decides) */
  sms?: boolean;
  /** one notification per event even if the caller runs twice */
  dedupeKey: string;
}

/**
 * Tells a user that something happened to one of their requests: an email (and an SMS where the
 * procedure says so and a number is known), queued in the caller's transaction, logged per account.
 */
export async function notifyUser(trx: Db, n: Notification): Promise<void> {
  const account = await trx.selectFrom('accounts').select(['email', 'given_name', 'mobile_phone']).where('id', '=', n.accountId).executeTakeFirst();
  const to = n.to ?? { email: account?.email ?? null, mobile: account?.mobile_phone ?? null, firstName: account?.given_name ?? null };
  const hello = to.firstName ? `Bonjour ${to.firstName},` : 'Bonjour,';
  if (to.email) {
    await queueMessage(
      trx,
      {
        channel: 'email',
        to: to.email,
        subject: n.subject,
        text: `${hello}\n\n${n.text}\n\nSuivre votre demande : ${n.link}\n\nCe message est envoyé automatiquement, merci de ne pas y répondre : écrivez-nous depuis la page de votre demande.\nL’Agence nationale des titres sécurisés`,
        accountId: n.accountId,
        link: n.link,
      },
      `${n.dedupeKey}:email`,
    );
  }
  if (n.sms && to.mobile) {
    await queueMessage(trx, { channel: 'sms', to: to.mobile, text: `ANTS : ${n.subject}. Détails : ${n.link}`, accountId: n.accountId, link: n.link }, `${n.dedupeKey}:sms`);
  }
}
