import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parisDay, parseParisTime } from '../../src/platform/time.ts';
import { signInAgent } from '../helpers/agents.ts';
import { createTestApp, type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';

const hours = (h: number) => new Date(Date.now() + h * 3_600_000);

describe('maintenance notices', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.database.reset());

  it('shows an active banner on every page', async () => {
    await t.app.maintenance.schedule({ kind: 'banner', message: 'Intervention sur le paiement en ligne.', startsAt: hours(-1), endsAt: hours(2), createdBy: 'op' });
    for (const url of ['/', '/cgu', '/nulle-part']) {
      const res = await new TestClient(t.app).get(url);
      expect(textOf(res.body), url).toContain('Intervention sur le paiement en ligne.');
    }
  });

  it('announces a planned unavailability on the home page, with its window in Paris time', async () => {
    await t.app.maintenance.schedule({
      kind: 'unavailable',
      message: 'Mise à jour du service.',
      startsAt: new Date(Date.now() + 3 * 86_400_000),
      endsAt: new Date(Date.now() + 3 * 86_400_000 + 8 * 3_600_000),
      createdBy: 'op',
    });
    const res = await new TestClient(t.app).get('/');
    expect(res.statusCode).toBe(200);
    const text = textOf(res.body);
    expect(text).toContain('Interruption programmée du service');
    expect(text).toMatch(/Mise à jour du service\. Le service sera indisponible du \p{L}+ \d+(?:er)? \p{L}+ \d{4} à \d{2} h \d{2} au/u);
  });

  it('puts every page behind the 503 "service indisponible" page during the window, probes stay up', async () => {
    await t.app.maintenance.schedule({ kind: 'unavailable', message: 'Maintenance de la base.', startsAt: hours(-1), endsAt: hours(1), createdBy: 'op' });
    for (const url of ['/', '/demarches/carte-grise']) {
      const res = await new TestClient(t.app).get(url);
      expect(res.statusCode, url).toBe(503);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(3000);
      const text = textOf(res.body);
      expect(text).toContain('Service indisponible');
      expect(text).toContain('Maintenance de la base.');
      expect(text).toContain('Vos démarches en cours et les informations déjà enregistrées sont conservées');
    }
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
  });

  it('brings the service back when the operator cancels the window', async () => {
    const n = await t.app.maintenance.schedule({ kind: 'unavailable', message: 'Coupure.', startsAt: hours(-1), endsAt: hours(1), createdBy: 'op' });
    expect((await t.app.inject({ url: '/' })).statusCode).toBe(503);
    expect(await t.app.maintenance.cancel(n.id)).toBe(true);
    expect((await t.app.inject({ url: '/' })).statusCode).toBe(200);
  });

  it('reads operator times in Paris time, winter and summer', () => {
    expect(parseParisTime('2026-12-01T22:00').toISOString()).toBe('2026-12-01T21:00:00.000Z');
    expect(parseParisTime('2026-07-01T22:00').toISOString()).toBe('2026-07-01T20:00:00.000Z');
    expect(parseParisTime('2026-07-01T22:00Z').toISOString()).toBe('2026-07-01T22:00:00.000Z');
  });
});

/** "2026-12-01T22:00" in Paris time, as a datetime-local field sends it, `h` hours from now. */
function localInput(h: number): string {
  const d = hours(h);
  const time = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' }).format(d);
  return `${parisDay(d)}T${time}`;
}

describe('maintenance notices managed by operators in the back office', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const operator = () => signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
  const trail = async () =>
    (await t.database.db.selectFrom('audit_events').select(['actor_kind', 'action', 'subject_kind', 'subject_id']).where('action', 'like', 'maintenance.%').orderBy('id').execute());

  it('an operator schedules a banner: listed in the back office, shown on every page, audited', async () => {
    const op = await operator();
    expect(textOf((await op.get('/agents')).body)).toContain('Avis de maintenance et indisponibilités du service');
    expect(textOf((await op.get('/agents/maintenance')).body)).toContain('Aucun avis en cours ou à venir.');
    await op.get('/agents/maintenance/nouveau');
    const created = await op.post('/agents/maintenance/nouveau', { kind: 'banner', message: 'Le paiement en ligne est ralenti.', starts_at: localInput(-1), ends_at: localInput(3) });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/agents/maintenance');
    const list = textOf((await op.get('/agents/maintenance')).body);
    expect(list).toContain('L’avis est programmé.');
    expect(list).toMatch(/Bandeau d’information du \p{L}+ \d+(?:er)? \p{L}+ \d{4} à \d{2} h \d{2} au .* Le paiement en ligne est ralenti\. En cours Annuler/u);
    expect(textOf((await new TestClient(t.app).get('/cgu')).body)).toContain('Le paiement en ligne est ralenti.');
    const notice = await t.database.db.selectFrom('maintenance_notices').selectAll().executeTakeFirstOrThrow();
    expect(notice.created_by).toBe('Opérateur de l’agence (démo) <agent.operateur@example.fr>');
    expect(Math.abs(notice.ends_at.getTime() - hours(3).getTime())).toBeLessThan(60_000); // read in Paris time
    const agentId = (await t.database.db.selectFrom('agents').select('id').where('email', '=', 'agent.operateur@example.fr').executeTakeFirstOrThrow()).id;
    const rows = await t.database.db.selectFrom('audit_events').select(['actor_id']).where('action', '=', 'maintenance.scheduled').execute();
    expect(rows).toEqual([{ actor_id: agentId }]);
    expect(await trail()).toEqual([{ actor_kind: 'agent', action: 'maintenance.scheduled', subject_kind: 'maintenance_notice', subject_id: notice.id }]);
  });

  it('refuses an incomplete or inconsistent form with French messages next to the fields, keeping what was typed', async () => {
    const op = await operator();
    await op.get('/agents/maintenance/nouveau');
    const empty = await op.post('/agents/maintenance/nouveau', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('<title>Erreur : Programmer un avis de maintenance');
    const summary = /<div class="fr-alert fr-alert--error[^"]*app-error-summary"[\s\S]*?<\/div>/.exec(empty.body)![0];
    for (const [field, message] of [
      ['kind', 'Choisissez le type d’avis : bandeau d’information ou indisponibilité du service'],
      ['message', 'Saisissez le message affiché aux usagers'],
      ['starts_at', 'Saisissez la date et l’heure de début'],
      ['ends_at', 'Saisissez la date et l’heure de fin'],
    ]) {
      expect(summary).toContain(`<a href="#champ-${field}">${message}</a>`);
      expect(empty.body).toContain(`<p class="fr-message fr-message--error">${message}</p>`);
    }

    const bad = await op.post('/agents/maintenance/nouveau', { kind: 'unavailable', message: 'Migration de la base.', starts_at: '31/02/2026 22:00', ends_at: 'demain' });
    expect(textOf(bad.body)).toContain('Saisissez une date et une heure de début valides, par exemple 01/12/2026 22:00');
    expect(textOf(bad.body)).toContain('Saisissez une date et une heure de fin valides');
    expect(bad.body).toMatch(/<input type="radio" id="champ-kind-1" name="kind" value="unavailable" checked/);
    expect(bad.body).toContain('>Migration de la base.</textarea>');
    // the portal's one date style: text fields that give back what was typed (a datetime-local could not show it)
    expect(bad.body).not.toContain('datetime-local');
    expect(bad.body).toContain('value="31/02/2026 22:00"');
    expect(bad.body).toContain('value="demain"');

    const reversed = await op.post('/agents/maintenance/nouveau', { kind: 'banner', message: 'Bandeau.', starts_at: localInput(5), ends_at: localInput(2) });
    expect(textOf(reversed.body)).toContain('La fin doit être après le début');
    expect(reversed.body).toContain(`value="${localInput(5)}"`);
    const past = await op.post('/agents/maintenance/nouveau', { kind: 'banner', message: 'Bandeau.', starts_at: localInput(-5), ends_at: localInput(-2) });
    expect(textOf(past.body)).toContain('La fin doit être dans le futur');
    const long = await op.post('/agents/maintenance/nouveau', { kind: 'banner', message: 'x'.repeat(501), starts_at: localInput(1), ends_at: localInput(2) });
    expect(textOf(long.body)).toContain('Le message doit faire 500 caractères au plus');
    expect(await t.database.db.selectFrom('maintenance_notices').select('id').execute()).toEqual([]);
    expect(await trail()).toEqual([]);
  });

  it('cancels a notice after a confirmation page, with the CSRF token; a second cancel says it is already done', async () => {
    const n = await t.app.maintenance.schedule({ kind: 'banner', message: 'Bandeau à annuler.', startsAt: hours(2), endsAt: hours(4), createdBy: 'op' });
    const op = await operator();
    const list = await op.get('/agents/maintenance');
    expect(list.body).toContain(`href="/agents/maintenance/${n.id}/annuler"`);
    expect(textOf(list.body)).toContain('À venir');
    const confirm = await op.get(`/agents/maintenance/${n.id}/annuler`);
    expect(textOf(confirm.body)).toContain('Annuler cet avis ?');
    expect(textOf(confirm.body)).toContain('Bandeau à annuler.');

    expect((await op.post(`/agents/maintenance/${n.id}/annuler`, {}, { csrf: null })).statusCode).toBe(403);
    expect((await t.database.db.selectFrom('maintenance_notices').select('cancelled_at').executeTakeFirstOrThrow()).cancelled_at).toBeNull();

    await op.get(`/agents/maintenance/${n.id}/annuler`);
    const done = await op.submit(/\/annuler$/);
    expect(done.headers.location).toBe('/agents/maintenance');
    const after = await op.get('/agents/maintenance');
    expect(textOf(after.body)).toContain('L’avis est annulé : il n’est plus affiché.');
    expect(textOf(after.body)).toContain('Aucun avis en cours ou à venir.');
    expect((await op.get(`/agents/maintenance/${n.id}/annuler`)).statusCode).toBe(404);

    await op.get('/agents/maintenance');
    await op.post(`/agents/maintenance/${n.id}/annuler`, {});
    expect(textOf((await op.get('/agents/maintenance')).body)).toContain('Cet avis est déjà annulé ou terminé');
    expect(await trail()).toEqual([
      { actor_kind: 'system', action: 'maintenance.scheduled', subject_kind: 'maintenance_notice', subject_id: n.id },
      { actor_kind: 'agent', action: 'maintenance.cancelled', subject_kind: 'maintenance_notice', subject_id: n.id },
    ]);
  });

  it('during an unavailability window an operator still signs in and lifts it; the public pages come back', async () => {
    const n = await t.app.maintenance.schedule({ kind: 'unavailable', message: 'Intervention en cours.', startsAt: hours(-1), endsAt: hours(2), createdBy: 'op' });
    expect((await new TestClient(t.app).get('/')).statusCode).toBe(503);
    expect((await new TestClient(t.app).get('/connexion')).statusCode).toBe(503);
    expect((await new TestClient(t.app).get('/agents/connexion')).statusCode).toBe(200);

    const op = await operator(); // password and code pages are up
    const list = await op.get('/agents/maintenance');
    expect(list.statusCode).toBe(200);
    expect(textOf(list.body)).toContain('Le service est indisponible pour les usagers');
    await op.get(`/agents/maintenance/${n.id}/annuler`);
    expect(textOf(op.lastHtml)).toContain('Le service redevient accessible aux usagers dès l’annulation.');
    await op.submit(/\/annuler$/);
    expect((await new TestClient(t.app).get('/')).statusCode).toBe(200);
  });

  it('only operators manage notices: another agent gets 403, a user or a visitor the agents’ sign-in', async () => {
    const n = await t.app.maintenance.schedule({ kind: 'banner', message: 'Bandeau.', startsAt: hours(1), endsAt: hours(2), createdBy: 'op' });
    const prefecture = await signInAgent(new TestClient(t.app), 'agent.prefecture@example.fr');
    expect(textOf((await prefecture.get('/agents')).body)).not.toContain('Avis de maintenance');
    for (const url of ['/agents/maintenance', '/agents/maintenance/nouveau', `/agents/maintenance/${n.id}/annuler`])
      expect((await prefecture.get(url)).statusCode, url).toBe(403);
    await prefecture.get('/agents');
    expect((await prefecture.post('/agents/maintenance/nouveau', { kind: 'banner', message: 'x', starts_at: localInput(1), ends_at: localInput(2) })).statusCode).toBe(403);
    await prefecture.get('/agents');
    expect((await prefecture.post(`/agents/maintenance/${n.id}/annuler`, {})).statusCode).toBe(403);
    expect(await t.database.db.selectFrom('maintenance_notices').select('cancelled_at').where('id', '=', n.id).executeTakeFirstOrThrow()).toEqual({ cancelled_at: null });

    const visitor = new TestClient(t.app);
    expect((await visitor.get('/agents/maintenance')).headers.location).toBe('/agents/connexion');
  });
});

