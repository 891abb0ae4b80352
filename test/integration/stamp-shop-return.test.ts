import { describe, expect, it } from 'vitest';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';
import { startRequest } from './licence-helpers.ts';

describe('the demo stamp shop leads back to the request that needs the stamp', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('bought from a licence request: back to its step, the number shown once above the field', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const file = await startRequest(client, 'theft');
    const step = `/permis/demandes/${file}/etape/recapitulatif`;
    const shop = await client.get(`/timbres?retour=${encodeURIComponent(step)}`);
    expect(shop.body).toContain(`<input type="hidden" name="retour" value="${step}"/>`);
    expect(textOf(shop.body)).toContain('Revenir à ma demande sans acheter de timbre');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const bought = await client.post('/timbres/acheter', { idempotency_key: key, retour: step, amount: '2500' });
    expect(bought.statusCode).toBe(303);
    expect(bought.headers.location).toBe(step);
    const back = await client.follow(bought);
    expect(back.url.startsWith(`/permis/demandes/${file}/`)).toBe(true);
    const number = /Son numéro : (\d{4} \d{4} \d{4} \d{4})/.exec(textOf(back.body))?.[1];
    expect(number).toBeDefined();
    const stamp = await t.database.db.selectFrom('fiscal_stamps').select(['last4']).executeTakeFirstOrThrow();
    expect(number!.endsWith(stamp.last4)).toBe(true);
    // shown once: the next page no longer holds it
    expect(textOf((await client.get(back.url)).body)).not.toContain(number);
    // a double click buys nothing more and does not lead away from the stamp's page
    const again = await client.post('/timbres/acheter', { idempotency_key: key, retour: step, amount: '2500' }, { csrf: client.csrfToken() });
    expect(again.headers.location).toMatch(/^\/timbres\/\d+$/);
    expect((await t.database.db.selectFrom('fiscal_stamps').select('id').execute()).length).toBe(1);
  });

  it('never leads to another site or a script, whatever `retour` says', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    for (const retour of ['//evil.example/x', 'https://evil.example/', 'javascript:alert(1)', '/\\evil.example']) {
      const shop = await client.get(`/timbres?retour=${encodeURIComponent(retour)}`);
      expect(shop.body).not.toContain('name="retour"');
      expect(shop.body).not.toContain('evil.example');
      const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
      const bought = await client.post('/timbres/acheter', { idempotency_key: key, retour, amount: '2500' });
      expect(bought.headers.location).toMatch(/^\/timbres\/\d+$/);
    }
  });
});
