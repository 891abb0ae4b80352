import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { formatDay } from '../../src/domains/help/contact-service.ts';
import { addWorkingDays, parisDate } from '../../src/domains/help/working-days.ts';
import { multipartBody, type TestApp, TestClient, type TestFile, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { lastEmailTo } from '../helpers/outbox.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

describe('contact requests', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Posts the contact form of the last page as the browser does (multipart, with its hidden fields). */
  async function send(client: TestClient, fields: Record<string, string>, files: TestFile[] = []): Promise<LightMyRequestResponse> {
    const key = /name="idempotency_key" value="([^"]*)"/.exec(client.lastHtml)?.[1] ?? '';
    const { payload, contentType } = multipartBody({ _csrf: client.csrfToken(), idempotency_key: key, ...fields }, files);
    const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
    const res = await t.app.inject({ method: 'POST', url: '/contact', payload, headers: { 'content-type': contentType, accept: 'text/html', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    if (String(res.headers['content-type']).startsWith('text/html')) client.lastHtml = res.body;
    return res;
  }

  const fields = { topic: 'vehicle', subject: 'Étiquette non reçue', message: 'Bonjour,\nje n’ai pas reçu l’étiquette de changement d’adresse.' };

  it('keeps “Mes demandes de contact” to signed-in users (the form itself is public: public-contact.test.ts)', async () => {
    const res = await new TestClient(t.app).get('/contact/demandes');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/connexion?retour=%2Fcontact%2Fdemandes');
  });

  it('records a request with its files, shows its 15-working-day deadline and acknowledges it by email', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/contact');
    const res = await send(client, fields, [
      { field: 'pieces', filename: 'courrier.pdf', bytes: PDF },
      { field: 'pieces', filename: 'photo.png', bytes: PNG },
    ]);
    expect(res.statusCode).toBe(303);
    const page = await client.follow(res);
    const reference = page.url.split('/').pop()!;
    expect(reference).toMatch(/^C\d{4}-[A-Z2-9]{6}$/);
    const due = addWorkingDays(parisDate(new Date()), 15);
    const text = textOf(page.body);
    expect(text).toContain(`Votre demande ${reference} est envoyée`);
    expect(text).toContain(`L’agence vous répondra au plus tard le ${formatDay(due)} (15 jours ouvrés après sa réception)`);
    expect(text).toContain('Objet Étiquette non reçue');
    expect(text).toContain('je n’ai pas reçu l’étiquette de changement d’adresse.');
    expect(text).toMatch(/courrier\.pdf \(\d+ Ko\)/);
    const download = /href="(\/contact\/demandes\/[^"]+\/pieces\/\d+)"/.exec(page.body)![1]!;
    const file = await client.get(download);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(file.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const list = textOf((await client.get('/contact/demandes')).body);
    expect(list).toContain(reference);
    expect(list).toContain('En attente de réponse');
    expect(list).toContain(`Réponse au plus tard le ${formatDay(due)}`);
    const mail = await lastEmailTo(t.app, 'demo.particulier@example.fr');
    expect(mail.subject).toBe(`Demande de contact ${reference} reçue`);
    expect(mail.text).toContain(`au plus tard le ${formatDay(due)}`);
    expect(mail.link).toBe(`/contact/demandes/${reference}`);
    const row = await t.database.db.selectFrom('audit_events').select(['action', 'actor_kind', 'details']).where('action', '=', 'contact.created').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ actor_kind: 'user', details: { reference, topic: 'vehicle', files: 2 } });
  });

  it('shows a user’s request to nobody else (404), files included', async () => {
    const owner = await signInUser(t.app, 'demo.particulier@example.fr');
    await owner.get('/contact');
    const page = await owner.follow(await send(owner, fields, [{ field: 'pieces', filename: 'courrier.pdf', bytes: PDF }]));
    const download = /href="(\/contact\/demandes\/[^"]+\/pieces\/\d+)"/.exec(page.body)![1]!;
    const other = await signInUser(t.app, 'demo.entreprise@example.fr');
    expect((await other.get(page.url)).statusCode).toBe(404);
    expect((await other.get(download)).statusCode).toBe(404);
    expect(textOf((await other.get('/contact/demandes')).body)).toContain('Vous n’avez encore écrit aucune demande à l’agence.');
  });

  it('explains each problem next to its field and in the summary, keeping what was typed', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/contact');
    const res = await send(client, { topic: '', subject: 'Ma question', message: 'court' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Erreur : Écrire à l’agence');
    expect(res.body).toContain('<a href="#champ-topic">Choisissez le sujet de votre demande</a>');
    expect(res.body).toContain('<a href="#champ-message">Décrivez votre demande en quelques mots (10 caractères au moins)</a>');
    expect(res.body).toContain('value="Ma question"');
    expect(res.body).toMatch(/<textarea[^>]*name="message"[^>]*>court<\/textarea>/);
  });

  it('refuses a file that is not a document, with the French error on the file field and the other values kept', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/contact');
    const res = await send(client, fields, [{ field: 'pieces', filename: 'notes.txt', bytes: Buffer.from('juste du texte') }]);
    expect(res.statusCode).toBe(400);
    expect(res.body).toMatch(/<a href="#champ-pieces">Le fichier « notes\.txt » n’est pas au format JPG, PNG, BMP, TIFF ou PDF/);
    expect(res.body).toMatch(/fr-upload-group--error[\s\S]*<p class="fr-message fr-message--error">Le fichier « notes\.txt »/);
    expect(res.body).toContain('value="Étiquette non reçue"');
    expect(res.body).toMatch(/value="vehicle" checked/);
    expect(await t.database.db.selectFrom('contact_requests').select('id').execute()).toHaveLength(0);
  });

  it('links a request to one of the user’s own procedures only', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const procedure = await client.follow(await postNewProcedure(client, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
    const fileNumber = procedure.url.split('/').pop()!;
    const other = await signInUser(t.app, 'demo.entreprise@example.fr');
    await other.get('/contact');
    const refused = await send(other, { ...fields, file_number: fileNumber });
    expect(textOf(refused.body)).toContain(`Aucune de vos démarches ne porte le numéro ${fileNumber}`);
    await client.get('/contact');
    const page = await client.follow(await send(client, { ...fields, file_number: fileNumber.toLowerCase() }));
    expect(textOf(page.body)).toContain(`Démarche concernée Démarche de carte grise ${fileNumber}`);
  });

  it('creates one request when the form is sent twice (double click)', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/contact');
    const form = client.lastHtml;
    const first = await send(client, fields);
    client.lastHtml = form;
    const second = await send(client, fields);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await t.database.db.selectFrom('contact_requests').select('id').execute()).toHaveLength(1);
  });

  it('shows the back office the request’s timeline in French: sent by the user, answered by the named agent, no raw action code, no agent reads (issue 16)', async () => {
    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    await user.get('/contact');
    const reference = (await user.follow(await send(user, { ...fields, subject: 'Question pour l’historique' }))).url.split('/').pop()!;
    const id = (await t.database.db.selectFrom('contact_requests').select('id').where('reference', '=', reference).executeTakeFirstOrThrow()).id;
    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    await operator.get(`/agents/demandes-de-contact/${id}`);
    await operator.post(`/agents/demandes-de-contact/${id}/repondre`, { answer: 'Bonjour, voici la réponse.' });
    const page = await operator.get(`/agents/demandes-de-contact/${id}`);
    const history = textOf(/<section[^>]*aria-labelledby="historique-demande"[^>]*>([\s\S]*?)<\/section>/.exec(page.body)![1]!);
    expect(history).toMatch(/^Historique .*— L’usager Demande de contact envoyée .*— .*\(agent\) Réponse de l’assistance$/);
    expect(history).not.toMatch(/contact\.|lue par l’assistance/);
  });

  it('queues open requests for operators oldest first, flags overdue ones; an operator answers, the user reads and receives the answer', async () => {
    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    await user.get('/contact');
    const old = (await user.follow(await send(user, { ...fields, subject: 'Ancienne question' }))).url.split('/').pop()!;
    await user.get('/contact');
    const recent = (await user.follow(await send(user, { ...fields, topic: 'account', subject: 'Nouvelle question' }))).url.split('/').pop()!;
    // the first one arrived a month ago: its deadline has passed
    await t.database.db.updateTable('contact_requests').set({ received_at: new Date(Date.now() - 31 * 86_400_000), due_on: '2020-01-15' }).where('reference', '=', old).execute();

    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const queue = await operator.get('/agents/demandes-de-contact');
    const text = textOf(queue.body);
    expect(text).toContain('2 demandes en attente de réponse, dont 1 en retard');
    expect(text.indexOf(old)).toBeGreaterThan(-1);
    expect(text.indexOf(old)).toBeLessThan(text.indexOf(recent));
    expect(text).toMatch(new RegExp(`${old} .* Camille Martin Ancienne question mercredi 15 janvier 2020 En retard`));
    expect(text).toMatch(new RegExp(`${recent} .* Nouvelle question ${formatDay(addWorkingDays(parisDate(new Date()), 15))} \\(15 jours ouvrés restants\\)`));

    const id = /href="\/agents\/demandes-de-contact\/(\d+)">([^<]+)</.exec(queue.body)![1]!;
    const detail = textOf((await operator.get(`/agents/demandes-de-contact/${id}`)).body);
    expect(detail).toContain('Usager Camille Martin (demo.particulier@example.fr)');
    expect(detail).toContain('Objet Ancienne question');
    const empty = await operator.post(`/agents/demandes-de-contact/${id}/repondre`, { answer: '  ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<a href="#champ-answer">Saisissez la réponse</a>');
    const done = await operator.post(`/agents/demandes-de-contact/${id}/repondre`, { answer: 'Bonjour,\nvotre étiquette a été postée le 2 décembre.' });
    expect(done.headers.location).toBe('/agents/demandes-de-contact');
    const afterPage = await operator.get('/agents/demandes-de-contact');
    const after = textOf(afterPage.body);
    expect(after).toContain(`La réponse à la demande ${old} est envoyée à l’usager`);
    expect(after).toContain('1 demande en attente de réponse');
    expect(afterPage.body).not.toContain(`href="/agents/demandes-de-contact/${id}"`);
    const again = await operator.post(`/agents/demandes-de-contact/${id}/repondre`, { answer: 'Encore' });
    expect(textOf(again.body)).toContain('Répondue le');

    const mail = await lastEmailTo(t.app, 'demo.particulier@example.fr');
    expect(mail.subject).toBe(`Réponse à votre demande de contact ${old}`);
    expect(mail.text).toContain('votre étiquette a été postée le 2 décembre.');
    const page = textOf((await user.get(`/contact/demandes/${old}`)).body);
    expect(page).toMatch(/Réponse de l’agence, le .* Bonjour, votre étiquette a été postée le 2 décembre\./);
    const mine = textOf((await user.get('/contact/demandes')).body);
    expect(mine).toMatch(new RegExp(`${old} .* Ancienne question Répondue`));
    const audit = await t.database.db.selectFrom('audit_events').select(['actor_kind', 'details']).where('action', '=', 'contact.answered').execute();
    expect(audit).toEqual([{ actor_kind: 'agent', details: { reference: old, answer_length: 52 } }]);
    const views = await t.database.db.selectFrom('audit_events').select(['actor_kind', 'details']).where('action', '=', 'contact.viewed').execute();
    expect(views.length).toBeGreaterThanOrEqual(1);
    expect(views[0]).toEqual({ actor_kind: 'agent', details: { reference: old } });
    expect((await t.database.db.selectFrom('contact_requests').select('status').where('reference', '=', old).executeTakeFirstOrThrow()).status).toBe('answered');
  });

  it('keeps the queue to operators: other agents get 403, users are sent to the agents’ sign-in', async () => {
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    expect((await cert.get('/agents/demandes-de-contact')).statusCode).toBe(403);
    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    const res = await user.get('/agents/demandes-de-contact');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/agents/connexion');
  });
});
