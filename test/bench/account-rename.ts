/**
 * A large garage renamed (issue 20): what the rename of an account with many requests costs, and
 * who waits on it. Usage, against a database grown by `npm run seed:scale`:
 *
 *   DATABASE_URL=postgres://…/bench npx tsx test/bench/account-rename.ts [--requests 25000] [--rounds 3]
 *
 * Gives one account (« GRAND GARAGE DU PORT », contact@grand-garage.exemple.fr: outside the seed's
 * accounts) that many of the seeded waiting requests (one in forty, spread over the queue; once),
 * then renames it `--rounds` times. Each rename runs in its own transaction (timed to its commit,
 * with the request rows it rewrote, read from the transaction's own statistics); 50 ms after it
 * starts, three other connections each do what happens beside it (printed with when each ran,
 * against the rename's commit):
 *   - an agent writes one of the garage's requests (a row lock: waits if the rename holds it),
 *   - an agent searches the garage by its old name (a read: never waits on row locks),
 *   - the garage's own list of its latest requests (a read).
 * After the commit: the agent's search finds the new name at once and the old one no longer.
 * Prints the load average beside the figures. Not part of `npm test`.
 */
import { sql } from 'kysely';
import os from 'node:os';
import { loadConfig } from '../../src/config.ts';
import { createVehicleInstruction, parseFilters } from '../../src/domains/instruction/vehicle-instruction.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import type { Attachments } from '../../src/platform/files/attachments.ts';
import type { Agent } from '../../src/schema.ts';

const GARAGE_EMAIL = 'contact@grand-garage.exemple.fr';
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const wanted = option('--requests', 25_000);
const rounds = option('--rounds', 3);

const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
if (config.database.kind !== 'postgres') {
  console.error('DATABASE_URL doit désigner une base PostgreSQL générée par `npm run seed:scale`.');
  process.exit(2);
}
const database = await openDatabase({ ...config.database, poolSize: 6 });
const { db } = database;
const load = () => os.loadavg().map((l) => l.toFixed(1)).join(' / ');
const ms = (started: number) => `${(performance.now() - started).toFixed(1)} ms`;

try {
  // the garage, once
  let garage = await db.selectFrom('accounts').select('id').where('email', '=', GARAGE_EMAIL).executeTakeFirst();
  garage ??= await db
    .insertInto('accounts')
    .values({ profile: 'automotive_professional', email: GARAGE_EMAIL, status: 'active', certified: true, organisation_name: 'GRAND GARAGE DU PORT', terms_version: '2024-01', terms_sha256: 'echelle', terms_accepted_at: new Date(), activated_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const count = async () => Number((await sql<{ n: number }>`select count(*)::int as n from vehicle_procedures where account_id = ${garage!.id}`.execute(db)).rows[0]!.n);
  const have = await count();
  if (have < wanted) {
    const started = performance.now();
    await sql`update vehicle_procedures set account_id = ${garage.id}
               where id in (select id from vehicle_procedures where file_number like 'V25-000%' and id % 40 = 0 and account_id <> ${garage.id} order by id limit ${wanted - have})`.execute(db);
    await sql`analyze vehicle_procedures`.execute(db);
    console.log(`Garage : ${wanted - have} demandes rattachées en ${ms(started)}`);
  }
  const requests = await count();
  const one = (await sql<{ id: number }>`select id from vehicle_procedures where account_id = ${garage.id} order by id offset ${Math.floor(requests / 2)} limit 1`.execute(db)).rows[0]!.id;
  console.log(`Compte ${garage.id} (${GARAGE_EMAIL}) : ${requests} demandes ; charge ${load()}`);

  const instruction = createVehicleInstruction({ db, config, attachments: {} as Attachments });
  const agent = { id: 0, role: 'instruction_centre', scope: null } as unknown as Agent;
  const search = async (q: string) => (await instruction.queue(agent, parseFilters({ q }))).rows.length;
  const current = async () => (await db.selectFrom('accounts').select('organisation_name').where('id', '=', garage!.id).executeTakeFirstOrThrow()).organisation_name!;

  for (let round = 1; round <= rounds; round++) {
    const before = await current();
    const after = `GARAGE ${['QUINTAVALLE', 'BÉRARDIÈRE', 'OLÉRONNAIS', 'VASSEROT'][round % 4]} DU PORT`;
    const started = performance.now();
    const renamed = db.transaction().execute(async (trx) => {
      await trx.updateTable('accounts').set({ organisation_name: after }).where('id', '=', garage!.id).execute();
      const statement = performance.now() - started;
      const rows = Number((await sql<{ n: number }>`select pg_stat_get_xact_tuples_updated('vehicle_procedures'::regclass)::int as n`.execute(trx)).rows[0]!.n);
      return { statement, rows };
    }).then((result) => ({ ...result, committed: performance.now() - started }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beside = async (what: string, run: () => Promise<unknown>) => {
      const at = performance.now();
      const result = await run();
      return { what, from: at - started, to: performance.now() - started, result };
    };
    const others = await Promise.all([
      beside('un agent écrit une de ses demandes', () => sql`update vehicle_procedures set updated_at = updated_at where id = ${one}`.execute(db)),
      beside(`un agent cherche « ${before.toLowerCase()} »`, () => search(before)),
      beside('le garage lit ses 20 dernières demandes', async () => (await db.selectFrom('vehicle_procedures').select(['id', 'file_number', 'status']).where('account_id', '=', garage!.id).orderBy('updated_at', 'desc').limit(20).execute()).length),
    ]);
    const { statement, rows, committed } = await renamed;
    const firstSearch = performance.now();
    const foundNew = await search(after);
    const firstSearchMs = performance.now() - firstSearch;
    const foundOld = before === after ? 0 : await search(before);
    console.log(`\nRenommage ${round} (« ${before} » → « ${after} »), charge ${load()}`);
    console.log(`  renommage : instruction ${statement.toFixed(1)} ms, validé à ${committed.toFixed(1)} ms ; ${rows} demandes réécrites`);
    for (const o of others) {
      const when = o.to <= committed ? 'fini avant la validation' : o.from >= committed ? 'après la validation' : 'à cheval sur la validation';
      console.log(`  à côté : ${o.what} de ${o.from.toFixed(0)} à ${o.to.toFixed(0)} ms (${when})${typeof o.result === 'number' ? ` : ${o.result} lignes` : ''}`);
    }
    console.log(`  après : « ${after.toLowerCase()} » trouvé sur ${foundNew} lignes en ${firstSearchMs.toFixed(1)} ms (première recherche), l’ancien nom sur ${foundOld}`);
  }
} finally {
  await database.close();
}
