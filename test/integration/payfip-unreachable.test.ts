import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, textOf, type TestApp } from '../helpers/app.ts';
import { duplicateReadyToPay } from '../helpers/duplicates.ts';
import { signInUser } from '../helpers/users.ts';

describe('a PayFiP-style provider configured but not answering', () => {
  let t: TestApp;
  beforeAll(async () => {
    // port 9 (discard) on loopback: nothing listens, the connection is refused at once
    t = await createTestApp({ PAYFIP_WS_URL: 'http://127.0.0.1:9/tpa/services/securite', PAYFIP_NUMCLI: '012345' });
    await seedDemoData(t.database.db, t.app.config);
  });
  afterAll(() => t.close());

  it('keeps the request payable and says so in French; the attempt is recorded as an error; the simulator is not served', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/paiement-simule/x' })).statusCode).toBe(404);
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const { base } = await duplicateReadyToPay(client, 'AB-123-CD', 'damage');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const back = await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    expect(back.url).toBe(`${base}/fin`);
    expect(textOf(back.body)).toContain('Le service de paiement ne répond pas. Votre demande est conservée');
    expect(textOf(back.body)).toContain('Payer par carte bancaire');
    const attempt = await t.database.db.selectFrom('payments').select(['status', 'provider']).executeTakeFirstOrThrow();
    expect(attempt).toEqual({ status: 'error', provider: 'payfip' });
  });
});
