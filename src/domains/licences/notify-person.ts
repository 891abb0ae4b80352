import type { Config } from '../../config.ts';
import type { Db } from '../../platform/db/database.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { dataOf } from './request-data.ts';
import type { LicenceRequest } from './tables.ts';

/** Tells about a request the person concerned, at the contact details of step 4 (FAQ), or the account. */
export async function notifyPerson(trx: Db, config: Pick<Config, 'publicUrl'>, r: LicenceRequest, message: { subject: string; text: string; dedupeKey: string; sms?: boolean }): Promise<void> {
  const d = dataOf(r);
  const to = d.contact ? { email: d.contact.email, mobile: d.contact.mobile || null, firstName: d.identity?.given_names.split(' ')[0] ?? null } : undefined;
  await notifyUser(trx, {
    accountId: r.account_id,
    to,
    subject: `${message.subject} (${r.file_number})`,
    text: message.text,
    link: `${config.publicUrl}/permis/demandes/${r.file_number}`,
    sms: message.sms ?? true,
    dedupeKey: message.dedupeKey,
  });
}
