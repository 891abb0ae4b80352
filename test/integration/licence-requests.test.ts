import { describe, expect, it } from 'vitest';
import { DEMO_PHOTO_CODES } from '../../src/domains/licences/photo-service.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { pdfText } from '../helpers/pdf.ts';
import { signInUser } from '../helpers/users.ts';
import { IDENTITY, PDF, PNG, postMultipart, startRequest } from './licence-helpers.ts';

describe('driving-licence requests', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const base = (file: string) => `/permis/demandes/${file}`;
  const step = (file: string, slug: string) => `${base(file)}/etape/${slug}`;

  /** Files a registration up to "Envoyée" for Camille, with a photo code. */
  async function fileRegistration(client: TestClient, opts: { code?: string; photo?: 'code' | 'classic' } = {}): Promise<string> {
    const file = await startRequest(client, 'registration');
    await client.get(step(file, 'precisions'));
    expect((await client.post(step(file, 'precisions'), { categories: 'B' })).statusCode).toBe(303);
    await client.get(step(file, 'etat-civil'));
    expect((await client.post(step(file, 'etat-civil'), IDENTITY)).statusCode).toBe(303);
    await client.get(step(file, 'coordonnees'));
    const photo = opts.photo ?? 'code';
    const contact = await client.post(step(file, 'coordonnees'), { email: 'camille@example.fr', mobile: '06 12 34 56 78', photo_mode: photo, photo_code: photo === 'code' ? (opts.code ?? DEMO_PHOTO_CODES[0]!) : '' });
    expect(contact.statusCode, textOf(contact.body).slice(0, 400)).toBe(303);
    await client.get(step(file, 'pieces'));
    const pieces = await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF } });
    expect(pieces.statusCode, textOf(pieces.body).slice(0, 400)).toBe(303);
    await client.get(step(file, 'envoi'));
    const sent = await client.post(step(file, 'envoi'), { clu: 'oui' });
    expect(sent.statusCode, textOf(sent.body).slice(0, 600)).toBe(303);
    return file;
  }

  it('a registration goes from the draft to "Validée", the NEPH allocated, each step notified by email and SMS', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const file = await fileRegistration(client);
    const page = textOf((await client.get(base(file))).body);
    expect(page).toContain('Envoyée');
    expect(page).toContain('Votre demande a été envoyée à l’administration.');
    const receipt = await client.get(`${base(file)}/documents/recepisse.pdf`);
    expect(receipt.headers['content-type']).toBe('application/pdf');
    expect(pdfText(receipt.rawPayload)).toContain(file);

    const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
    const queue = textOf((await agent.get('/agents/permis')).body);
    expect(queue).toContain(file);
    expect(queue).toContain('MARTIN CAMILLE');
    expect(queue).toContain('P26-DEMO2345'); // the demo request waits too
    const id = Number(new RegExp(`href="/agents/permis/(\\d+)">${file}<`).exec(agent.lastHtml)![1]);
    await agent.get(`/agents/permis/${id}`);
    await agent.post(`/agents/permis/${id}/prendre`, {});
    expect(textOf((await agent.get(`/agents/permis/${id}`)).body)).toContain('Vérification des images');
    expect((await agent.post(`/agents/permis/${id}/decision/accept_images`, {})).statusCode).toBe(303);
    // each piece accepted first: a request with a refused or unexamined piece is not validated
    const pieces = [...(await agent.get(`/agents/permis/${id}`)).body.matchAll(/\/agents\/permis\/\d+\/pieces\/(\d+)\/examen/g)].map((m) => m[1]!);
    expect(pieces.length).toBeGreaterThan(0);
    for (const piece of new Set(pieces)) {
      await agent.get(`/agents/permis/${id}`);
      expect((await agent.post(`/agents/permis/${id}/pieces/${piece}/examen`, { [`verdict-${piece}`]: 'accepted' })).statusCode).toBe(303);
    }
    await agent.get(`/agents/permis/${id}`);
    expect((await agent.post(`/agents/permis/${id}/decision/validate`, {})).statusCode).toBe(303);

    const done = textOf((await client.get(base(file))).body);
    expect(done).toContain('Validée par l’administration');
    expect(done).toContain('le permis vous sera envoyé dans les 15 jours');
    const neph = /Votre numéro de dossier permis \(NEPH\) est (\d{12})/.exec(done)?.[1];
    expect(neph).toMatch(/^\d{4}7501\d{4}$/);
    await t.app.worker.drain();
    const messages = await t.database.db.selectFrom('outgoing_messages').select(['channel', 'recipient', 'subject', 'body_text']).orderBy('id').execute();
    const subjects = messages.filter((m) => m.channel === 'email' && m.recipient === 'camille@example.fr').map((m) => m.subject);
    expect(subjects).toEqual([
      `Votre demande de permis de conduire : Envoyée (${file})`,
      `Votre demande de permis de conduire : Vérification des images (${file})`,
      `Votre demande de permis de conduire : En cours d’instruction (${file})`,
      `Votre demande de permis de conduire : Validée par l’administration (${file})`,
    ]);
    expect(messages.filter((m) => m.channel === 'sms' && m.recipient === '0612345678')).toHaveLength(4);
    const validated = messages.filter((m) => m.channel === 'email' && m.subject?.includes('Validée'))[0]!;
    expect(validated.body_text).toContain('Votre numéro NEPH est affiché dans votre espace');
    expect(validated.body_text).not.toContain(neph);
    const audits = await t.database.db.selectFrom('audit_events').select('action').where('subject_kind', '=', 'licence_request').execute();
    expect(audits.map((a) => a.action)).toEqual(expect.arrayContaining(['licence.draft_created', 'licence.submit', 'licence.check_images', 'licence.accept_images', 'licence.validate']));
  });
});
