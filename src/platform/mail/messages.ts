import type { Transporter } from 'nodemailer';
import type { Config } from '../../config.ts';
import type { Db } from '../db/database.ts';
import { enqueue } from '../jobs/queue.ts';
import type { JobHandler } from '../jobs/worker.ts';
import type { Metrics } from '../observability/metrics.ts';
import { emailHtml } from './email-html.tsx';

interface Addressed {
  /** the account the message is for: listed on its notification page */
  accountId?: number;
  /** the portal page the message is about */
  link?: string;
}
export interface EmailMessage extends Addressed {
  channel: 'email';
  to: string;
  subject: string;
  text: string;
  /** made from `text` at sending (email-html.tsx) unless given */
  html?: string;
  /** the words of the HTML part's button, when the words before the link are not the right ones */
  action?: string;
}
export interface SmsMessage extends Addressed {
  channel: 'sms';
  to: string;
  text: string;
}
export type OutgoingMessage = EmailMessage | SmsMessage;

export const SEND_MESSAGE_JOB = 'send-message';

/** Queues an email or SMS; call it with the transaction of the write it reports on. */
export async function queueMessage(db: Db, message: OutgoingMessage, dedupeKey?: string): Promise<void> {
  await enqueue(db, SEND_MESSAGE_JOB, message, { dedupeKey });
}

/**
 * The job that delivers a message: emails through SMTP when SMTP_URL is set, SMS through the
 * gateway of SMS_API_URL when set, else into the dev outbox
 * (stored, readable at /dev/outbox). Each delivery is recorded in outgoing_messages, which is the
 * notification log. A job that already delivered (crash before completion) does not send again.
 */
export function createSendMessageHandler(opts: { db: Db; config: Config; metrics: Metrics }): JobHandler {
  const { db, config, metrics } = opts;
  // nodemailer is imported only when SMTP is configured (the embedded mode writes to the dev outbox)
  const smtpUrl = config.mail.smtpUrl;
  const transporter: Promise<Transporter> | null = smtpUrl ? import('nodemailer').then((nodemailer) => nodemailer.default.createTransport(smtpUrl)) : null;

  return async (payload, { jobId }) => {
    const queued = payload as OutgoingMessage;
    // every email has an HTML part made from its text (same content), and the text part
    const message: OutgoingMessage = queued.channel === 'email' ? { ...queued, html: queued.html ?? emailHtml(queued, new URL(config.publicUrl).origin) } : queued;
    const already = await db
      .selectFrom('outgoing_messages')
      .select('id')
      .where('job_id', '=', jobId)
      .where('status', '=', 'sent')
      .executeTakeFirst();
    if (already) return;

    const record = {
      channel: message.channel,
      recipient: message.to,
      subject: message.channel === 'email' ? message.subject : null,
      body_text: message.text,
      body_html: message.channel === 'email' ? (message.html ?? null) : null,
      job_id: jobId,
      account_id: message.accountId ?? null,
      link: message.link ?? null,
    };
    if (message.channel === 'email' && transporter) {
      try {
        const info = await (await transporter).sendMail({
          from: config.mail.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          html: message.html,
        });
        await db.insertInto('outgoing_messages').values({ ...record, transport: 'smtp', status: 'sent', provider_id: info.messageId ?? null }).execute();
        metrics.messagesSent.inc({ channel: 'email', transport: 'smtp', status: 'sent' });
      } catch (error) {
        await db.insertInto('outgoing_messages').values({ ...record, transport: 'smtp', status: 'failed', error: (error as Error).message }).execute();
        metrics.messagesSent.inc({ channel: 'email', transport: 'smtp', status: 'failed' });
        throw error;
      }
      return;
    }
    if (message.channel === 'sms' && config.sms) {
      // An SMS gateway's HTTP API: POST {to, text, sender} with a bearer token; its id is kept.
      try {
        const res = await fetch(config.sms.apiUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${config.sms.apiToken}` },
          body: JSON.stringify({ to: message.to, text: message.text, sender: config.sms.sender }),
          signal: AbortSignal.timeout(10_000),
        });
        if (!res.ok) throw new Error(`passerelle SMS : HTTP ${res.status}`);
        const answer = (await res.json().catch(() => ({}))) as { id?: unknown };
        await db.insertInto('outgoing_messages').values({ ...record, transport: 'sms', status: 'sent', provider_id: typeof answer.id === 'string' ? answer.id.slice(0, 100) : null }).execute();
        metrics.messagesSent.inc({ channel: 'sms', transport: 'sms', status: 'sent' });
      } catch (error) {
        await db.insertInto('outgoing_messages').values({ ...record, transport: 'sms', status: 'failed', error: (error as Error).message }).execute();
        metrics.messagesSent.inc({ channel: 'sms', transport: 'sms', status: 'failed' });
        throw error;
      }
      return;
    }
    if (!config.devOutbox) throw new Error(`Aucun transport configuré pour les messages « ${message.channel} »`);
    await db.insertInto('outgoing_messages').values({ ...record, transport: 'outbox', status: 'sent' }).execute();
    metrics.messagesSent.inc({ channel: message.channel, transport: 'outbox', status: 'sent' });
  };
}
