import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DEMO_PRE_APPLICATION_NUMBER } from '../../src/domains/identity-docs/demo.ts';
import { DEMO_LICENCE_FILE } from '../../src/domains/licences/demo.ts';
import { signInAgent } from '../helpers/agents.ts';
import { multipartBody, type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { emailCount, lastEmailTo } from '../helpers/outbox.ts';
import { signInUser } from '../helpers/users.ts';

const FIELDS = { sender_name: 'Mairie de Sainte-Ode', sender_email: 'secretariat@mairie-sainte-ode.example', topic: 'town_hall', subject: 'Création du compte de la mairie', message: 'Bonjour,\nnous disposons de 2 dispositifs de recueil et demandons un compte.' };

describe('contact without an account', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Posts the contact form of the client's last page as a browser does (urlencoded), from `ip`. */
  async function send(client: TestClient, fields: Record<string, string>, ip = '198.51.100.7'): Promise<LightMyRequestResponse> {
    const key = /name="idempotency_key" value="([^"]*)"/.exec(client.lastHtml)?.[1] ?? '';
    const body = new URLSearchParams({ _csrf: client.csrfToken(), idempotency_key: key, ...fields });
    const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
    const res = await t.app.inject({
      method: 'POST',
      url: '/contact',
      remoteAddress: ip,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    if (String(res.headers['content-type']).startsWith('text/html')) client.lastHtml = res.body;
    return res;
  }
  const visitor = async () => {
    const client = new TestClient(t.app);
    const form = await client.get('/contact');
    expect(form.statusCode).toBe(200);
    return client;
  };
  const rows = () => t.database.db.selectFrom('contact_requests').selectAll().orderBy('id').execute();

  it('offers the form to a visitor: name and email, the town-hall topic, no file and no request number', async () => {
    const res = await new TestClient(t.app).get('/contact');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Vous pouvez écrire à l’agence sans compte');
    expect(text).toContain('Ma mairie : demander un compte (mairie équipée d’un dispositif de recueil)');
    expect(res.body).toContain('name="sender_name"');
    expect(res.body).toContain('name="sender_email"');
    expect(res.body).not.toContain('name="pieces"');
    expect(res.body).not.toContain('name="file_number"');
    expect(res.body).not.toContain('multipart/form-data'); // a visitor's multipart post is refused before reading
  });

  it('records a visitor’s message, acknowledges it at the address given, and the operator’s answer goes there', async () => {
    const client = await visitor();
    const res = await send(client, FIELDS);
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/contact/envoye');
    const page = textOf((await client.follow(res)).body);
    const [row] = await rows();
    expect(row).toMatchObject({ account_id: null, sender_name: 'Mairie de Sainte-Ode', sender_email: 'secretariat@mairie-sainte-ode.example', sender_ip: '198.51.100.7', topic: 'town_hall', status: 'open', file_number: null });
    expect(page).toContain(`Votre message ${row!.reference} est envoyé`);
    const ack = await lastEmailTo(t.app, FIELDS.sender_email);
    expect(ack.subject).toBe(`Demande de contact ${row!.reference} reçue`);
    expect(ack.text).toContain('L’agence vous répondra à cette adresse au plus tard le');
    // what a visitor typed is never sent back to the address they gave (anyone's): no phishing relay
    expect(ack.text).not.toContain(FIELDS.subject);
    expect(ack.text).not.toContain(FIELDS.sender_name);
    const audit = await t.database.db.selectFrom('audit_events').select(['actor_kind', 'actor_id', 'details']).where('action', '=', 'contact.created').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_kind: 'user', actor_id: null, details: { reference: row!.reference, topic: 'town_hall', without_account: true } });

    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const queue = textOf((await operator.get('/agents/demandes-de-contact')).body);
    expect(queue).toContain(`${row!.reference}`);
    expect(queue).toContain('Mairie de Sainte-Ode (sans compte)');
    const detail = textOf((await operator.get(`/agents/demandes-de-contact/${row!.id}`)).body);
    expect(detail).toContain('Usager Mairie de Sainte-Ode (sans compte) (secretariat@mairie-sainte-ode.example)');
    expect(detail).toContain('Depuis l’adresse 198.51.100.7');
    const done = await operator.post(`/agents/demandes-de-contact/${row!.id}/repondre`, { answer: 'Le compte de la mairie est créé : vous allez recevoir le lien d’activation.' });
    expect(done.headers.location).toBe('/agents/demandes-de-contact');
    const answer = await lastEmailTo(t.app, FIELDS.sender_email);
    expect(answer.subject).toBe(`Réponse à votre demande de contact ${row!.reference}`);
    expect(answer.text).toContain(`L’agence a répondu à votre message ${row!.reference} :`);
    expect(answer.text).not.toContain(FIELDS.sender_name);
    expect(answer.text).toContain('Le compte de la mairie est créé');
  });

  it('names each missing or wrong field next to it and in the summary, keeping what was typed', async () => {
    const client = await visitor();
    const res = await send(client, { ...FIELDS, sender_name: ' ', sender_email: 'pas-une-adresse', file_number: 'V26-ABCDEFGH' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('<title>Erreur : Écrire à l’agence');
    expect(res.body).toContain('<a href="#champ-sender_name">Saisissez votre nom, ou celui de votre mairie ou de votre organisme</a>');
    expect(res.body).toContain('<a href="#champ-sender_email">Saisissez une adresse électronique valide, par exemple nom@exemple.fr</a>');
    expect(res.body).toContain('value="pas-une-adresse"');
    expect(res.body).toContain('value="Création du compte de la mairie"');
    expect(textOf(res.body)).toContain('Pour relier votre message à l’une de vos démarches, connectez-vous à votre compte');
    expect(await rows()).toHaveLength(0);
  });

  it('refuses a visitor’s files even if a forged form sends them (multipart is for signed-in users)', async () => {
    const client = await visitor();
    const { payload, contentType } = multipartBody({ _csrf: client.csrfToken(), idempotency_key: 'k'.repeat(20), ...FIELDS }, [{ field: 'pieces', filename: 'a.pdf', bytes: Buffer.from('%PDF-1.4\n%%EOF\n') }]);
    const cookies = (client as unknown as { cookies: Map<string, string> }).cookies;
    const res = await t.app.inject({ method: 'POST', url: '/contact', payload, headers: { 'content-type': contentType, accept: 'text/html', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    expect(res.statusCode).toBe(403);
    expect(await rows()).toHaveLength(0);
  });

  it('creates one request when a visitor sends the form twice (double click)', async () => {
    const client = await visitor();
    const form = client.lastHtml;
    const first = await send(client, FIELDS);
    client.lastHtml = form;
    const second = await send(client, FIELDS);
    expect(second.statusCode).toBe(303);
    expect(await rows()).toHaveLength(1);
    expect(await emailCount(t.app, FIELDS.sender_email)).toBe(1);
    expect(first.headers.location).toBe(second.headers.location);
  });

  it('limits a burst from one address: 20 parallel messages write 6, the rest are told when to try again (429)', async () => {
    const clients = await Promise.all(Array.from({ length: 20 }, () => visitor()));
    const results = await Promise.all(clients.map((c, i) => send(c, { ...FIELDS, sender_email: `expediteur${i}@example.fr` }, '203.0.113.9')));
    const refused = results.filter((r) => r.statusCode === 429);
    expect(results.filter((r) => r.statusCode === 303)).toHaveLength(6);
    expect(refused).toHaveLength(14);
    expect(textOf(refused[0]!.body)).toMatch(/Trop de messages ont été envoyés depuis votre connexion ou vers cette adresse électronique : réessayez après \d{2} h \d{2}/);
    expect(refused[0]!.body).toContain('value="Création du compte de la mairie"');
    expect(await rows()).toHaveLength(6);
    // another address is not held up by this one
    const other = await visitor();
    expect((await send(other, { ...FIELDS, sender_email: 'autre@example.fr' }, '192.0.2.44')).statusCode).toBe(303);
  });

  it('limits messages to one recipient from many addresses: nobody floods a mailbox with acknowledgements', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await send(await visitor(), { ...FIELDS, sender_email: 'victime@example.fr' }, `198.51.100.${10 + i}`)).statusCode);
    expect(statuses).toEqual([303, 303, 303, 303, 429, 429]);
    expect(await emailCount(t.app, 'victime@example.fr')).toBe(4);
  });

  it('lets a signed-in user name a licence request or a pre-application of theirs, never another account’s', async () => {
    const owner = await signInUser(t.app, 'demo.particulier@example.fr');
    for (const [number, label] of [
      [DEMO_LICENCE_FILE, 'Demande de permis de conduire'],
      [DEMO_PRE_APPLICATION_NUMBER, 'Pré-demande de carte d’identité ou de passeport'],
    ] as const) {
      await owner.get('/contact');
      expect(owner.lastHtml).toContain('name="file_number"');
      const res = await owner.postFiles('/contact', { idempotency_key: /name="idempotency_key" value="([^"]*)"/.exec(owner.lastHtml)![1]!, topic: 'other', subject: 'Où en est ma demande ?', message: 'Bonjour, où en est ma demande s’il vous plaît ?', file_number: number }, []);
      expect(res.statusCode).toBe(303);
      expect(textOf((await owner.follow(res)).body)).toContain(`Démarche concernée ${label} ${number}`);
    }
    expect((await rows()).map((r) => [r.file_kind, r.file_number])).toEqual([
      ['licence', DEMO_LICENCE_FILE],
      ['identity', DEMO_PRE_APPLICATION_NUMBER],
    ]);
    const other = await signInUser(t.app, 'demo.entreprise@example.fr');
    await other.get('/contact');
    const refused = await other.postFiles('/contact', { idempotency_key: /name="idempotency_key" value="([^"]*)"/.exec(other.lastHtml)![1]!, topic: 'other', subject: 'Question', message: 'Une question sur ce dossier.', file_number: DEMO_LICENCE_FILE }, []);
    expect(refused.statusCode).toBe(400);
    expect(textOf(refused.body)).toContain(`Aucune de vos démarches ne porte le numéro ${DEMO_LICENCE_FILE}`);
  });
});
