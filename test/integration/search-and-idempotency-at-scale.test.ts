import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { scaleAccountEmail, seedAtScale } from '../../src/demo/scale-seed.ts';
import { importVehiclesCsv, readVehiclesCsv } from '../../src/domains/vehicles/registry/csv-import.ts';
import { createVehicleInstruction, parseFilters } from '../../src/domains/instruction/vehicle-instruction.ts';
import type { Agent } from '../../src/schema.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

describe('issue 20: the back-office search through its indexes, the scale seed, idempotency by index', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const instruction = () => createVehicleInstruction({ db: t.database.db, config: t.app.config, attachments: t.app.attachments });
  const agent = () => t.database.db.selectFrom('agents').selectAll().where('email', '=', 'agent.cert@example.fr').executeTakeFirstOrThrow() as Promise<Agent>;
  const search = async (q: string) => (await instruction().queue(await agent(), parseFilters({ q }))).rows.map((r) => r.file_number).sort();

  it('the scale seed generates consistent rows, and a second run adds only what is missing', async () => {
    const first = await seedAtScale(t.database, { vehicles: 300, requests: 50, accounts: 20 });
    expect(first.added).toEqual({ vehicles: 300, requests: 50, accounts: 20 });
    const again = await seedAtScale(t.database, { vehicles: 320, requests: 50, accounts: 20 });
    expect(again.added).toEqual({ vehicles: 20, requests: 0, accounts: 0 });
    expect(again.total).toEqual({ vehicles: 320, requests: 50, accounts: 20 });
    // every duplicate is on a seeded vehicle, in the holder's département, from a seeded account
    const wrong = await sql<{ n: number }>`
      select count(*)::int as n from vehicle_procedures p join accounts a on a.id = p.account_id
        left join vehicles v on v.id = p.vehicle_id left join vehicle_holders h on h.id = v.holder_id
       where p.file_number like 'V25-%' and (a.email not like '%@echelle.exemple.fr'
          or (p.kind = 'duplicate' and (v.plate not like 'Z_-___-__' or p.department <> case when h.postcode = '20100' then '2A' else left(h.postcode, 2) end)))`.execute(t.database.db);
    expect(wrong.rows[0]!.n).toBe(0);
    // the indexes and foreign keys set aside during the load are all back
    const indexes = await sql<{ name: string }>`select indexname as name from pg_indexes where indexname in ('vehicle_procedures_search_names', 'vehicle_procedures_search_plate', 'accounts_search_email', 'vehicle_procedures_queue')`.execute(t.database.db);
    expect(indexes.rows).toHaveLength(4);
    const fks = await sql<{ n: number }>`select count(*)::int as n from pg_constraint where contype = 'f' and conrelid = 'vehicles'::regclass`.execute(t.database.db);
    expect(fks.rows[0]!.n).toBeGreaterThan(0);
    // the seeded accounts sign in with the demo password (load tests use them)
    const client = await signInUser(t.app, scaleAccountEmail(3));
    expect((await client.get('/compte')).statusCode).toBe(200);
  });

  it('finds a request by its plate or file number however typed, by a name without its accents, by part of an email', async () => {
    await seedAtScale(t.database, { vehicles: 300, requests: 50, accounts: 20 });
    const target = await t.database.db
      .selectFrom('vehicle_procedures as p')
      .innerJoin('vehicles as v', 'v.id', 'p.vehicle_id')
      .innerJoin('accounts as a', 'a.id', 'p.account_id')
      .select(['p.file_number', 'v.plate', 'v.holder_id', 'a.email', 'p.account_id'])
      .where('p.file_number', 'like', 'V25-%')
      .where('p.kind', '=', 'duplicate')
      .orderBy('p.id', 'desc')
      .executeTakeFirstOrThrow();
    expect(await search(target.plate)).toEqual([target.file_number]);
    expect(await search(target.plate.replace(/-/g, '').toLowerCase())).toEqual([target.file_number]);
    expect(await search(target.plate.replace(/-/g, ' '))).toEqual([target.file_number]);
    expect(await search(target.file_number.toLowerCase().replace('-', ''))).toEqual([target.file_number]);

    await t.database.db.updateTable('vehicle_holders').set({ birth_name: 'ÉVÊQUE-ŒRSTED', usage_name: null, company_name: null }).where('id', '=', target.holder_id).execute();
    expect(await search('eveque-oerst')).toEqual([target.file_number]);
    expect(await search('Évêque')).toEqual([target.file_number]);

    const ofAccount = await t.database.db.selectFrom('vehicle_procedures').select('file_number').where('account_id', '=', target.account_id).where('status', '=', 'awaiting_review').execute();
    expect(ofAccount.length).toBeGreaterThan(0);
    expect(await search(target.email)).toEqual(ofAccount.map((r) => r.file_number).sort());

    // two letters are no name search (it would read every holder): only an exact plate could match
    expect(await search('ma')).toEqual([]);
    // a LIKE wildcard typed by the agent is a character, not "anything"
    expect(await search('%%%')).toEqual([]);
  });

  it('imports a CSV in batches (here of 2 lines): every vehicle with its own holder, code and gage', async () => {
    const header = 'plate,vin,certificate_number,certificate_date,first_registration_date,category,fiscal_power,energy,holder_kind,birth_name,given_names,birth_date,birth_place,company_name,siren,address_line1,postcode,commune,gage';
    const line = (i: number) =>
      i === 3
        ? `QA-10${i}-QB,VF1RFB00X5678901${i},,2020-05-01,2020-05-01,M1,5,ES,legal,,,,,Transports Éole,12345678${i},${i} rue A,44000,Nantes,oui`
        : `QA-10${i}-QB,VF1RFB00X5678901${i},,2020-05-01,2020-05-01,M1,5,ES,natural,Morel${i},Anne,1975-03-09,Nantes,,,${i} rue A,44000,Nantes,non`;
    const text = [header, ...[1, 2, 3, 4, 5].map(line)].join('\n');
    const plates = readVehiclesCsv(text).entries.map((e) => e.plate);
    expect(await importVehiclesCsv(t.database, t.app.config.sessionSecret, text, 2)).toEqual({ imported: 5, errors: [] });
    const rows = await t.database.db
      .selectFrom('vehicles as v')
      .innerJoin('vehicle_holders as h', 'h.id', 'v.holder_id')
      .innerJoin('confidential_codes as c', 'c.vehicle_id', 'v.id')
      .select(['v.id', 'v.plate', 'h.birth_name', 'h.company_name', 'h.address_line1', 'c.code_hash'])
      .where('v.plate', 'in', plates)
      .orderBy('v.plate')
      .execute();
    expect(rows.map((r) => [r.plate, r.birth_name ?? r.company_name, r.address_line1])).toEqual([
      ['QA-101-QB', 'MOREL1', '1 rue A'], ['QA-102-QB', 'MOREL2', '2 rue A'], ['QA-103-QB', 'TRANSPORTS ÉOLE', '3 rue A'], ['QA-104-QB', 'MOREL4', '4 rue A'], ['QA-105-QB', 'MOREL5', '5 rue A'],
    ]);
    expect(new Set(rows.map((r) => r.code_hash)).size).toBe(5); // one code per vehicle
    // the certificate's characteristics travel with each vehicle of a batch
    const withBrand = `${header},brand,seats\n${line(7).replace('QA-107-QB', 'QA-117-QB').replace('VF1RFB00X56789017', 'VF1RFB00X56789117')},Renault,5`;
    expect(await importVehiclesCsv(t.database, t.app.config.sessionSecret, withBrand, 2)).toEqual({ imported: 1, errors: [] });
    expect(await t.database.db.selectFrom('vehicles').select(['brand', 'seats']).where('plate', '=', 'QA-117-QB').executeTakeFirstOrThrow()).toEqual({ brand: 'RENAULT', seats: 5 });
    const gages = await t.database.db.selectFrom('vehicle_encumbrances').select('vehicle_id').where('kind', '=', 'gage').where('vehicle_id', 'in', rows.map((r) => r.id)).execute();
    expect(gages.map((g) => g.vehicle_id)).toEqual([rows[2]!.id]);
    // a plate already registered, found in any batch: nothing imported, the plate named
    const again = [header, line(6), line(7), line(8), line(1).replace('QA-101-QB', 'QA-109-QB'), line(5)].join('\n');
    expect(await importVehiclesCsv(t.database, t.app.config.sessionSecret, again, 2)).toEqual({ imported: 0, errors: ['Ces immatriculations existent déjà : QA-105-QB'] });
    expect(await t.database.db.selectFrom('vehicles').select('id').where('plate', 'in', ['QA-106-QB', 'QA-109-QB']).execute()).toEqual([]);
  });

  it('the same "Ajouter une demande" form posted four times at once starts one procedure', async () => {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    await client.get('/vehicules/demandes/nouvelle');
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    const token = client.csrfToken();
    // a holder without a certified account: the request waits for the code and holds no slot, so
    // only the key can stop the copies
    const fields = { idempotency_key: key, kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD' };
    const answers = await Promise.all([1, 2, 3, 4].map(() => client.post('/vehicules/demandes/nouvelle', fields, { csrf: token })));
    const rows = await t.database.db.selectFrom('vehicle_procedures').select(['file_number', 'idempotency_key']).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idempotency_key).toBe(key);
    expect(answers.map((a) => a.headers.location)).toEqual(Array(4).fill(`/vehicules/demandes/${rows[0]!.file_number}`));
    const started = await t.database.db.selectFrom('audit_events').select('id').where('action', '=', 'vehicle_procedure.started').execute();
    expect(started).toHaveLength(1);
  });
});
