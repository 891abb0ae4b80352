import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createTestApp, textOf, TestClient, type TestApp } from '../helpers/app.ts';
import { signInAgent } from '../helpers/agents.ts';

describe('operators schedule tax rates', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.database.reset();
    await t.database.db.deleteFrom('tax_rates').where('updated_by', '!=', 'migration').execute();
    await seedDemoData(t.database.db, t.app.config);
  });

  it('types the date of entry into force as JJ/MM/AAAA like every other form, its errors naming the field (issue 16)', async () => {
    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const page = (await operator.get('/agents/taxes')).body;
    expect(page).not.toContain('type="date"');
    expect(page).toMatch(/name="effective_from"[^>]*type="text"|type="text"[^>]*name="effective_from"/);
    expect(textOf(page)).toContain('Format JJ/MM/AAAA, par exemple 01/01/2027');
    const unreal = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: 'BRE', effective_from: '31/02/2099', amount: '61,50', source: 'Délibération' });
    expect(unreal.statusCode).toBe(400);
    expect(textOf(unreal.body)).toContain('La date d’entrée en vigueur n’existe pas');
    expect(unreal.body).toContain('value="31/02/2099"');
    await operator.get('/agents/taxes');
    const garbled = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: 'BRE', effective_from: 'demain', amount: '61,50', source: 'Délibération' });
    expect(textOf(garbled.body)).toContain('Saisissez la date d’entrée en vigueur au format JJ/MM/AAAA, par exemple 01/01/2027');
    await operator.get('/agents/taxes');
    const ok = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: 'BRE', effective_from: '01/01/2099', amount: '61,50', source: 'Délibération du conseil régional' });
    expect(ok.statusCode).toBe(303);
    const row = await t.database.db.selectFrom('tax_rates').select('effective_from').where('key', '=', 'BRE').where('updated_by', '!=', 'migration').executeTakeFirstOrThrow();
    expect(row.effective_from.toISOString().slice(0, 10)).toBe('2099-01-01');
  });

  it('lists the rates in force, schedules a new one from a future date, audited; the past is never rewritten', async () => {
    const operator = await signInAgent(new TestClient(t.app), 'agent.operateur@example.fr');
    const page = textOf((await operator.get('/agents/taxes')).body);
    expect(page).toContain('Y.4 — taxe fixe');
    expect(page).toContain('11,00');
    expect(page).toContain('Île-de-France');
    const past = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: 'BRE', effective_from: '2020-01-01', amount: '61,50', source: 'Délibération du conseil régional' });
    expect(past.statusCode).toBe(400);
    expect(textOf(past.body)).toContain('Un taux ne s’applique pas au passé');
    expect(past.body).toContain('value="61,50"');
    await operator.get('/agents/taxes');
    const noRegion = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: '', effective_from: '2099-01-01', amount: '61,50', source: 'Délibération' });
    expect(textOf(noRegion.body)).toContain('Choisissez la région');
    await operator.get('/agents/taxes');
    const percent = await operator.post('/agents/taxes', { kind: 'regional_ev_reduction', key: 'BRE', effective_from: '2099-01-01', amount: '150', source: 'Délibération' });
    expect(textOf(percent.body)).toContain('Saisissez un pourcentage entier de 0 à 100');
    await operator.get('/agents/taxes');
    const ok = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: 'BRE', effective_from: '2099-01-01', amount: '61,50', source: 'Délibération du conseil régional', verified: 'oui' });
    expect(ok.headers.location).toBe('/agents/taxes');
    const row = await t.database.db.selectFrom('tax_rates').selectAll().where('updated_by', '!=', 'migration').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ kind: 'regional_per_cv', key: 'BRE', amount_cents: 6150, verified: true, updated_by: 'agent.operateur@example.fr' });
    expect(textOf((await operator.get('/agents/taxes')).body)).toContain('(à venir)');
    await operator.get('/agents/taxes');
    const twice = await operator.post('/agents/taxes', { kind: 'regional_per_cv', key: 'BRE', effective_from: '2099-01-01', amount: '62', source: 'Délibération' });
    expect(textOf(twice.body)).toContain('Un taux existe déjà pour cette taxe à cette date');
    expect(await t.database.db.selectFrom('audit_events').select('action').where('action', '=', 'tax_rate.scheduled').execute()).toHaveLength(1);
  });

  it('is reserved to operators', async () => {
    const cert = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const res = await cert.follow(await cert.get('/agents/taxes'));
    expect(textOf(res.body)).toContain('Les taux des taxes sont gérés par les opérateurs de l’agence.');
  });
});
