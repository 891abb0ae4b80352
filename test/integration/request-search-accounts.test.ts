import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedAtScale } from '../../src/demo/scale-seed.ts';
import { createVehicleInstruction, parseFilters } from '../../src/domains/instruction/vehicle-instruction.ts';
import type { AccountSearchLimits } from '../../src/domains/instruction/vehicle-search.ts';
import type { Agent } from '../../src/schema.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';

/**
 * Issue 20, task 8-E: the filing account's names and email are searched in the accounts table
 * (migration 0033), not copied into each of its requests. A renamed account (a garage with 25,000
 * requests) writes one row and is found by its new names at once; the three ways of reading the
 * matching accounts' requests (each account's own page, a hash of them on the queue's walk, a lookup
 * per row walked) give the same page.
 */
describe('the agents’ search reads the filing accounts themselves', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const db = () => t.database.db;
  const nationalAgent = { id: 0, role: 'instruction_centre', scope: null } as unknown as Agent;
  const search = (limits?: AccountSearchLimits) => createVehicleInstruction({ db: db(), config: t.app.config, attachments: t.app.attachments, ...(limits ? { accountSearch: limits } : {}) });
  const page = async (q: string, extra: Record<string, string> = {}, limits?: AccountSearchLimits, agent = nationalAgent) => {
    const result = await search(limits).queue(agent, parseFilters({ q, ...extra }));
    return { files: result.rows.map((r) => r.file_number), next: result.next };
  };
  const filesOf = async (accountId: number) =>
    (await db().selectFrom('vehicle_procedures').select('file_number').where('account_id', '=', accountId).where('status', '=', 'awaiting_review').where('submitted_at', 'is not', null).orderBy('file_number').execute()).map((r) => r.file_number);
  /** each request's row version (xmin): it changes when the row is written, and only then */
  const versionsOf = async (accountId: number) => (await sql<{ id: number; version: string }>`select id, xmin::text as version from vehicle_procedures where account_id = ${accountId} order by id`.execute(db())).rows;

  it('renames an account, or changes its email, without writing any of its requests, and finds it by its new names and email at once', async () => {
    await seedAtScale(t.database, { vehicles: 300, requests: 120, accounts: 12 });
    const garage = await db().selectFrom('accounts').select(['id', 'email']).where('email', 'like', '%@echelle.exemple.fr').orderBy('id').executeTakeFirstOrThrow();
    await db().updateTable('accounts').set({ profile: 'automotive_professional', family_name: null, given_name: null, organisation_name: 'Garage Abélard' }).where('id', '=', garage.id).execute();
    const files = await filesOf(garage.id);
    expect(files.length).toBeGreaterThan(5);
    expect((await page('garage abelard')).files.sort()).toEqual(files);
    const before = await versionsOf(garage.id);

    await db().updateTable('accounts').set({ organisation_name: 'Garage Quintavalle-Lebœuf' }).where('id', '=', garage.id).execute();
    await db().updateTable('accounts').set({ email: 'atelier@quintavalle.exemple.fr' }).where('id', '=', garage.id).execute();
    // not one request row written: the rename cost one row, whatever the number of requests
    expect(await versionsOf(garage.id)).toEqual(before);
    // the new names and email found at once, in the queue's order; the old ones no longer
    for (const q of ['quintavalle', 'Garage Quintavalle', 'leboeuf', 'LEBŒUF quintavalle', 'atelier@quintavalle', 'quintavalle.exemple.fr']) expect({ q, files: (await page(q)).files.sort() }).toEqual({ q, files });
    for (const q of ['abelard', 'garage abélard', garage.email]) expect({ q, files: (await page(q)).files }).toEqual({ q, files: [] });
    // several words meet in the account's names only: a word of the holder's names with one of the account's finds nothing more
    expect((await page('quintavalle zzzzzz')).files).toEqual([]);
  });

  it('gives the same page whichever way it reads the matching accounts’ requests', async () => {
    await seedAtScale(t.database, { vehicles: 500, requests: 160, accounts: 30 });
    // one account files many requests (a garage): its own page must be cut and ordered like the others
    const garage = await db().selectFrom('accounts').select('id').where('email', 'like', '%@echelle.exemple.fr').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await db().updateTable('accounts').set({ organisation_name: 'Grand Garage du Port' }).where('id', '=', garage.id).execute();
    await db().updateTable('vehicle_procedures').set({ account_id: garage.id }).where('file_number', 'like', 'V25-%').where(sql<boolean>`id % 3 = 0`).execute();
    const nantes = { id: 0, role: 'instruction_centre', scope: '44' } as unknown as Agent;
    const ways: Record<string, AccountSearchLimits> = {
      'each account’s own page': { eachUpTo: 1000, hashUpTo: 2000 },
      'a hash on the queue’s walk': { eachUpTo: 0, hashUpTo: 1000 },
      'a lookup per row walked': { eachUpTo: 0, hashUpTo: 0 },
    };
    const terms = ['martin', 'bernard', 'camille', 'Camille Bernard', 'bernard camille', 'usager', 'usager-1', 'usager-12@echelle.exemple.fr', '@echelle', 'echelle', 'grand garage', 'garage du port', 'port', 'zzzzzz', 'a b c'];
    let compared = 0;
    for (const q of terms) {
      for (const [extra, agent] of [[{}, nationalAgent], [{ statut: 'in_progress' }, nationalAgent], [{}, nantes]] as const) {
        const reference = await page(q, extra, ways['each account’s own page'], agent);
        compared += reference.files.length;
        for (const [way, limits] of Object.entries(ways)) {
          const first = await page(q, extra, limits, agent);
          expect({ q, extra, scope: agent.scope, way, files: first.files }).toEqual({ q, extra, scope: agent.scope, way, files: reference.files });
          // and the next page, from the same cursor
          if (first.next) expect({ q, way, files: (await page(q, { ...extra, apres: first.next }, limits, agent)).files }).toEqual({ q, way, files: (await page(q, { ...extra, apres: first.next }, undefined, agent)).files });
        }
      }
    }
    // real pages were compared: full ones (the garage, every seeded email), and the garage's requests found by its name
    expect(compared).toBeGreaterThan(100);
    expect((await page('usager')).files).toHaveLength(20);
    expect((await page('grand garage')).files).toHaveLength(20);
  });
});
