import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type TestApp, type TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';
import { refundProblem } from '../../src/domains/stamps/model.ts';

describe('fiscal stamps: the service and the demo shop', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const accountId = async (email: string) => (await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  // (PGlite runs one transaction at a time: no query on the root connection inside a transaction)
  const buy = async (amountCents: number, email = 'demo.particulier@example.fr') => {
    const id = await accountId(email);
    return t.database.db.transaction().execute((trx) => t.app.stamps.buy(trx, { amountCents, accountId: id }));
  };

  /** Buys through the shop page; returns the number shown once and the stamp's page. */
  async function buyInShop(client: TestClient, amount: string): Promise<{ number: string; url: string }> {
    await client.get('/timbres');
    const page = await client.follow(await client.submit(/\/timbres\/acheter$/, { amount }));
    const number = /data-stamp-number="(\d{16})"/.exec(page.body)?.[1];
    if (!number) throw new Error('no stamp number shown');
    return { number, url: page.url };
  }

  it('sells a stamp in the demo shop, shows its number once and lists it with its state', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const shop = textOf((await client.get('/timbres')).body);
    expect(shop).toContain('Boutique de démonstration');
    expect(shop).toContain('aucun paiement n’est demandé');
    expect(shop).toContain('86,00 €');
    expect(shop).toContain('Vous n’avez acheté aucun timbre.');

    const { number, url } = await buyInShop(client, '8600');
    const page = textOf(client.lastHtml);
    expect(page).toContain('Votre timbre est acheté');
    expect(page).toContain(`${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8, 12)} ${number.slice(12)}`);
    expect(page).toContain('Notez ce numéro maintenant');

    const list = textOf((await client.get('/timbres')).body);
    expect(list).toContain(`•••• ${number.slice(-4)} 86,00 €`);
    expect(list).toContain('Disponible Demander le remboursement');
    // the number is never stored: only its HMAC and its last 4 digits
    const row = await t.database.db.selectFrom('fiscal_stamps').selectAll().executeTakeFirstOrThrow();
    expect(row.last4).toBe(number.slice(-4));
    expect(row.number_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(number);
    const audits = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', 'like', 'stamp.%').execute();
    expect(audits).toEqual([{ action: 'stamp.bought', details: { amount_cents: 8600, last4: number.slice(-4) } }]);
    expect(JSON.stringify(audits)).not.toContain(number);

    // after 15 minutes the session forgets it
    await sql`update sessions set data = jsonb_set(data, '{stampJustBought,until}', '0'::jsonb) where data ? 'stampJustBought'`.execute(t.database.db);
    const later = textOf((await client.get(url)).body);
    expect(later).not.toContain(number.slice(0, 8));
    expect(later).toContain(`•••• •••• •••• ${number.slice(-4)}`);
    expect(JSON.stringify(await t.database.db.selectFrom('sessions').select('data').execute())).not.toContain(number);

    // another browser of the same user: the number is no longer shown
    const other = await signInUser(t.app, 'demo.particulier@example.fr');
    const again = await other.get(url);
    expect(textOf(again.body)).not.toContain(number.slice(0, 8));
    expect(textOf(again.body)).toContain(`•••• •••• •••• ${number.slice(-4)}`);
  });

  it('a double click on "Acheter" buys one stamp', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/timbres');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const first = await client.post('/timbres/acheter', { idempotency_key: key, amount: '2500' });
    const second = await client.post('/timbres/acheter', { idempotency_key: key, amount: '2500' });
    expect(second.headers.location).toBe(first.headers.location);
    const count = await t.database.db.selectFrom('fiscal_stamps').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(1);
    // the page after the second click still shows the number bought by the first
    expect((await client.get(String(second.headers.location))).body).toMatch(/data-stamp-number="\d{16}"/);
  });

  it('refuses a purchase without an amount, with the error next to the field', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/timbres');
    const res = await client.submit(/\/timbres\/acheter$/, {});
    expect(res.statusCode).toBe(400);
    const text = textOf(res.body);
    expect(text).toContain('Le formulaire contient une erreur');
    expect(text).toContain('Choisissez le montant du timbre');
    expect(res.body).toContain('href="#champ-amount"');
  });

  it('checks a number: malformed, unknown, amount too low, too old, and good', async () => {
    const stamps = t.app.stamps;
    const { number } = await buy(1700);
    expect(await stamps.check(number, 1700)).toEqual({ ok: true });
    expect(await stamps.check(`${number.slice(0, 4)} ${number.slice(4, 8)} ${number.slice(8, 12)} ${number.slice(12)}`, 1700)).toEqual({ ok: true });
    expect(await stamps.check(number, 2500)).toEqual({ ok: false, error: 'Le timbre vaut 17,00 € : il faut un timbre de 25,00 €' });
    expect(await stamps.check('12345', 1700)).toEqual({ ok: false, error: 'Le numéro du timbre doit comporter 16 chiffres, par exemple 1234 5678 9012 3456' });
    expect(await stamps.check('0000000000000000', 1700)).toEqual({ ok: false, error: 'Ce numéro ne correspond à aucun timbre fiscal électronique : vérifiez-le sur le justificatif d’achat' });
    await t.database.db.updateTable('fiscal_stamps').set({ purchased_at: sql<Date>`now() - interval '13 months'` }).execute();
    expect(await stamps.check(number, 1700)).toMatchObject({ ok: false, error: expect.stringContaining('acheté il y a plus de 12 mois') });
    const consumed = await t.database.db.transaction().execute((trx) => stamps.consume(trx, number, { amountCents: 1700, usage: 'test' }));
    expect(consumed).toMatchObject({ ok: false, error: expect.stringContaining('plus de 12 mois') });
  });

  it('consumes a stamp once: of two concurrent consumptions, one wins', async () => {
    const stamps = t.app.stamps;
    const { number } = await buy(8600);
    const consume = (usage: string) => t.database.db.transaction().execute((trx) => stamps.consume(trx, number, { amountCents: 8600, usage }));
    const results = await Promise.all([consume('Pré-demande A'), consume('Pré-demande B')]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, error: 'Ce timbre a déjà été utilisé pour une autre démarche : achetez un nouveau timbre' });
    expect(await stamps.check(number, 8600)).toEqual({ ok: false, error: 'Ce timbre a déjà été utilisé pour une autre démarche : achetez un nouveau timbre' });
    const row = await t.database.db.selectFrom('fiscal_stamps').select(['status', 'usage']).executeTakeFirstOrThrow();
    expect(row.status).toBe('used');
    // a used stamp cannot be refunded
    const used = await t.database.db.selectFrom('fiscal_stamps').select(['status', 'purchased_at']).executeTakeFirstOrThrow();
    expect(refundProblem(used, new Date())).toBe('Ce timbre a été utilisé : il ne peut pas être remboursé');
    // a stamp worth less than due is not consumed
    const small = await buy(1700);
    const tooLow = await t.database.db.transaction().execute((trx) => stamps.consume(trx, small.number, { amountCents: 2500, usage: 'x' }));
    expect(tooLow).toEqual({ ok: false, error: 'Le timbre vaut 17,00 € : il faut un timbre de 25,00 €' });
    expect(await stamps.check(small.number, 1700)).toEqual({ ok: true });
  });

  it('rate-limits unknown numbers per session and IP: after 5 failures even a good number is refused', async () => {
    const stamps = t.app.stamps;
    const { number } = await buy(2500);
    const throttle = { sessionIdHash: 'a'.repeat(64), ip: '203.0.113.7' };
    const unknown = '4000000000000002'; // passes the check digit, sold to nobody
    for (let i = 0; i < 5; i++) expect((await stamps.check(unknown, 2500, { throttle })).ok).toBe(false);
    expect(await stamps.check(number, 2500, { throttle })).toEqual({ ok: true });
    expect(await stamps.check(unknown, 2500, { throttle })).toMatchObject({ ok: false });
    const locked = await stamps.check(number, 2500, { throttle });
    expect(locked).toEqual({ ok: false, error: 'Trop de numéros de timbre inconnus ont été saisis : réessayez dans 1 minute' });
    // another session on another IP is not affected
    expect(await stamps.check(number, 2500, { throttle: { sessionIdHash: 'b'.repeat(64), ip: '203.0.113.8' } })).toEqual({ ok: true });
  });

  it('the shop is for signed-in users only', async () => {
    const res = await new (await import('../helpers/app.ts')).TestClient(t.app).get('/timbres');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/connexion?retour=%2Ftimbres');
  });
});
