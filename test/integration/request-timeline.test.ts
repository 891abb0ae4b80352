import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';
const AGENT_NAME = 'Agent du CERT (démo)';

/** The timeline section of a page, as text. */
const timelineOf = (html: string) => {
  const start = html.indexOf('id="historique-demande"');
  expect(start).toBeGreaterThan(0);
  return textOf(html.slice(start, html.indexOf('</section>', start)));
};

describe('a request’s timeline', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** Camille asks for a duplicate after a theft; the centre takes it, writes to her, asks for a complement. */
  async function theftWithComplement() {
    const client = await signInUser(t.app, CAMILLE);
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/duplicata`;
    await client.get(base);
    await client.post(base, { reason: 'theft' });
    await client.get(base);
    await client.postFiles(`${base}/declaration-vol`, {}, [{ field: 'report', filename: 'recepisse.pdf', bytes: readFileSync('test/fixtures/recepisse-vol.pdf') }]);
    const file = page.url.split('/').pop()!;
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/prendre`, {});
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/message`, { message: 'Le récépissé est illisible en bas de page.' });
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/decision/ask_complement`, { note: 'Renvoyez un récépissé lisible.' });
    return { client, agent, file };
  }

  it('shows the user each status with its date, who acted, the messages and the documents, in order, never an agent’s name', async () => {
    const { client, file } = await theftWithComplement();
    const html = (await client.get(`/vehicules/demandes/${file}`)).body;
    const timeline = timelineOf(html);
    const order = [
      'Démarche commencée',
      'Code confidentiel accepté',
      'Pièce envoyée : recepisse.pdf',
      'Demande transmise au centre d’instruction',
      'Un agent du centre d’instruction a pris la demande',
      'Message du centre d’instruction',
      'Le récépissé est illisible en bas de page.',
      'Complément demandé par le centre d’instruction',
      'Statut : Complément à fournir',
    ];
    const positions = order.map((label) => timeline.indexOf(label));
    expect(positions.every((p) => p >= 0), `${order.filter((_, i) => positions[i]! < 0).join(' | ')} missing in: ${timeline}`).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(timeline).toContain('Vous');
    expect(timeline).toContain('Le centre d’instruction');
    expect(timeline).toMatch(/1er décembre 2026/);
    expect(timeline).not.toContain(AGENT_NAME);
    expect(timeline).not.toContain('consulté'); // the agents' reads are in "Mon historique", not on the timeline
    expect(timeline).not.toMatch(/\b(vehicle_procedure|vehicle|agent|confidential_code|attachment|payment)\.[a-z_]+/); // no raw action code
    expect(timeline.match(/Code confidentiel accepté/g)).toHaveLength(1); // one step, told once
    expect(html).toMatch(new RegExp(`href="/vehicules/demandes/${file}/pieces/\\d+">Pièce envoyée : recepisse.pdf`));
  });

  it('shows the back office the same timeline in French, naming the agent', async () => {
    const { agent, file } = await theftWithComplement();
    const html = (await agent.get(`/agents/vehicules/${file}`)).body;
    const timeline = timelineOf(html);
    expect(timeline).toContain('Démarche commencée');
    expect(timeline).toContain('Un agent du centre d’instruction a pris la demande');
    expect(timeline).toContain(`${AGENT_NAME} (agent)`);
    expect(timeline).toContain('L’usager');
    expect(timeline).not.toContain('vehicle_procedure.');
    expect(timeline).not.toContain('agent.took_request');
  });

  it('keeps each request’s timeline to itself: another holder’s attempts on the same vehicle never show, another account cannot open it (attack)', async () => {
    const { file } = await theftWithComplement();
    // the company tries codes on Camille's car with a procedure of its own
    const attacker = await signInUser(t.app, 'demo.entreprise@example.fr');
    const theirs = await attacker.follow(await postNewProcedure(attacker, { kind: 'address_change', initiator: 'other', plate: 'AB-123-CD' }));
    await attacker.post(`${theirs.url}/code`, { code: '00000' });
    const theirFile = theirs.url.split('/').pop()!;
    expect(timelineOf((await attacker.get(`/vehicules/demandes/${theirFile}`)).body)).toContain('Code confidentiel erroné');

    const camille = await signInUser(t.app, CAMILLE);
    const mine = timelineOf((await camille.get(`/vehicules/demandes/${file}`)).body);
    expect(mine).not.toContain('Code confidentiel erroné');
    expect(mine).toContain('Code confidentiel accepté'); // her own attempt, the right one
    expect((await attacker.get(`/vehicules/demandes/${file}`)).statusCode).toBe(404);
  });

  it('shows a timeline on a licence request, a pre-application and a contact request too', async () => {
    const client = await signInUser(t.app, CAMILLE);
    // the demo licence request P26-DEMO2345, sent by Camille
    const licence = timelineOf((await client.get('/permis/demandes/P26-DEMO2345')).body);
    expect(licence.length).toBeGreaterThan(30);
    // a contact request
    await client.get('/contact');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const sent = await client.postFiles('/contact', { idempotency_key: key, topic: 'other', subject: 'Une question', message: 'Bonjour, une question.' }, []);
    const contactPage = await client.follow(sent);
    const contact = timelineOf(contactPage.body);
    expect(contact).toContain('Demande de contact envoyée');
    expect(contact).toContain('Vous');
    // a pre-application started then validated shows in its own timeline (drafts redirect to their step)
    const pre = await t.database.db
      .selectFrom('pre_applications')
      .innerJoin('accounts', 'accounts.id', 'pre_applications.account_id')
      .select(['pre_applications.id', 'accounts.email'])
      .where('pre_applications.status', '=', 'submitted')
      .executeTakeFirstOrThrow(); // the demo pre-application
    const holder = await signInUser(t.app, pre.email);
    expect(timelineOf((await holder.get(`/pre-demandes/${pre.id}`)).body)).toContain('Pré-demande validée : numéro attribué');
  });

  it('shows the licence service the timeline of a licence request in French, and the user the service, not the agent', async () => {
    const r = await t.database.db.selectFrom('licence_requests').select(['id']).where('file_number', '=', 'P26-DEMO2345').executeTakeFirstOrThrow();
    const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
    await agent.get(`/agents/permis/${r.id}`);
    await agent.post(`/agents/permis/${r.id}/prendre`, {});
    const html = (await agent.get(`/agents/permis/${r.id}`)).body;
    const timeline = timelineOf(html);
    expect(timeline).toContain('Vérification de la photo et de la signature');
    expect(timeline).toMatch(/\(agent\)/);
    expect(timeline).not.toMatch(/\blicence\.[a-z_]+/);
    const user = timelineOf((await (await signInUser(t.app, CAMILLE)).get('/permis/demandes/P26-DEMO2345')).body);
    expect(user).toContain('Vérification de la photo et de la signature');
    expect(user).toContain('L’administration');
    expect(user).not.toMatch(/\(agent\)/);
  });

  it('names every action of “Mon historique” in French, with a link to the request of any kind', async () => {
    const client = await signInUser(t.app, CAMILLE);
    const r = await t.database.db.selectFrom('licence_requests').select(['id']).where('file_number', '=', 'P26-DEMO2345').executeTakeFirstOrThrow();
    const agent = await signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
    await agent.get(`/agents/permis/${r.id}`);
    await agent.post(`/agents/permis/${r.id}/prendre`, {});
    const html = (await client.get('/compte/historique')).body;
    const text = textOf(html);
    expect(text).toContain('Connexion au compte');
    expect(text).toContain('Vérification de la photo et de la signature');
    expect(text).toContain('L’administration');
    expect(text).not.toContain('Opération enregistrée');
    expect(text).not.toContain(' — — ');
    expect(html).toContain('href="/permis/demandes/P26-DEMO2345"');
  });
});

