import { createServer, type IncomingMessage, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueMessage } from '../../src/platform/mail/messages.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';

/** A real HTTP server standing for the SMS gateway: records what it receives, answers as told. */
describe('SMS through an HTTP gateway', () => {
  let t: TestApp;
  let server: Server;
  const received: { auth: string | undefined; body: unknown }[] = [];
  let answer = 200;
  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let raw = '';
      req.on('data', (c) => (raw += c));
      req.on('end', () => {
        received.push({ auth: req.headers.authorization, body: JSON.parse(raw) });
        res.writeHead(answer, { 'content-type': 'application/json' }).end(JSON.stringify({ id: `sms-${received.length}` }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    t = await createTestApp({ SMS_API_URL: `http://127.0.0.1:${port}/v1/sms`, SMS_API_TOKEN: 'test-token-0123456789' });
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts the SMS with the bearer token and logs the gateway’s id; a refusal is logged as failed and retried', async () => {
    await queueMessage(t.database.db, { channel: 'sms', to: '+33612345678', text: 'ANTS : Votre demande est à compléter.', accountId: undefined });
    await t.app.worker.drain();
    expect(received).toEqual([{ auth: 'Bearer test-token-0123456789', body: { to: '+33612345678', text: 'ANTS : Votre demande est à compléter.', sender: 'ANTS' } }]);
    const sent = await t.database.db.selectFrom('outgoing_messages').select(['transport', 'status', 'provider_id']).executeTakeFirstOrThrow();
    expect(sent).toEqual({ transport: 'sms', status: 'sent', provider_id: 'sms-1' });

    answer = 503;
    await queueMessage(t.database.db, { channel: 'sms', to: '+33700000000', text: 'ANTS : test' });
    await t.app.worker.drain();
    const failed = await t.database.db.selectFrom('outgoing_messages').select(['status', 'error']).where('recipient', '=', '+33700000000').executeTakeFirstOrThrow();
    expect(failed).toEqual({ status: 'failed', error: 'passerelle SMS : HTTP 503' });
    const job = await t.database.db.selectFrom('jobs').select(['attempts', 'done_at', 'last_error']).where('kind', '=', 'send-message').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(job.done_at).toBeNull();
    expect(job.last_error).toContain('HTTP 503');
  });
});
