import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Config } from '../config.ts';
import type { Db } from '../platform/db/database.ts';
import { OutboxListPage, OutboxMessagePage, OutboxRefusedPage } from '../ui/pages/outbox.tsx';
import { isOutboxToken, mayReadOutbox, OUTBOX_COOKIE, outboxToken } from './dev-outbox-access.ts';

const PAGE_SIZE = 25;

/**
 * /dev/outbox: every email and SMS stored by the embedded mode. Never registered in production; read
 * from this machine only, or with the token link printed at start (dev-outbox-access.ts).
 */
export function registerOutboxRoutes(app: FastifyInstance, db: Db, config: Pick<Config, 'sessionSecret' | 'publicUrl'>): void {
  const token = outboxToken(config.sessionSecret);
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    const presented = (request.query as { jeton?: unknown } | undefined)?.jeton;
    if (request.routeOptions.url === '/dev/outbox' && isOutboxToken(presented, token)) {
      // the token link: kept in a cookie, and out of the address bar (history, Referer) at once
      reply.setCookie(OUTBOX_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict', secure: config.publicUrl.startsWith('https:') });
      return reply.redirect('/dev/outbox', 303);
    }
    if (!mayReadOutbox(request, token)) return reply.render(<OutboxRefusedPage />, 403);
  };

  app.get('/dev/outbox', { onRequest }, async (request, reply) => {
    const q = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1) }).parse(request.query);
    const [{ count }] = (await db
      .selectFrom('outgoing_messages')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .execute()) as [{ count: number }];
    const messages = await db
      .selectFrom('outgoing_messages')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(PAGE_SIZE)
      .offset((q.page - 1) * PAGE_SIZE)
      .execute();
    const letters = await db
      .selectFrom('postal_letters')
      .select(['id', 'recipient_lines', 'subject', 'status', 'created_at'])
      .orderBy('id', 'desc')
      .limit(PAGE_SIZE)
      .execute();
    return reply.render(
      <OutboxListPage messages={messages} letters={letters} page={q.page} pageCount={Math.max(1, Math.ceil(Number(count) / PAGE_SIZE))} />,
    );
  });

  app.get<{ Params: { id: string } }>('/dev/outbox/courriers/:id', { onRequest }, async (request, reply) => {
    const id = z.coerce.number().int().positive().safeParse(request.params.id.replace(/\.pdf$/, ''));
    if (!id.success) return reply.callNotFound();
    const letter = await db.selectFrom('postal_letters').select(['pdf']).where('id', '=', id.data).executeTakeFirst();
    if (!letter?.pdf) return reply.callNotFound();
    return reply.type('application/pdf').header('content-disposition', `inline; filename="courrier-${id.data}.pdf"`).send(Buffer.from(letter.pdf));
  });

  // The HTML part as a mail client shows it: its inline styles are allowed on this response only.
  app.get<{ Params: { id: string } }>('/dev/outbox/:id/html', { onRequest }, async (request, reply) => {
    const id = z.coerce.number().int().positive().safeParse(request.params.id);
    if (!id.success) return reply.callNotFound();
    const message = await db.selectFrom('outgoing_messages').select(['body_html']).where('id', '=', id.data).executeTakeFirst();
    if (!message?.body_html) return reply.callNotFound();
    return reply
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'")
      .type('text/html; charset=utf-8')
      .send(message.body_html);
  });

  app.get<{ Params: { id: string } }>('/dev/outbox/:id', { onRequest }, async (request, reply) => {
    const id = z.coerce.number().int().positive().safeParse(request.params.id);
    if (!id.success) return reply.callNotFound();
    const message = await db.selectFrom('outgoing_messages').selectAll().where('id', '=', id.data).executeTakeFirst();
    if (!message) return reply.callNotFound();
    return reply.render(<OutboxMessagePage message={message} />);
  });
}
