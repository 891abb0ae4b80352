import { describe, expect, it } from 'vitest';
import { verdictText, verifySeal } from '../../src/domains/document-verification/service.ts';
import { messageForForm } from '../../src/domains/document-verification/routes.tsx';
import { documentSigner, trustedKeyOf } from '../../src/platform/seal/keys.ts';
import { readDataMatrixCodes } from '../../src/platform/seal/read-pdf.ts';
import { startClockAt } from '../../src/platform/time.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { signInUser } from '../helpers/users.ts';
import { startLicenceRequest, submitPreApplication } from '../documents/demo-documents.ts';
import { TEST_CLOCK_START } from '../setup/clock.ts';

const CAMILLE = 'demo.particulier@example.fr';

/**
 * An authentic document of a request that moved on proves nothing any more: a récépissé whose
 * licence request was refused, a pre-application summary that expired or was used at a town hall.
 * The verification (service, public page; the CLI prints the same verdict) says so, with why.
 */
describe('a genuine 2D-Doc of a request that was refused or expired is no longer valid', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const trusted = () => [trustedKeyOf(documentSigner())];

  async function sealOf(client: TestClient, url: string): Promise<string> {
    const res = await client.get(url);
    expect(res.statusCode).toBe(200);
    const [message] = await readDataMatrixCodes(res.rawPayload, 1);
    return message!;
  }
  async function pageVerdict(message: string): Promise<string> {
    const visitor = new TestClient(t.app);
    await visitor.get('/verification/2d-doc');
    const res = await visitor.post('/verification/2d-doc', { message: messageForForm(message) });
    expect(res.statusCode).toBe(200);
    return textOf(res.body);
  }

  it('a licence récépissé verifies while the request is instructed, and no longer once the agent refuses it', { timeout: 600_000 }, async () => {
    const db = t.database.db;
    const user = await signInUser(t.app, CAMILLE);
    const file = await startLicenceRequest(t, user, 'renewal', { categories: 'B', licence_number: '13AB12345' }, { photo_mode: 'classic' });
    expect((await user.post(`/permis/demandes/${file}/etape/envoi`, { clu: 'oui' })).statusCode).toBe(303);
    const message = await sealOf(user, `/permis/demandes/${file}/documents/recepisse.pdf`);

    const before = await verifySeal(db, message, trusted());
    expect(before).toMatchObject({ status: 'signature_valid', registry: { found: true, matches: true } });
    expect(before.status === 'signature_valid' && before.registry?.found && before.registry.noLongerValid).toBeFalsy();
    expect(verdictText(before).ok).toBe(true);
    expect(await pageVerdict(message)).toContain('Document authentique');

    const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
    const id = (await db.selectFrom('licence_requests').select('id').where('file_number', '=', file).executeTakeFirstOrThrow()).id;
    await agent.get(`/agents/permis/${id}`);
    await agent.post(`/agents/permis/${id}/prendre`, {});
    await agent.get(`/agents/permis/${id}`);
    await agent.post(`/agents/permis/${id}/decision/accept_images`, {});
    await agent.get(`/agents/permis/${id}`);
    await agent.post(`/agents/permis/${id}/decision/reject`, { 'note-reject': 'Le permis indiqué n’est pas le vôtre.' });
    expect((await db.selectFrom('licence_requests').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status).toBe('rejected');

    const after = await verifySeal(db, message, trusted());
    expect(after).toMatchObject({ status: 'signature_valid', registry: { found: true, matches: true, noLongerValid: 'la demande a été refusée le 1er décembre 2026' } });
    const text = verdictText(after);
    expect(text.ok).toBe(false); // the CLI exits 1 on it
    expect(text.title).toBe('Document authentique mais plus valable');
    const page = await pageVerdict(message);
    expect(page).toContain('Document authentique mais plus valable');
    expect(page).toContain('il n’est plus valable : la demande a été refusée le 1er décembre 2026');
    expect(page).not.toContain('correspondent au registre.');
  });

  it('a pre-application summary verifies until the pre-application expires, and not once a town hall took it', { timeout: 600_000 }, async () => {
    const db = t.database.db;
    const user = await signInUser(t.app, CAMILLE);
    const base = await submitPreApplication(user);
    const message = await sealOf(user, `${base}/recapitulatif.pdf`);
    const id = Number(base.split('/').pop());
    const valid = await verifySeal(db, message, trusted());
    expect(verdictText(valid)).toMatchObject({ ok: true, title: 'Document authentique' });
    expect(await pageVerdict(message)).toContain('Document authentique');

    // expired: the validity date passed (the date the seal carries stays the registry's: only the clock moved past it)
    const { expires_at } = await db.selectFrom('pre_applications').select('expires_at').where('id', '=', id).executeTakeFirstOrThrow();
    startClockAt(new Date(expires_at!.getTime() + 1000));
    let expired;
    try {
      expired = await verifySeal(db, message, trusted());
    } finally {
      startClockAt(TEST_CLOCK_START);
    }
    expect(expired).toMatchObject({ status: 'signature_valid', registry: { found: true, matches: true } });
    expect(expired.status === 'signature_valid' && expired.registry?.found && expired.registry.noLongerValid).toMatch(/^la pré-demande a expiré le \d+(?:er)? \p{L}+ \d{4}$/u);
    expect(verdictText(expired).ok).toBe(false);

    // taken by a town hall: the summary has been used
    await db.updateTable('pre_applications').set({ status: 'taken', taken_at: new Date(), town_hall_name: 'Mairie de Lyon 3e' }).where('id', '=', id).execute();
    const taken = await verifySeal(db, message, trusted());
    expect(taken).toMatchObject({ registry: { found: true, matches: true, noLongerValid: 'la pré-demande a déjà été reprise par la mairie « Mairie de Lyon 3e » le 1er décembre 2026' } });
    const page = await pageVerdict(message);
    expect(page).toContain('Document authentique mais plus valable');
    expect(page).toContain('la pré-demande a déjà été reprise par la mairie');
  });
});
