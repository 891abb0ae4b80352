import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ibanValid } from '../../src/domains/stamps/refund-model.ts';
import { signInAgent } from '../helpers/agents.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';
import { PDF, PNG } from './licence-helpers.ts';

/**
 * Stamp refunds as the driving-licence FAQ describes them: two cases (bought online: number and
 * transaction reference; at a tobacconist: also the amount, bank details and an ID), within 18
 * months, confirmed by email, checked by an operator. Forms are posted as Chromium posts them:
 * multipart, with the empty file fields of the case that has none.
 */
describe('stamp refunds', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const IBAN = 'FR76 3000 6000 0112 3456 7890 189';

  async function buyInShop(client: TestClient, amount: string): Promise<{ number: string; ref: string; id: number }> {
    await client.get('/timbres');
    const page = await client.follow(await client.submit(/\/timbres\/acheter$/, { amount }));
    const number = /data-stamp-number="(\d{16})"/.exec(page.body)![1]!;
    const ref = /Référence de transaction\s*<\/dt>\s*<dd[^>]*>([A-Z0-9]{12})</.exec(page.body)?.[1] ?? /([A-Z2-9]{12})/.exec(textOf(page.body).split('Référence de transaction')[1] ?? '')![1]!;
    return { number, ref, id: Number(page.url.split('/').pop()) };
  }

  /** Posts the refund form as a browser does: every field, the two file inputs even when empty. */
  async function postRefund(client: TestClient, fields: Record<string, string>, files: Partial<Record<'rib' | 'identity', { filename: string; bytes: Buffer }>> = {}) {
    await client.get('/timbres/remboursements/nouvelle');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    return postForm(client, { idempotency_key: key, stamp_number: '', channel: '', transaction_ref: '', amount: '', account_holder: '', iban: '', ...fields }, files);
  }
  async function postForm(client: TestClient, fields: Record<string, string>, files: Partial<Record<'rib' | 'identity', { filename: string; bytes: Buffer }>>) {
    const form = new FormData();
    form.append('_csrf', client.csrfToken());
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    for (const name of ['rib', 'identity'] as const) {
      const f = files[name];
      form.append(name, new Blob(f ? [new Uint8Array(f.bytes)] : []), f ? f.filename : '');
    }
    const res = new Response(form);
    const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
    const out = await t.app.inject({
      method: 'POST',
      url: '/timbres/remboursements/nouvelle',
      payload: Buffer.from(await res.arrayBuffer()),
      headers: { 'content-type': res.headers.get('content-type')!, accept: 'text/html', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    if (String(out.headers['content-type']).startsWith('text/html')) client.lastHtml = out.body;
    return out;
  }

  it('bought online: number and reference, confirmed by email, the stamp unusable, refunded by an operator', async () => {
    expect(ibanValid(IBAN.replace(/\s/g, ''))).toBe(true);
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const stamp = await buyInShop(client, '2500');
    expect(textOf((await client.get('/timbres')).body)).toContain('Demander le remboursement');

    const sent = await postRefund(client, { stamp_number: stamp.number, channel: 'online', transaction_ref: stamp.ref.toLowerCase() });
    expect(sent.statusCode, textOf(sent.body).slice(0, 300)).toBe(303);
    const page = textOf((await client.follow(sent)).body);
    expect(page).toContain('Votre demande de remboursement est enregistrée');
    expect(page).toContain('En cours de vérification');
    expect(page).toContain('Sur la carte bancaire utilisée pour l’achat');
    const reference = /RT-[A-Z2-9]{8}/.exec(page)![0];
    expect(await t.app.stamps.check(stamp.number, 2500)).toEqual({ ok: false, error: 'Le remboursement de ce timbre est demandé : il ne peut plus être utilisé. Achetez un nouveau timbre' });
    await t.app.worker.drain();
    const confirmation = await t.database.db.selectFrom('outgoing_messages').select(['subject', 'body_text']).where('subject', 'like', `%${reference}%`).executeTakeFirstOrThrow();
    expect(confirmation.subject).toBe(`Demande de remboursement d’un timbre fiscal enregistrée (${reference})`);
    expect(confirmation.body_text).not.toContain(stamp.number);

    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const queue = await operator.get('/agents/timbres/remboursements');
    expect(textOf(queue.body)).toContain(reference);
    const id = /\/agents\/timbres\/remboursements\/(\d+)"/.exec(queue.body)![1]!;
    await operator.get(`/agents/timbres/remboursements/${id}`);
    const decided = await operator.post(`/agents/timbres/remboursements/${id}/decision/refund`, {});
    expect(decided.statusCode).toBe(303);
    // a second decision (double click, another operator) changes nothing
    await operator.get(`/agents/timbres/remboursements/${id}`);
    expect(textOf(operator.lastHtml)).not.toContain('Motif du refus (envoyé à l’usager)');
    const again = await operator.post(`/agents/timbres/remboursements/${id}/decision/refuse`, { note: 'trop tard' });
    expect(textOf(again.body)).toContain('Cette demande est déjà décidée.');

    expect(textOf((await client.get(`/timbres/remboursements/${reference}`)).body)).toContain('Remboursé');
    const row = await t.database.db.selectFrom('fiscal_stamps').select(['status', 'refunded_at']).where('id', '=', stamp.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('refunded');
    const actions = (await t.database.db.selectFrom('audit_events').select('action').where('action', 'like', 'stamp.%').orderBy('id').execute()).map((a) => a.action);
    expect(actions).toEqual(['stamp.bought', 'stamp.refund_requested', 'stamp.refunded']);
  });

  it('bought at a tobacconist: the amount, bank details and two pieces are required, kept on error; refused with a reason, the stamp usable again', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const stamp = await buyInShop(client, '8600');
    const missing = await postRefund(client, { stamp_number: stamp.number, channel: 'tobacconist', transaction_ref: stamp.ref, iban: 'FR76 1234' });
    expect(missing.statusCode).toBe(400);
    const text = textOf(missing.body);
    expect(text).toContain('Saisissez le montant du timbre, par exemple 25,00');
    expect(text).toContain('Cet IBAN n’est pas valide');
    expect(text).toContain('Saisissez le nom du titulaire du compte');
    expect(text).toContain('Joignez : relevé d’identité bancaire (RIB) à votre nom');
    expect(missing.body).toContain('href="#champ-iban"');
    expect(missing.body).toContain(`value="${stamp.number}"`);
    expect(missing.body).toContain('value="FR76 1234"');

    const wrongAmount = await postRefund(client, { stamp_number: stamp.number, channel: 'tobacconist', transaction_ref: stamp.ref, amount: '25', account_holder: 'Camille Martin', iban: IBAN }, { rib: { filename: 'rib.pdf', bytes: PDF }, identity: { filename: 'cni.png', bytes: PNG } });
    expect(textOf(wrongAmount.body)).toContain('Ce montant ne correspond pas au timbre');

    const sent = await postRefund(client, { stamp_number: stamp.number, channel: 'tobacconist', transaction_ref: stamp.ref, amount: '86,00', account_holder: 'Camille Martin', iban: IBAN }, { rib: { filename: 'rib.pdf', bytes: PDF }, identity: { filename: 'cni.png', bytes: PNG } });
    expect(sent.statusCode, textOf(sent.body).slice(0, 300)).toBe(303);
    const reference = String(sent.headers.location).split('/').pop()!;
    expect(textOf((await client.get(`/timbres/remboursements/${reference}`)).body)).toContain('Par virement sur le compte FR76 •••• •••• 0189');

    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const id = (await t.database.db.selectFrom('stamp_refund_requests').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id;
    const casePage = await operator.get(`/agents/timbres/remboursements/${id}`);
    expect(textOf(casePage.body)).toContain('FR7630006000011234567890189 (titulaire : Camille Martin)');
    const pieceLink = /href="(\/agents\/timbres\/remboursements\/\d+\/pieces\/\d+)"/.exec(casePage.body)![1]!;
    expect((await operator.get(pieceLink)).headers['content-type']).toMatch(/^(application\/pdf|image\/png)/);
    await operator.get(`/agents/timbres/remboursements/${id}`);
    const noReason = await operator.post(`/agents/timbres/remboursements/${id}/decision/refuse`, { note: '' });
    expect(textOf(noReason.body)).toContain('Indiquez le motif du refus');
    await operator.get(`/agents/timbres/remboursements/${id}`);
    expect((await operator.post(`/agents/timbres/remboursements/${id}/decision/refuse`, { note: 'Le RIB n’est pas au nom du demandeur.' })).statusCode).toBe(303);
    const mine = textOf((await client.get(`/timbres/remboursements/${reference}`)).body);
    expect(mine).toContain('Refusé');
    expect(mine).toContain('Le RIB n’est pas au nom du demandeur.');
    expect(await t.app.stamps.check(stamp.number, 8600)).toEqual({ ok: true });
  });

  it('attacks: another account cannot read a request nor use a stamp it does not hold the reference of; wrong references are throttled; a double submit makes one request; other agents are refused', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const stamp = await buyInShop(client, '2500');
    const thief = await signInUser(t.app, 'demo.garage@example.fr');
    // guessing the reference of a known number: a few wrong tries, then even the right one is refused
    let tries = 0;
    for (; tries < 10; tries++) {
      const wrong = textOf((await postRefund(thief, { stamp_number: stamp.number, channel: 'online', transaction_ref: `WRONGREF000${tries}` })).body);
      if (wrong.includes('Trop de numéros de timbre inconnus')) break;
      expect(wrong).toContain('Cette référence de transaction ne correspond pas à ce timbre');
    }
    expect(tries).toBe(6); // the stamp throttle's 5 free failures, then a growing lock
    const locked = await postRefund(thief, { stamp_number: stamp.number, channel: 'online', transaction_ref: stamp.ref });
    expect(textOf(locked.body)).toMatch(/Trop de numéros de timbre inconnus ont été saisis : réessayez dans \d+ minute/);
    expect((await t.database.db.selectFrom('stamp_refund_requests').select('id').execute()).length).toBe(0);

    // the owner's double click: one request
    await client.get('/timbres/remboursements/nouvelle');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const fields = { idempotency_key: key, stamp_number: stamp.number, channel: 'online', transaction_ref: stamp.ref, amount: '', account_holder: '', iban: '' };
    const [a, b] = await Promise.all([postForm(client, fields, {}), postForm(client, fields, {})]);
    expect([a.statusCode, b.statusCode]).toEqual([303, 303]);
    expect(a.headers.location).toBe(b.headers.location);
    const rows = await t.database.db.selectFrom('stamp_refund_requests').select('reference').execute();
    expect(rows.length).toBe(1);
    expect((await thief.get(`/timbres/remboursements/${rows[0]!.reference}`)).statusCode).toBe(404);

    const instructor = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect((await instructor.get('/agents/timbres/remboursements')).statusCode).toBe(403);
  });

  it('refuses a stamp bought more than 18 months ago', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const stamp = await buyInShop(client, '2500');
    await t.database.db.updateTable('fiscal_stamps').set({ purchased_at: sql<Date>`now() - interval '19 months'` }).where('id', '=', stamp.id).execute();
    const late = await postRefund(client, { stamp_number: stamp.number, channel: 'online', transaction_ref: stamp.ref });
    expect(textOf(late.body)).toContain('Le remboursement n’est possible que dans les 18 mois suivant l’achat : ce délai est dépassé');
    expect(textOf((await client.get('/timbres')).body)).not.toContain('Demander le remboursement');
  });
});
