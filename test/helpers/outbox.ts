import type { FastifyInstance } from 'fastify';

/** Runs the pending jobs, then returns the last email sent to `to` and the first link in it (as a path). */
export async function lastEmailTo(app: FastifyInstance, to: string): Promise<{ subject: string | null; text: string; link: string | null }> {
  await app.worker.drain();
  const message = await app.database.db
    .selectFrom('outgoing_messages')
    .select(['subject', 'body_text'])
    .where('recipient', '=', to)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!message) throw new Error(`no email to ${to}`);
  const url = /https?:\/\/\S+/.exec(message.body_text)?.[0] ?? null;
  return { subject: message.subject, text: message.body_text, link: url ? new URL(url).pathname : null };
}

export async function emailCount(app: FastifyInstance, to: string): Promise<number> {
  await app.worker.drain();
  const rows = await app.database.db.selectFrom('outgoing_messages').select('id').where('recipient', '=', to).execute();
  return rows.length;
}
