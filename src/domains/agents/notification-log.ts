import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';

/** One message of the notification log, as an operator reads it. */
export interface NotificationLogRow {
  id: number;
  created_at: Date;
  channel: 'email' | 'sms';
  recipient: string;
  subject: string | null;
  status: 'sent' | 'failed';
  transport: string;
  error: string | null;
}

/**
 * The last 100 messages sent, newest first; with `q`, only those to that address or mobile number,
 * the search audited (an operator looks up a person).
 */
export async function searchNotificationLog(db: Db, rawQuery: string, actor: Actor): Promise<{ rows: NotificationLogRow[]; q: string }> {
  const q = rawQuery.trim().toLowerCase().slice(0, 254);
  let query = db.selectFrom('outgoing_messages').select(['id', 'created_at', 'channel', 'recipient', 'subject', 'status', 'transport', 'error']).orderBy('id', 'desc').limit(100);
  if (q) {
    query = query.where('recipient', '=', q.replace(/\s/g, '').startsWith('+') ? q.replace(/\s/g, '') : q);
    await audit(db, actor, 'agent.searched_notifications', null, { recipient_length: q.length });
  }
  return { rows: await query.execute(), q };
}
