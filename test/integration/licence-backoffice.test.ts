import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { enrolDemoAgentsTotp } from '../../src/demo/agents-totp.ts';
import { DEMO_PASSWORD, seedDemoData } from '../../src/demo/seed.ts';
import { hashPassword } from '../../src/domains/accounts/passwords.ts';
import { createPhotoService, DEMO_PHOTO_CODES } from '../../src/domains/licences/photo-service.ts';
import { DEMO_LICENCE_FILE } from '../../src/domains/licences/demo.ts';
import { createLicencesService, PURGE_JOB } from '../../src/domains/licences/service.ts';
import { enqueue } from '../../src/platform/jobs/queue.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';
import { signInUser } from '../helpers/users.ts';
import { IDENTITY, PDF, PNG, postMultipart, startRequest } from './licence-helpers.ts';

describe('driving-licence requests: the licence service’s back office and the 6-month purge', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const base = (file: string) => `/permis/demandes/${file}`;
  const step = (file: string, slug: string) => `${base(file)}/etape/${slug}`;
  const db = () => t.database.db;

  /** Camille files a registration (photo code, two pieces) up to "Envoyée"; returns the client, file number and id. */
  async function filed(reason = 'registration') {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const file = await startRequest(client, reason);
    await client.get(step(file, 'precisions'));
    await client.post(step(file, 'precisions'), { categories: 'B' });
    await client.get(step(file, 'etat-civil'));
    await client.post(step(file, 'etat-civil'), IDENTITY);
    await client.get(step(file, 'coordonnees'));
    await client.post(step(file, 'coordonnees'), { email: 'camille@example.fr', photo_mode: 'code', photo_code: DEMO_PHOTO_CODES[0]! });
    await client.get(step(file, 'pieces'));
    await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, { identity: { filename: 'cni.png', bytes: PNG }, address: { filename: 'facture.pdf', bytes: PDF } });
    await client.get(step(file, 'envoi'));
    expect((await client.post(step(file, 'envoi'), { clu: 'oui' })).statusCode).toBe(303);
    const id = (await db().selectFrom('licence_requests').select('id').where('file_number', '=', file).executeTakeFirstOrThrow()).id;
    return { client, file, id };
  }
  const agent = () => signInAgent(new TestClient(t.app), 'agent.permis@example.fr');
  async function secondAgent() {
    const email = 'agent.permis2@example.fr';
    await db().insertInto('agents').values({ email, display_name: 'Second agent permis', role: 'licence_service', scope: null, password_hash: await hashPassword(DEMO_PASSWORD) }).execute();
    await db().transaction().execute((trx) => enrolDemoAgentsTotp(trx, t.app.config, [email]));
    return signInAgent(new TestClient(t.app), email);
  }
  const statusOf = async (id: number) => (await db().selectFrom('licence_requests').select(['status', 'assigned_agent_id', 'decision_note']).where('id', '=', id).executeTakeFirstOrThrow());
  /** The agent accepts every piece of the request, one examination form after the other. */
  const acceptPieces = async (a: TestClient, id: number) => {
    const page = await a.get(`/agents/permis/${id}`);
    const ids = [...new Set([...page.body.matchAll(/\/agents\/permis\/\d+\/pieces\/(\d+)\/examen/g)].map((m) => m[1]!))];
    expect(ids.length).toBeGreaterThan(0);
    for (const piece of ids) {
      await a.get(`/agents/permis/${id}`);
      await a.post(`/agents/permis/${id}/pieces/${piece}/examen`, { [`verdict-${piece}`]: 'accepted' });
    }
  };
  const decide = async (a: TestClient, id: number, action: string, fields: Record<string, string> = {}) => {
    await a.get(`/agents/permis/${id}`);
    return a.post(`/agents/permis/${id}/decision/${action}`, fields);
  };

  it('only licence-service agents with both factors get in', async () => {
    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    expect((await user.get('/agents/permis')).headers.location).toBe('/agents/connexion');
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const forbidden = await cert.get('/agents/permis');
    expect(forbidden.statusCode).toBe(403);
    const a = await agent();
    expect(textOf((await a.get('/agents/permis')).body)).toContain('Demandes de permis de conduire');
  });

  it('a decision in a state that does not allow it is refused with a clear message and changes nothing', async () => {
    const { id } = await filed();
    const a = await agent();
    const notTaken = await decide(a, id, 'accept_images');
    expect(notTaken.statusCode).toBe(409);
    expect(textOf(notTaken.body)).toContain('Prenez d’abord la demande pour la traiter.');
    await a.post(`/agents/permis/${id}/prendre`, {});
    const early = await decide(a, id, 'validate');
    expect(early.statusCode).toBe(409);
    expect(textOf(early.body)).toContain('La décision « Valider la demande » n’est pas possible pour une demande à l’état « Vérification des images ».');
    expect(await statusOf(id)).toMatchObject({ status: 'images_check' });
    const audits = await db().selectFrom('audit_events').select('action').where('action', '=', 'licence.validate').execute();
    expect(audits).toEqual([]);
  });

  it('a request taken by an agent cannot be taken or decided by another', async () => {
    const { id } = await filed();
    const a = await agent();
    await a.get(`/agents/permis/${id}`);
    await a.post(`/agents/permis/${id}/prendre`, {});
    const b = await secondAgent();
    await b.get(`/agents/permis/${id}`);
    expect(textOf(b.lastHtml)).toContain('Prise par : Agent du service permis (démo)');
    const take = await b.post(`/agents/permis/${id}/prendre`, {});
    expect(textOf(take.body)).toContain('Cette demande est déjà prise par un autre agent');
    const decision = await decide(b, id, 'reject_images', { 'note-reject_images': 'Photo floue' });
    expect(decision.statusCode).toBe(409);
    expect(textOf(decision.body)).toContain('Cette demande est prise par un autre agent : seule cette personne peut la décider.');
    expect(await statusOf(id)).toMatchObject({ status: 'images_check', decision_note: null });
  });

  it('two concurrent decisions on one request: exactly one wins', async () => {
    const { id } = await filed();
    const a = await agent();
    await a.get(`/agents/permis/${id}`);
    await a.post(`/agents/permis/${id}/prendre`, {});
    await decide(a, id, 'accept_images');
    await acceptPieces(a, id);
    await a.get(`/agents/permis/${id}`);
    const token = a.csrfToken();
    const [v, r] = await Promise.all([
      a.post(`/agents/permis/${id}/decision/validate`, {}, { csrf: token }),
      a.post(`/agents/permis/${id}/decision/reject`, { 'note-reject': 'Dossier incohérent' }, { csrf: token }),
    ]);
    expect([v.statusCode, r.statusCode].sort()).toEqual([303, 409]);
    const final = await statusOf(id);
    expect(['validated', 'rejected']).toContain(final.status);
    const decisions = await db().selectFrom('audit_events').select('action').where('action', 'in', ['licence.validate', 'licence.reject']).execute();
    expect(decisions).toHaveLength(1);
  });

  it('a complement asked, a piece refused with its reason; the user completes and sends back; the agent validates', async () => {
    const { client, file, id } = await filed('title_exam');
    const a = await agent();
    await a.get(`/agents/permis/${id}`);
    await a.post(`/agents/permis/${id}/prendre`, {});
    await decide(a, id, 'accept_images');
    const page = await a.get(`/agents/permis/${id}`);
    expect(page.body).toContain('<img src="/agents/permis/');
    const pieceId = Number(/\/agents\/permis\/\d+\/pieces\/(\d+)\/examen/.exec(page.body)![1]);
    const inline = await a.get(`/agents/permis/${id}/pieces/${pieceId}`);
    expect(inline.headers['content-type']).toBe('image/png');
    expect(String(inline.headers['content-disposition'])).toMatch(/^inline/);
    await a.get(`/agents/permis/${id}`);
    const noReason = await a.post(`/agents/permis/${id}/pieces/${pieceId}/examen`, { [`verdict-${pieceId}`]: 'refused' });
    expect(textOf(noReason.body)).toContain('Choisissez le motif du refus de la pièce');
    await a.get(`/agents/permis/${id}`);
    await a.post(`/agents/permis/${id}/pieces/${pieceId}/examen`, { [`verdict-${pieceId}`]: 'refused', [`reason-${pieceId}`]: 'illisible', [`precision-${pieceId}`]: 'Verso manquant' });
    const noNote = await decide(a, id, 'request_complement');
    expect(textOf(noNote.body)).toContain('Indiquez ce que l’usager doit compléter');
    await decide(a, id, 'request_complement', { 'note-request_complement': 'Joignez le verso de votre pièce d’identité.' });

    const seen = textOf((await client.get(base(file))).body);
    expect(seen).toContain('À compléter');
    expect(seen).toContain('Joignez le verso de votre pièce d’identité.');
    expect(seen).toContain('Refusée : Document illisible (Verso manquant)');
    await client.get(step(file, 'pieces'));
    await postMultipart(t.app, client, step(file, 'pieces'), { action: 'continue' }, { identity: { filename: 'cni-recto-verso.pdf', bytes: PDF } });
    await client.get(step(file, 'envoi'));
    expect(textOf(client.lastHtml)).toContain('Renvoyer la demande complétée');
    expect((await client.post(step(file, 'envoi'), { clu: 'oui' })).statusCode).toBe(303);
    expect(await statusOf(id)).toMatchObject({ status: 'instruction' });
    // not with a piece refused or not examined yet
    const early = await decide(a, id, 'validate');
    expect(early.statusCode).not.toBe(303);
    expect(textOf(early.body)).toContain('Acceptez d’abord chaque pièce, ou demandez un complément');
    expect(await statusOf(id)).toMatchObject({ status: 'instruction' });
    await acceptPieces(a, id);
    expect((await decide(a, id, 'validate')).statusCode).toBe(303);
    expect(textOf((await client.get(base(file))).body)).toContain('Validée par l’administration');
    // after validation nothing can be modified
    expect((await client.get(step(file, 'precisions'))).headers.location).toBe(base(file));
    await client.get(base(file));
    const change = await client.post(step(file, 'precisions'), { categories: 'A' });
    expect(change.headers.location).toBe(base(file));
    expect((await db().selectFrom('licence_requests').select('data').where('id', '=', id).executeTakeFirstOrThrow()).data).toMatchObject({ details: { categories: ['B'] } });
  });

  it('a rejection shows its reason to the user, who can start a new request; a rejection of the images too', async () => {
    const first = await filed();
    const a = await agent();
    await a.get(`/agents/permis/${first.id}`);
    await a.post(`/agents/permis/${first.id}/prendre`, {});
    await decide(a, first.id, 'accept_images');
    await decide(a, first.id, 'reject', { 'note-reject': 'Vous êtes déjà inscrit pour la catégorie B (NEPH 240375010123).' });
    const seen = textOf((await first.client.get(base(first.file))).body);
    expect(seen).toContain('Rejet par l’instruction');
    expect(seen).toContain('Motif du rejet Vous êtes déjà inscrit pour la catégorie B');
    expect(seen).toContain('Faire une nouvelle demande');
    await t.app.worker.drain();
    const mail = await db().selectFrom('outgoing_messages').select('body_text').where('subject', 'like', '%Rejet par l’instruction%').executeTakeFirstOrThrow();
    expect(mail.body_text).toContain('connectez-vous pour connaître le motif du rejet');
    expect(mail.body_text).not.toContain('déjà inscrit');

    await t.database.reset();
    await seedDemoData(t.database.db, t.app.config);
    const second = await filed();
    const b = await agent();
    await b.get(`/agents/permis/${second.id}`);
    await b.post(`/agents/permis/${second.id}/prendre`, {});
    await decide(b, second.id, 'reject_images', { 'note-reject_images': 'Photo trop sombre' });
    const images = textOf((await second.client.get(base(second.file))).body);
    expect(images).toContain('Rejet des images');
    expect(images).toContain('Photo trop sombre');
  });

  it('the queue: oldest first, filters by status and reason, search by file number or name, keyset pages', async () => {
    const account = (await db().selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow()).id;
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 25; i++)
      await db()
        .insertInto('licence_requests')
        .values({
          file_number: `P26-TEST${String(i).padStart(4, '0')}`,
          account_id: account,
          reason: i % 5 === 0 ? 'loss' : 'registration',
          for_other: false,
          status: i === 3 ? 'validated' : 'sent',
          data: JSON.stringify({}),
          person_name: i === 7 ? 'DUPONT JEANNE' : `PERSONNE ${i}`,
          idempotency_key: `key-${i}-aaaaaaaaaaaaaaaa`,
          submitted_at: new Date(start + (i % 2 === 0 ? i : 30 - i) * 3600_000),
        })
        .execute();
    const a = await agent();
    const first = await a.get('/agents/permis');
    const files = [...first.body.matchAll(/>(P26-TEST\d{4})</g)].map((m) => m[1]);
    expect(files).toHaveLength(20);
    const times = await db().selectFrom('licence_requests').select(['file_number', 'submitted_at']).where('file_number', 'like', 'P26-TEST%').orderBy('submitted_at').orderBy('id').execute();
    expect(files).toEqual(times.slice(0, 20).map((r) => r.file_number));
    const next = /href="(\/agents\/permis\?apres=[^"]+)"[^>]*>\s*Page suivante/.exec(first.body)![1]!.replace(/&amp;/g, '&');
    const second = await a.get(next);
    expect([...second.body.matchAll(/>(P26-TEST\d{4})</g)].map((m) => m[1])).toEqual(times.slice(20).map((r) => r.file_number));
    expect(second.body).not.toContain('Page suivante');
    const losses = await a.get('/agents/permis?motif=loss&statut=sent');
    expect([...losses.body.matchAll(/>(P26-TEST\d{4})</g)].map((m) => m[1]).sort()).toEqual(['P26-TEST0000', 'P26-TEST0005', 'P26-TEST0010', 'P26-TEST0015', 'P26-TEST0020']);
    const validated = await a.get('/agents/permis?statut=validated');
    expect([...validated.body.matchAll(/>(P26-TEST\d{4})</g)].map((m) => m[1])).toEqual(['P26-TEST0003']);
    expect([...(await a.get('/agents/permis?q=dupont')).body.matchAll(/>(P26-TEST\d{4})</g)].map((m) => m[1])).toEqual(['P26-TEST0007']);
    expect([...(await a.get('/agents/permis?q=p26-test0012')).body.matchAll(/>(P26-TEST\d{4})</g)].map((m) => m[1])).toEqual(['P26-TEST0012']);
  });

  it('the daily job deletes every request 6 months after its creation, whatever its status, after an email a week before', async () => {
    const { file, id } = await filed();
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const draft = await startRequest(client, 'renewal');
    const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
    await db().updateTable('licence_requests').set({ created_at: daysAgo(200) }).where('id', '=', id).execute();
    await db().updateTable('licence_requests').set({ created_at: daysAgo(178) }).where('file_number', '=', draft).execute();
    const recent = await startRequest(client, 'theft');
    await t.app.worker.drain();
    await db().deleteFrom('outgoing_messages').execute();

    const keys = (await db().selectFrom('attachments').select('storage_key').where('owner_kind', '=', 'licence_request').where('owner_id', '=', id).execute()).map((a) => a.storage_key);
    expect(keys).toHaveLength(2);
    const dir = t.app.config.files.kind === 'local' ? t.app.config.files.dir : '';
    expect(keys.every((k) => existsSync(path.join(dir, k)))).toBe(true);
    const licences = createLicencesService({ db: db(), config: t.app.config, attachments: t.app.attachments, photos: createPhotoService({ db: db(), sessionSecret: t.app.config.sessionSecret }), stamps: t.app.stamps });
    await licences.enqueueDailyPurge();
    await licences.enqueueDailyPurge(); // every node's housekeeping: one job a day
    expect(await db().selectFrom('jobs').select('id').where('kind', '=', PURGE_JOB).execute()).toHaveLength(1);
    await t.app.worker.drain();

    const left = await db().selectFrom('licence_requests').select('file_number').orderBy('file_number').execute();
    expect(left.map((r) => r.file_number).sort()).toEqual([draft, recent, DEMO_LICENCE_FILE].sort());
    expect(await db().selectFrom('attachments').select('id').where('owner_kind', '=', 'licence_request').where('owner_id', '=', id).execute()).toEqual([]);
    expect(keys.some((k) => existsSync(path.join(dir, k)))).toBe(false);
    const mails = await db().selectFrom('outgoing_messages').select(['subject', 'body_text']).where('channel', '=', 'email').execute();
    expect(mails.map((m) => m.subject)).toEqual([`Votre demande de permis sera supprimée dans une semaine (${draft})`]);
    expect(mails[0]!.body_text).toContain('les demandes sont supprimées 6 mois après leur création, quel que soit leur statut');
    const audit = await db().selectFrom('audit_events').select('details').where('action', '=', 'licence.purged').executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({ count: 1, files: [file] });
    // a second run warns no one twice
    await enqueue(db(), PURGE_JOB, {}, { dedupeKey: 'licence-purge-again' });
    await t.app.worker.drain();
    expect(await db().selectFrom('outgoing_messages').select('id').where('channel', '=', 'email').execute()).toHaveLength(1);
  });
});
