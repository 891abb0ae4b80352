import { sql } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { notificationKey, NOTIFY_JOB, signNotification } from '../../src/platform/payment/simulated-provider.tsx';
import { createTestApp, type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { startFakePayfip, type FakePayfip } from '../helpers/payfip-fake.ts';
import { duplicateReadyToPay } from '../helpers/duplicates.ts';
import { signInUser } from '../helpers/users.ts';

const USER = 'demo.particulier@example.fr';
const CARD = { card_number: '4242424242424242', expiry: '12/30', cvc: '123', action: 'valider' };
const keyOf = (html: string) => /name="idempotency_key" value="([^"]+)"/.exec(html)![1]!;

/** A duplicate (loss) confirmed and awaiting payment: the page that shows "Payer par carte bancaire". */
async function readyToPay(app: FastifyInstance) {
  const client = await signInUser(app, USER);
  const { base, file } = await duplicateReadyToPay(client);
  expect(textOf(client.lastHtml)).toContain('Payer par carte bancaire');
  return { client, base, file };
}

/** The operator's list of payments to refund, as the operator reads it (the operator's client stays on that page). */
async function operatorRefundList(app: FastifyInstance): Promise<{ text: string; operator: TestClient }> {
  const operator = await signInAgent(new TestClient(app), 'agent.operateur@example.fr');
  const home = textOf((await operator.get('/agents')).body);
  expect(home).toContain('Paiements à rembourser');
  const res = await operator.get('/agents/paiements-a-rembourser');
  expect(res.statusCode).toBe(200);
  return { text: textOf(res.body), operator };
}

describe('payments under attack, with the built-in provider', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const db = () => t.database.db;

  it('two tabs, two payments: the second tab resumes the same attempt and the card is charged once', async () => {
    const { client, base, file } = await readyToPay(t.app);
    // two tabs of the same browser: two pages, two idempotency keys
    const tab1 = keyOf((await client.get(base)).body);
    const tab2 = keyOf((await client.get(base)).body);
    expect(tab1).not.toBe(tab2);
    const to1 = await client.post(`${base}/payer`, { idempotency_key: tab1 });
    const to2 = await client.post(`${base}/payer`, { idempotency_key: tab2 });
    expect(to1.statusCode).toBe(303);
    expect(to2.headers.location).toBe(to1.headers.location);

    // the user pays in both tabs
    const hosted = new URL(String(to1.headers.location)).pathname;
    await client.get(hosted);
    const paid1 = await client.submit(/paiement-simule/, CARD);
    expect(textOf(paid1.body)).toContain('Cliquer ici pour enregistrer votre paiement');
    await client.get(hosted);
    expect(textOf(client.lastHtml)).not.toContain('Numéro de carte');
    const paid2 = await client.post(hosted, CARD, { csrf: null });
    expect(paid2.statusCode).toBe(200);

    const back = await client.follow(await client.get('/paiement/retour'));
    expect(back.statusCode).toBe(200);
    expect(textOf(back.body)).toContain('Votre paiement est enregistré.');
    expect(await t.app.worker.drain()).toBeGreaterThan(0);
    const charges = await db().selectFrom('simulated_provider_transactions').select('status').execute();
    expect(charges).toEqual([{ status: 'paid' }]);
    expect(await db().selectFrom('payments').select('status').execute()).toEqual([{ status: 'success' }]);
    const proc = await db().selectFrom('vehicle_procedures').select('status').where('file_number', '=', file).executeTakeFirstOrThrow();
    expect(proc.status).toBe('completed');
  });

  it('one open attempt per procedure is a database constraint, not only a check', async () => {
    const { client, base } = await readyToPay(t.app);
    await client.post(`${base}/payer`, { idempotency_key: keyOf(client.lastHtml) });
    const open = await db().selectFrom('payments').selectAll().executeTakeFirstOrThrow();
    expect(open.status).toBe('started');
    const twin = db()
      .insertInto('payments')
      .values({ reference: 'f'.repeat(24), idempotency_key: 'another-key-0123456789', procedure_id: open.procedure_id, account_id: open.account_id, amount_cents: open.amount_cents, status: 'started', provider: open.provider, expires_at: open.expires_at, updated_at: new Date() })
      .execute();
    await expect(twin).rejects.toThrow(/payments_one_open/);
  });

  it('a second success reported by the provider is recorded "to refund", shown to operators who record the refund, audited; no 500, every notification job completes', async () => {
    const { client, base, file } = await readyToPay(t.app);
    // Tab A opens the provider's page, then is left aside past the attempt's validity.
    const toA = await client.post(`${base}/payer`, { idempotency_key: keyOf(client.lastHtml) });
    const hostedA = new URL(String(toA.headers.location)).pathname;
    await sql`update payments set expires_at = now() - interval '1 minute'`.execute(db());
    // Tab B starts a new attempt (A is over for the portal, not for the provider's page).
    const toB = await client.post(`${base}/payer`, { idempotency_key: keyOf((await client.get(base)).body) });
    const hostedB = new URL(String(toB.headers.location)).pathname;
    expect(hostedB).not.toBe(hostedA);

    // The user pays in tab A: the provider notifies; the procedure was not paid, so A pays it.
    await client.get(hostedA);
    await client.submit(/paiement-simule/, CARD);
    await t.app.worker.drain();
    // Then in tab B, and comes back to the portal: a second charge for a paid procedure.
    await client.get(hostedB);
    await client.submit(/paiement-simule/, CARD);
    const back = await client.get('/paiement/retour');
    expect(back.statusCode).toBe(303);
    const page = await client.follow(back);
    expect(page.statusCode).toBe(200);
    expect(textOf(page.body)).toContain('Votre démarche était déjà payée : ce second paiement vous sera remboursé');
    await t.app.worker.drain();

    const attempts = await db().selectFrom('payments').select(['status', 'amount_cents']).orderBy('id').execute();
    expect(attempts).toEqual([
      { status: 'success', amount_cents: 1376 },
      { status: 'to_refund', amount_cents: 1376 },
    ]);
    const jobs = await db().selectFrom('jobs').select(['done_at', 'failed_at', 'last_error']).where('kind', '=', NOTIFY_JOB).execute();
    expect(jobs).toHaveLength(2);
    for (const job of jobs) expect(job).toMatchObject({ failed_at: null, last_error: null, done_at: expect.any(Date) });
    const audited = await db().selectFrom('audit_events').select(['action', 'details']).where('action', 'like', 'payment.%').orderBy('id').execute();
    expect(audited.map((a) => a.action)).toContain('payment.to_refund');

    const { text: list, operator } = await operatorRefundList(t.app);
    expect(list).toContain(file);
    expect(list).toMatch(/13,76\s€/);
    expect(list).toContain('1 paiement à rembourser.');
    expect(list).toContain('À rembourser');

    // the operator refunds it in the provider's back office, then records it here (once)
    const marked = await operator.follow(await operator.submit(/\/rembourse$/));
    expect(textOf(marked.body)).toContain('Le remboursement est enregistré.');
    expect(textOf(marked.body)).toContain('Aucun paiement à rembourser.');
    expect(textOf(marked.body)).toMatch(/Remboursé le \d{2}\/\d{2}\/\d{4}/);
    const refundedId = (await db().selectFrom('payment_refunds').select('payment_id').executeTakeFirstOrThrow()).payment_id;
    await operator.post(`/agents/paiements-a-rembourser/${refundedId}/rembourse`, {});
    expect((await db().selectFrom('payments').select('status').orderBy('id').execute()).map((p) => p.status)).toEqual(['success', 'refunded']);
    const refunds = await db().selectFrom('audit_events').select(['actor_kind']).where('action', '=', 'payment.refunded').execute();
    expect(refunds).toEqual([{ actor_kind: 'agent' }]);
    // an agent who is not an operator does not see the list
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const refused = await cert.get('/agents/paiements-a-rembourser');
    expect(refused.statusCode).toBe(303);
    expect(refused.headers.location).toBe('/agents');
  });

  it('two successes arriving at the same moment: one pays the procedure, the other is to refund, neither answers 500', async () => {
    const { client, base } = await readyToPay(t.app);
    await client.post(`${base}/payer`, { idempotency_key: keyOf(client.lastHtml) });
    await sql`update payments set expires_at = now() - interval '1 minute'`.execute(db());
    await client.post(`${base}/payer`, { idempotency_key: keyOf((await client.get(base)).body) });
    const references = (await db().selectFrom('payments').select('reference').orderBy('id').execute()).map((r) => r.reference);
    expect(references).toHaveLength(2);
    const key = notificationKey(t.app.config.sessionSecret);
    const paid = (reference: string) => {
      const body = JSON.stringify({ reference, status: 'paid' });
      return t.app.inject({ method: 'POST', url: '/paiement/notification', headers: { 'content-type': 'application/json', 'x-signature': signNotification(key, body) }, payload: body });
    };
    const answers = await Promise.all(references.map(paid));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200]);
    expect(answers.map((a) => (a.json() as { status: string }).status).sort()).toEqual(['success', 'to_refund']);
    expect(await db().selectFrom('payment_refunds').select(['reason', 'amount_cents']).execute()).toEqual([{ reason: 'already_paid', amount_cents: 1376 }]);
  });

  it('the notification job is idempotent: delivered again, it changes nothing and completes', async () => {
    const { client, base } = await readyToPay(t.app);
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: keyOf(client.lastHtml) }));
    await client.submit(/paiement-simule/, CARD);
    await client.get('/paiement/retour');
    await t.app.worker.drain();
    const job = await db().selectFrom('jobs').select(['payload']).where('kind', '=', NOTIFY_JOB).executeTakeFirstOrThrow();
    // the same notification delivered twice more (a replay, a provider retry)
    await db().insertInto('jobs').values({ kind: NOTIFY_JOB, payload: JSON.stringify(job.payload), run_at: new Date() }).execute();
    await db().insertInto('jobs').values({ kind: NOTIFY_JOB, payload: JSON.stringify(job.payload), run_at: new Date() }).execute();
    await t.app.worker.drain();
    const jobs = await db().selectFrom('jobs').select(['done_at', 'failed_at', 'attempts']).where('kind', '=', NOTIFY_JOB).execute();
    expect(jobs).toHaveLength(3);
    expect(jobs.every((j) => j.done_at !== null && j.failed_at === null && j.attempts === 1)).toBe(true);
    expect(await db().selectFrom('payments').select('status').execute()).toEqual([{ status: 'success' }]);
    expect(await db().selectFrom('audit_events').select('id').where('action', '=', 'payment.success').execute()).toHaveLength(1);
  });

  it('a flood of invalid notifications is rate limited and nothing of it is stored; a valid notification still goes through and is kept', async () => {
    const { client, base } = await readyToPay(t.app);
    await client.post(`${base}/payer`, { idempotency_key: keyOf(client.lastHtml) });
    const { reference } = await db().selectFrom('payments').select('reference').executeTakeFirstOrThrow();
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) {
      const forged = JSON.stringify({ reference, status: 'paid', n: i });
      const res = await t.app.inject({ method: 'POST', url: '/paiement/notification', remoteAddress: '203.0.113.7', headers: { 'content-type': 'application/json', 'x-signature': 'a'.repeat(64) }, payload: forged });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.slice(-10)).toEqual(Array(10).fill(429));
    expect(statuses.every((s) => s === 400 || s === 429)).toBe(true);
    expect(await db().selectFrom('payment_notifications').select('id').execute()).toHaveLength(0);
    expect((await db().selectFrom('payments').select('status').executeTakeFirstOrThrow()).status).toBe('started');

    // The provider's genuine notification, from its own address, is applied and kept.
    const body = JSON.stringify({ reference, status: 'cancelled' });
    const genuine = await t.app.inject({ method: 'POST', url: '/paiement/notification', remoteAddress: '198.51.100.20', headers: { 'content-type': 'application/json', 'x-signature': signNotification(notificationKey(t.app.config.sessionSecret), body) }, payload: body });
    expect(genuine.statusCode).toBe(200);
    expect(await db().selectFrom('payment_notifications').select(['reference', 'signature_valid']).execute()).toEqual([{ reference, signature_valid: true }]);
    expect((await db().selectFrom('payments').select('status').executeTakeFirstOrThrow()).status).toBe('cancelled');
  });
});

describe('payments under attack, with PayFiP (a stand-in web service on loopback)', () => {
  let t!: TestApp;
  let payfip!: FakePayfip;
  beforeAll(async () => {
    payfip = await startFakePayfip();
    t = await createTestApp({ PAYFIP_WS_URL: payfip.wsUrl, PAYFIP_PAYMENT_URL: payfip.paymentUrl, PAYFIP_NUMCLI: '012345' });
  });
  afterAll(async () => {
    await t.close();
    await payfip.close();
  });
  beforeEach(async () => {
    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
    payfip.reset();
  });
  const db = () => t.database.db;
  const notify = (idOp: string, remoteAddress = '192.0.2.10') =>
    t.app.inject({ method: 'POST', url: '/paiement/notification/payfip', remoteAddress, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `idOp=${encodeURIComponent(idOp)}` });

  it('two tabs: PayFiP is asked once, the second tab is sent to the same PayFiP page', async () => {
    const { client, base } = await readyToPay(t.app);
    const tab1 = keyOf((await client.get(base)).body);
    const tab2 = keyOf((await client.get(base)).body);
    const to1 = await client.post(`${base}/payer`, { idempotency_key: tab1 });
    const to2 = await client.post(`${base}/payer`, { idempotency_key: tab2 });
    expect(to1.headers.location).toBe(`${payfip.paymentUrl}?idop=op-0001`);
    expect(to2.headers.location).toBe(to1.headers.location);
    expect(payfip.created).toHaveLength(1);
    expect(payfip.created[0]!.montant).toBe('1376');
  });

  it('a second success reported by PayFiP is recorded "to refund" and shown to operators; the return never answers 500', async () => {
    const { client, base, file } = await readyToPay(t.app);
    await client.post(`${base}/payer`, { idempotency_key: keyOf(client.lastHtml) });
    await sql`update payments set expires_at = now() - interval '1 minute'`.execute(db());
    const toB = await client.post(`${base}/payer`, { idempotency_key: keyOf((await client.get(base)).body) });
    expect(toB.headers.location).toBe(`${payfip.paymentUrl}?idop=op-0002`);
    // both PayFiP pages are paid; PayFiP notifies A first, then the user comes back from B
    payfip.results.set('op-0001', 'P');
    payfip.results.set('op-0002', 'V');
    const first = await notify('op-0001');
    expect(first.statusCode).toBe(200);
    const back = await client.get('/paiement/retour');
    expect(back.statusCode).toBe(303);
    expect(textOf((await client.follow(back)).body)).toContain('Votre démarche était déjà payée : ce second paiement vous sera remboursé');
    const again = await notify('op-0002');
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'to_refund' });

    const attempts = await db().selectFrom('payments').select(['provider_transaction_id', 'status']).orderBy('id').execute();
    expect(attempts).toEqual([
      { provider_transaction_id: 'op-0001', status: 'success' },
      { provider_transaction_id: 'op-0002', status: 'to_refund' },
    ]);
    const { text: list } = await operatorRefundList(t.app);
    expect(list).toContain(file);
    expect(list).toContain('op-0002');
    expect(list).toContain('PayFiP');
  });

  it('a flood of invalid PayFiP notifications is rate limited and nothing of it is stored', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++) statuses.push((await notify(i % 2 ? `op-${9000 + i}` : '<script>', '203.0.113.8')).statusCode);
    expect(statuses.slice(0, 5).every((s) => s === 400 || s === 404)).toBe(true);
    expect(statuses.slice(-10)).toEqual(Array(10).fill(429));
    expect(await db().selectFrom('payment_notifications').select('id').execute()).toHaveLength(0);
  });
});
