import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { normaliseMobile } from '../../src/domains/accounts/activity.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const USER = 'demo.particulier@example.fr';

describe('a user’s notifications and history', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  async function theftAskedForComplement(mobile?: string) {
    const client = await signInUser(t.app, USER);
    if (mobile) {
      await client.get('/compte/notifications');
      await client.post('/compte/notifications/mobile', { mobile });
    }
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/duplicata`;
    await client.get(base);
    await client.post(base, { reason: 'theft' });
    await client.get(base);
    await client.postFiles(`${base}/declaration-vol`, {}, [{ field: 'report', filename: 'r.pdf', bytes: readFileSync('test/fixtures/recepisse-vol.pdf') }]);
    const file = page.url.split('/').pop()!;
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/prendre`, {});
    await agent.get(`/agents/vehicules/${file}`);
    await agent.post(`/agents/vehicules/${file}/decision/ask_complement`, { note: 'Renvoyez un récépissé lisible.' });
    await t.app.worker.drain();
    return { client, file };
  }

  it('lists every message the portal sent, with its status and a link to the request; a decision also goes by SMS to the mobile number given', async () => {
    const { client, file } = await theftAskedForComplement('07 11 22 33 44');
    const sms = await t.database.db.selectFrom('outgoing_messages').select(['recipient', 'body_text']).where('channel', '=', 'sms').execute();
    expect(sms).toEqual([{ recipient: '+33711223344', body_text: `ANTS : Votre demande est à compléter (Demande de duplicata ${file}). Détails : ${t.app.config.publicUrl}/vehicules/demandes/${file}` }]);
    expect(textOf((await client.get('/compte/notifications')).body)).toContain('SMS');
    const page = textOf((await client.get('/compte/notifications')).body);
    expect(page).toContain(`Votre demande est à compléter (Demande de duplicata ${file})`);
    expect(page).toContain(`Votre demande est transmise au centre d’instruction (Demande de duplicata ${file})`);
    expect(page).toContain('Envoyé');
    expect((await client.get('/compte/notifications')).body).toContain(`href="/vehicules/demandes/${file}"`);
    // another user sees none of it
    const other = await signInUser(t.app, 'demo.garage@example.fr');
    expect(textOf((await other.get('/compte/notifications')).body)).toContain('Aucun message ne vous a encore été envoyé.');

    const bad = await client.post('/compte/notifications/mobile', { mobile: '01 23 45 67 89' });
    expect(bad.statusCode).toBe(400);
    expect(textOf(bad.body)).toContain('Saisissez un numéro de mobile français');
    expect(bad.body).toContain('value="01 23 45 67 89"');
    await client.get('/compte/notifications');
    await client.post('/compte/notifications/mobile', { mobile: '06 12 34 56 78' });
    expect(textOf((await client.get('/compte/notifications')).body)).toContain('Numéro enregistré : +33612345678');
    await client.post('/compte/notifications/mobile', { mobile: '' });
    expect(textOf((await client.get('/compte/notifications')).body)).not.toContain('Numéro enregistré');
  });

  it('normalises French mobile numbers and refuses the others', () => {
    expect(normaliseMobile('06 12 34 56 78')).toBe('+33612345678');
    expect(normaliseMobile('+33 7 12 34 56 78')).toBe('+33712345678');
    expect(normaliseMobile('0112345678')).toBeNull();
    expect(normaliseMobile('06 12 34')).toBeNull();
  });

  it('shows the user their own history, including the agents who read their request, and nobody else’s', async () => {
    const { client, file } = await theftAskedForComplement();
    const history = textOf((await client.get('/compte/historique')).body);
    expect(history).toContain('Démarche commencée');
    expect(history).toContain('Code confidentiel accepté');
    expect(history).toContain('Demande transmise au centre d’instruction');
    expect(history).toContain('Un agent du centre d’instruction a consulté la demande');
    expect(history).toContain('Complément demandé par le centre d’instruction');
    expect(history).toContain(file);
    const other = await signInUser(t.app, 'demo.garage@example.fr');
    expect(textOf((await other.get('/compte/historique')).body)).not.toContain(file);
  });

  it('operators read the notification log, by recipient, with the delivery status; other agents cannot', async () => {
    const { file } = await theftAskedForComplement();
    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const log = textOf((await operator.get(`/agents/notifications?q=${encodeURIComponent(USER)}`)).body);
    expect(log).toContain(`Votre demande est à compléter (Demande de duplicata ${file})`);
    expect(log).toContain('Remis');
    expect(textOf((await operator.get('/agents/notifications?q=personne%40example.fr')).body)).toContain('Aucun message.');
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const refused = await cert.follow(await cert.get('/agents/notifications'));
    expect(textOf(refused.body)).toContain('Le journal des notifications est réservé aux opérateurs de l’agence.');
  });
});
