import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/** The file numbers the queue lists. */
const filesOf = (html: string) => [...html.matchAll(/href="\/agents\/vehicules\/(V[^"?]+)"/g)].map((m) => m[1]);
const fieldOf = (html: string, name: string) => /<input[^>]*name="(?:du|au)"[^>]*>/g.exec(html.slice(html.indexOf(`name="${name}"`) - 300))?.[0] ?? '';

describe('the instruction queue’s date filters', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Camille's duplicate after a theft, transmitted to the centre today (the fixed clock's 1 December 2026). */
  async function transmittedRequest() {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/duplicata`;
    await client.get(base);
    await client.post(base, { reason: 'theft' });
    await client.get(base);
    await client.postFiles(`${base}/declaration-vol`, {}, [{ field: 'report', filename: 'recepisse.pdf', bytes: readFileSync('test/fixtures/recepisse-vol.pdf') }]);
    return page.url.split('/').pop()!;
  }

  it('are the portal’s one date field (JJ/MM/AAAA text), never the browser’s date picker, and filter by the day typed', async () => {
    const file = await transmittedRequest();
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const all = await agent.get('/agents/vehicules?statut=awaiting_review');
    expect(all.statusCode).toBe(200);
    expect(all.body).not.toContain('type="date"');
    expect(textOf(all.body)).toContain('Format JJ/MM/AAAA');
    const everything = filesOf(all.body);
    expect(everything).toContain(file);

    // Nothing was transmitted after the clock's today: the filter applies.
    const later = await agent.get('/agents/vehicules?statut=awaiting_review&du=02%2F12%2F2026');
    expect(later.statusCode).toBe(200);
    expect(filesOf(later.body)).toEqual([]);
    expect(fieldOf(later.body, 'du')).toContain('value="02/12/2026"');
    // A period that covers them keeps them all; the ISO form (an old bookmark) is read too and shown the French way.
    const covered = await agent.get('/agents/vehicules?statut=awaiting_review&du=2000-01-01&au=1%2F12%2F2026');
    expect(filesOf(covered.body)).toEqual(everything);
    expect(fieldOf(covered.body, 'du')).toContain('value="01/01/2000"');
    expect(fieldOf(covered.body, 'au')).toContain('value="1/12/2026"');
  });

  it('name the field of a date that cannot be read, in the summary and beside it, and keep what was typed', async () => {
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const page = await agent.get('/agents/vehicules?du=31%2F02%2F2026&au=demain');
    const text = textOf(page.body);
    expect(text).toContain('Le formulaire contient 2 erreurs');
    expect(text).toContain('La date « Transmise à partir du » n’existe pas : vérifiez le jour et le mois');
    expect(text).toContain('Saisissez la date « Transmise jusqu’au » au format JJ/MM/AAAA, par exemple 01/12/2026');
    expect(page.body).toMatch(/href="#[^"]*du[^"]*"/);
    expect(page.body).toMatch(/id="champ-du-messages"[^>]*><p class="fr-message fr-message--error">La date « Transmise à partir du » n’existe pas/);
    expect(fieldOf(page.body, 'du')).toContain('value="31/02/2026"');
    expect(fieldOf(page.body, 'au')).toContain('value="demain"');
  });

  it('show no list while a date is refused, rather than the whole queue as if no date had been typed', async () => {
    const file = await transmittedRequest();
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect(filesOf((await agent.get('/agents/vehicules?statut=awaiting_review')).body)).toContain(file);
    for (const query of ['du=1%2F12%2F26&au=30%2F02%2F2026', 'du=02%2F12%2F2026&au=01%2F12%2F2026', 'au=demain']) {
      const page = await agent.get(`/agents/vehicules?statut=awaiting_review&${query}`);
      const text = textOf(page.body);
      expect({ query, files: filesOf(page.body) }).toEqual({ query, files: [] });
      expect(text).toContain('Corrigez les dates pour afficher les demandes.');
      expect(text).not.toContain('Aucune demande ne correspond à ces critères.');
      expect(page.body).not.toContain('Demandes suivantes');
    }
    // dates read again: the list is back
    const fixed = await agent.get('/agents/vehicules?statut=awaiting_review&du=01%2F12%2F2026&au=01%2F12%2F2026');
    expect(filesOf(fixed.body)).toContain(file);
    expect(textOf(fixed.body)).not.toContain('Corrigez les dates');
  });

  it('refuse a period that ends before it starts, on the second field', async () => {
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const text = textOf((await agent.get('/agents/vehicules?du=02%2F12%2F2026&au=01%2F12%2F2026')).body);
    expect(text).toContain('La date « Transmise jusqu’au » doit être le même jour ou après la date « Transmise à partir du »');
  });
});
