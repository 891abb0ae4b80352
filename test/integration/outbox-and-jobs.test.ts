import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/platform/jobs/queue.ts';
import { queueMessage } from '../../src/platform/mail/messages.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';

describe('durable jobs and the dev outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.database.reset());

  it('delivers a queued email into the dev outbox, readable at /dev/outbox with its links', async () => {
    await queueMessage(t.database.db, {
      channel: 'email',
      to: 'camille@example.fr',
      subject: 'Activez votre compte',
      text: 'Bonjour Camille,\nCliquez sur http://localhost:3000/activation/abc pour activer votre compte.',
    });
    expect(await t.app.worker.drain()).toBe(1);
    const client = new TestClient(t.app);
    const list = await client.get('/dev/outbox');
    expect(textOf(list.body)).toContain('camille@example.fr');
    const link = /href="(\/dev\/outbox\/\d+)">Activez votre compte</.exec(list.body)?.[1];
    expect(link).toBeDefined();
    const message = await client.get(link!);
    expect(textOf(message.body)).toContain('Bonjour Camille');
    expect(message.body).toContain('<a href="http://localhost:3000/activation/abc">');
  });

  it('a job enqueued in a rolled-back transaction never runs', async () => {
    await t.database.db
      .transaction()
      .execute(async (trx) => {
        await queueMessage(trx, { channel: 'sms', to: '+33600000000', text: 'jamais' });
        throw new Error('rollback');
      })
      .catch(() => undefined);
    expect(await t.app.worker.drain()).toBe(0);
    expect(await t.database.db.selectFrom('outgoing_messages').selectAll().execute()).toEqual([]);
  });

  it('enqueues once per dedupe key: a replay sends nothing twice', async () => {
    const msg = { channel: 'email' as const, to: 'a@example.fr', subject: 'Reçu', text: 'Paiement reçu' };
    await queueMessage(t.database.db, msg, 'payment-42-receipt');
    await queueMessage(t.database.db, msg, 'payment-42-receipt');
    await t.app.worker.drain();
    expect(await t.database.db.selectFrom('outgoing_messages').select('recipient').execute()).toHaveLength(1);
  });

  it('retries a failing job later with backoff, and records the error', async () => {
    await enqueue(t.database.db, 'no-such-kind', {});
    await t.app.worker.drain();
    const job = await t.database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(job.attempts).toBe(1);
    expect(job.done_at).toBeNull();
    expect(job.last_error).toContain('Aucun traitement pour les tâches « no-such-kind »');
    expect(job.run_at.getTime()).toBeGreaterThan(Date.now() + 20_000);
  });

  it('runs due jobs oldest first, on both databases', async () => {
    for (let i = 1; i <= 8; i++) await queueMessage(t.database.db, { channel: 'sms', to: '+33600000000', text: `message ${i}` });
    await t.app.worker.drain();
    const sent = await t.database.db.selectFrom('outgoing_messages').select('body_text').orderBy('id').execute();
    expect(sent.map((m) => m.body_text)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((i) => `message ${i}`));
  });

  it('gives up after the last attempt', async () => {
    await enqueue(t.database.db, 'no-such-kind', {}, { maxAttempts: 1 });
    await t.app.worker.drain();
    const job = await t.database.db.selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(job.failed_at).not.toBeNull();
  });
});
