import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { prepareQuery } from '../../src/platform/db/prepared.ts';
import { Session, sessionLoader } from '../../src/platform/http/session.ts';
import { procedureLister } from '../../src/domains/vehicles/procedures/service.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { SqlRecorder } from '../helpers/sql-recorder.ts';

/**
 * The hot queries compiled once per process (platform/db/prepared.ts): the compiled text is shared
 * by every request, the values never are. An attacker's view: one user's session, account or
 * procedures must never come back for another's cookie, even when both are read at the same moment.
 */
describe('queries prepared once per process', () => {
  let database: TestDatabase;
  const config = testConfig();
  const accounts: { id: number; email: string; cookie: string }[] = [];

  beforeAll(async () => {
    database = await openTestDatabase({ poolSize: 1 }); // one connection: its prepared statements can be listed
    await seedDemoData(database.db, config);
    // two accounts of the demo, each with procedures of its own
    const rows = await database.db.selectFrom('accounts').select(['id', 'email']).where('email', 'in', ['demo.particulier@example.fr', 'demo.garage@example.fr']).orderBy('email', 'desc').execute();
    expect(rows).toHaveLength(2);
    const vehicles = await database.db.selectFrom('vehicles').select('id').orderBy('id').limit(3).execute();
    const procedures: [accountId: number, file: string, vehicle: number][] = [
      [rows[0]!.id, 'TEST-A-1', vehicles[0]!.id],
      [rows[0]!.id, 'TEST-A-2', vehicles[1]!.id],
      [rows[1]!.id, 'TEST-B-1', vehicles[2]!.id],
    ];
    for (const [account_id, file_number, vehicle_id] of procedures) {
      await database.db.insertInto('vehicle_procedures').values({ account_id, file_number, vehicle_id, kind: 'sale_declaration', initiator: 'self', status: 'awaiting_code', data: JSON.stringify({}) }).execute();
    }
    for (const { id, email } of rows) {
      const session = Session.fresh(config.sessionSecret);
      session.rotate(id);
      session.set('mark', email);
      await session.save(database.db, config);
      accounts.push({ id, email, cookie: session.cookieValue });
    }
  });
  afterAll(() => database?.close());

  it("gives each cookie its own session and account, also when read at the same time (never another user's)", async () => {
    const load = sessionLoader(database.db, config);
    for (let round = 0; round < 3; round++) {
      const order = round % 2 ? [...accounts].reverse() : accounts;
      const loaded = await Promise.all(order.map((a) => load(a.cookie)));
      for (const [i, session] of loaded.entries()) {
        expect(session).toBeInstanceOf(Session);
        const s = session as Session;
        expect(s.userId).toBe(order[i]!.id);
        expect(s.account?.email).toBe(order[i]!.email);
        expect(s.get('mark')).toBe(order[i]!.email);
      }
    }
    expect(await load('an-id-nobody-has')).toBeNull();
  });

  it("lists each account's own procedures only, also when both are listed at the same time", async () => {
    const list = procedureLister(database.db);
    const files = (groups: Record<string, { file_number: string }[]>) => Object.values(groups).flat().map((p) => p.file_number).sort();
    const own = async (id: number) => (await database.db.selectFrom('vehicle_procedures').select('file_number').where('account_id', '=', id).execute()).map((p) => p.file_number).sort();
    const [first, second] = accounts;
    const [forFirst, forSecond] = await Promise.all([list({ id: first!.id } as never), list({ id: second!.id } as never)]);
    expect(files(forFirst)).toEqual(await own(first!.id));
    expect(files(forSecond)).toEqual(await own(second!.id));
    expect(files(forFirst)).not.toEqual(files(forSecond));
  });

  it('runs as a named statement on PostgreSQL (parsed once per connection), and as a plain query on PGlite', async () => {
    const query = prepareQuery(database.db, (email: string) => database.db.selectFrom('accounts').select(['id', 'email']).where('email', '=', email));
    expect((await query.execute('demo.particulier@example.fr')).map((r) => r.email)).toEqual(['demo.particulier@example.fr']);
    expect((await query.execute('demo.garage@example.fr')).map((r) => r.email)).toEqual(['demo.garage@example.fr']);
    const named = (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(database.db)).rows;
    const ours = named.filter((s) => /^portail_\d+$/.test(s.name) && /from "accounts"/.test(s.statement) && /"email" = \$1/.test(s.statement));
    expect(ours).toHaveLength(database.kind === 'postgres' ? 1 : 0);
  });

  it('goes through the plugins of a Kysely instance that has some (the tests’ SQL recorder sees it)', async () => {
    const recorder = new SqlRecorder();
    const db = recorder.wrap(database.db);
    const query = prepareQuery(db, (email: string) => db.selectFrom('accounts').select('id').where('email', '=', email));
    const statements = await recorder.during(async () => expect(await query.execute('demo.garage@example.fr')).toEqual([{ id: accounts[1]!.id }]));
    expect(statements).toEqual(['select "id" from "accounts" where "email" = $1']);
  });

  it('refuses a query that takes none of its arguments (its text would be the same for every value)', () => {
    expect(() => prepareQuery(database.db, (_email: string) => database.db.selectFrom('accounts').select('id').where('email', '=', 'fixed@example.fr'))).toThrow(/none of its arguments/);
  });
});
