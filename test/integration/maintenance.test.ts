import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseParisTime } from '../../src/cli/maintenance.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';

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
    expect(text).toMatch(/Mise à jour du service\. Le service sera indisponible du \w+ \d+ \w+ \d{4} à \d{2} h \d{2} au/);
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
