import { describe, expect, it } from 'vitest';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';
import { startRequest } from './licence-helpers.ts';

describe('a licence correction asked from an account with no title to correct', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('explains why instead of showing the form, and offers a way out: the request for a damaged licence, or back to Mes démarches', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr'); // Camille: no licence request validated in her account
    const file = await startRequest(client, 'correction');
    const page = await client.get(`/permis/demandes/${file}/etape/precisions`);
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('Aucun titre à corriger dans votre compte');
    expect(text).toContain('faites une demande de fabrication d’un titre pour détérioration');
    // none of the correction's fields: the form could only be refused
    for (const field of ['licence_number', 'received_on', 'correction_error', 'correction_detail', 'exclusions']) expect(page.body).not.toContain(`name="${field}"`);
    expect(text).not.toContain('Enregistrer et continuer');
    expect(page.body).toContain('href="/mes-demarches"');

    // The way out: the draft is deleted and the new request's form opens with « Détérioration » chosen.
    const out = await client.post(`/permis/demandes/${file}/supprimer`, { ensuite: 'deterioration' });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/permis/demandes/nouvelle?motif=damage');
    const start = await client.follow(out);
    expect(start.body).toMatch(/<input[^>]*value="damage"[^>]*checked/);
    expect(textOf(start.body)).toContain(`Le brouillon ${file} est supprimé.`);
    expect(await t.database.db.selectFrom('licence_requests').select('id').where('file_number', '=', file).executeTakeFirst()).toBeUndefined();
  });

  it('still refuses a correction posted without a title of the account (a hand-made post)', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const file = await startRequest(client, 'correction');
    await client.get(`/permis/demandes/${file}/etape/precisions`);
    const posted = await client.post(`/permis/demandes/${file}/etape/precisions`, { licence_number: '13AB12345', received_on: '01/11/2026', correction_error: 'civil_status', correction_detail: 'Prénom', original_file: 'P26-DEMO2345' });
    expect(posted.statusCode).toBe(400);
    const row = await t.database.db.selectFrom('licence_requests').select(['step', 'data']).where('file_number', '=', file).executeTakeFirstOrThrow();
    expect(JSON.stringify(row.data)).not.toContain('correction_detail');
  });

  it('ignores a reason this account may not choose in ?motif=', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.get('/permis/demandes/nouvelle?motif=nimportequoi');
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toMatch(/<input[^>]*name="reason"[^>]*checked/);
  });
});
