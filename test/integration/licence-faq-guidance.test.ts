import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { pdfText } from '../helpers/pdf.ts';
import { signInUser } from '../helpers/users.ts';
import { IDENTITY, PDF, PNG, postMultipart, startRequest } from './licence-helpers.ts';

/**
 * The driving-licence FAQ's guidance (../shared/seeds/driving-licence-faq.txt) where a person needs
 * it: what to drive with while waiting, the category rules, when to apply after a suspension.
 */
describe('driving-licence FAQ guidance on the request pages', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const base = (file: string) => `/permis/demandes/${file}`;
  const step = (file: string, slug: string) => `${base(file)}/etape/${slug}`;
  const camille = () => signInUser(t.app, 'demo.particulier@example.fr');

  async function submit(client: TestClient, file: string, details: Record<string, string | string[]>, pieces: Record<string, { filename: string; bytes: Buffer }>) {
    await client.get(step(file, 'precisions'));
    expect((await client.post(step(file, 'precisions'), details)).statusCode).toBe(303);
    await client.get(step(file, 'etat-civil'));
    expect((await client.post(step(file, 'etat-civil'), IDENTITY)).statusCode).toBe(303);
    await client.get(step(file, 'coordonnees'));
    expect((await client.post(step(file, 'coordonnees'), { email: 'camille@example.fr', mobile: '', photo_mode: 'classic' })).statusCode).toBe(303);
    await client.get(step(file, 'pieces'));
    const p = await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, pieces);
    expect(p.statusCode, textOf(p.body).slice(0, 300)).toBe(303);
    await client.get(step(file, 'envoi'));
    const sent = await client.post(step(file, 'envoi'), { clu: 'oui' });
    expect(sent.statusCode, textOf(sent.body).slice(0, 300)).toBe(303);
  }

  it('a military conversion says to drive with the brevet militaire and the récépissé, once sent and not before', async () => {
    const client = await camille();
    const file = await startRequest(client, 'title_military');
    const draft = textOf((await client.get(base(file))).body);
    expect(draft).not.toContain('Avec quel document circuler');
    await submit(client, file, { categories: ['B'], neph: '' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF }, military_licence: { filename: 'brevet.pdf', bytes: PDF } });
    const page = textOf((await client.get(base(file))).body);
    expect(page).toContain('Avec quel document circuler en attendant le nouveau permis ?');
    expect(page).toContain('Vous pouvez continuer à circuler avec votre brevet militaire');
    expect(page).toContain('Munissez-vous en complément du récépissé de dépôt de votre demande.');
    const recepisse = await client.get(`${base(file)}/documents/recepisse.pdf`);
    expect(recepisse.headers['content-type']).toBe('application/pdf');
    expect(pdfText(recepisse.rawPayload).replace(/\s+/g, ' ')).toContain('brevet militaire');
  });

  it('a diploma validation names both cases (extension: current licence; first licence: wait)', async () => {
    const client = await camille();
    const file = await startRequest(client, 'title_diploma');
    await submit(client, file, { categories: ['C'], neph: '' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF }, diploma: { filename: 'diplome.pdf', bytes: PDF }, medical: { filename: 'medical.pdf', bytes: PDF } });
    const page = textOf((await client.get(base(file))).body);
    expect(page).toContain('S’il s’agit d’une nouvelle catégorie (extension) : vous pouvez continuer à circuler avec votre permis actuel.');
    expect(page).toContain('S’il s’agit de votre premier permis : vous devez attendre de recevoir le nouveau permis de conduire.');
  });

  it('a title after the exam gets no driving guidance the FAQ does not give', async () => {
    const client = await camille();
    const file = await startRequest(client, 'title_exam');
    await submit(client, file, { categories: ['B'], neph: '' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF } });
    expect(textOf((await client.get(base(file))).body)).not.toContain('Avec quel document circuler');
  });

  it('the categories step links to the official category rules; a suspension is advised 7 days before its end', async () => {
    const client = await camille();
    const start = await client.get('/permis/demandes/nouvelle');
    expect(textOf(start.body)).toContain('de préférence 7 jours avant la fin de la suspension');
    const file = await startRequest(client, 'title_suspension');
    const details = await client.get(step(file, 'precisions'));
    expect(details.body).toContain('href="https://www.service-public.fr/particuliers/vosdroits/N530"');
    expect(textOf(details.body)).toContain('les catégories de permis de conduire (service-public.fr)');
    expect(textOf(details.body)).toContain('dont l’avis médical, de préférence 7 jours avant la fin de la suspension');
    // every step goes back: the first to the request's page, the others to the step before
    expect(details.body).toMatch(new RegExp(`<a [^>]*href="${base(file)}"[^>]*>\\s*Étape précédente`));
    await client.post(step(file, 'precisions'), { categories: ['AM'], am_only: 'oui', neph: '', licence_number: '13AB12345' });
    const identity = await client.get(step(file, 'etat-civil'));
    expect(identity.body).toMatch(new RegExp(`<a [^>]*href="${step(file, 'precisions')}"[^>]*>\\s*Étape précédente`));
  });

  it('the correction reason says at step 1 which titles it is for', async () => {
    const client = await camille();
    const start = textOf((await client.get('/permis/demandes/nouvelle')).body);
    expect(start).toContain('Seulement pour un permis issu d’une demande en ligne validée depuis votre compte');
  });
});
