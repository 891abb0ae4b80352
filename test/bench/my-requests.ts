/**
 * "Mes démarches" at a company's size (issue 16): 25,000 vehicle procedures, 2,000 licence
 * requests, 1,000 pre-applications and 1,000 contact requests on one account, on a fresh database.
 *
 *   DATABASE_URL=postgres://…/postgres npx tsx test/bench/my-requests.ts [--runs 30]
 *
 * Times the tab counts, the first page of each tab, a page 50 pages deep (keyset), a search by
 * plate and by file number, and the whole GET /mes-demarches through the app (HTML rendered), and
 * prints p50/p95/max in ms. Without DATABASE_URL it runs on PGlite. Not part of `npm test`.
 */
import { sql } from 'kysely';
import { buildApp } from '../../src/app.ts';
import { testConfig } from '../../src/config.ts';
import { seedDemoData } from '../../src/demo/seed.ts';
import { createMyRequests } from '../../src/domains/my-requests/service.ts';
import { TABS } from '../../src/domains/my-requests/model.ts';
import { openTestDatabase } from '../helpers/database.ts';
import { signInUser } from '../helpers/users.ts';

const RUNS = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 30;
const COMPANY = 'demo.entreprise@example.fr';

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
async function time(name: string, run: (i: number) => Promise<unknown>) {
  await run(0); // warm
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run(i + 1);
    ms.push(performance.now() - start);
  }
  ms.sort((a, b) => a - b);
  console.log(`${name.padEnd(48)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)}  p95 ${percentile(ms, 95).toFixed(1).padStart(7)}  max ${ms.at(-1)!.toFixed(1).padStart(7)}`);
}

const database = await openTestDatabase();
const app = await buildApp(testConfig({}), database);
await app.ready();
try {
  const db = database.db;
  await seedDemoData(db, app.config);
  const account = Number((await db.selectFrom('accounts').select('id').where('email', '=', COMPANY).executeTakeFirstOrThrow()).id);
  const vehicles = (await db.selectFrom('vehicles').select('id').orderBy('id').limit(300).execute()).map((v) => Number(v.id));
  const started = performance.now();
  // 25,000 procedures over 300 vehicles and two years, statuses as a company's history would have them
  await sql`
    insert into vehicle_procedures (file_number, account_id, kind, initiator, vehicle_id, status, data, created_at, updated_at, submitted_at)
    select 'B' || lpad(g::text, 9, '0'), ${account}, (array['sale_declaration','address_change','duplicate','holder_change'])[1 + g % 4], 'self',
           (${sql.val(vehicles)}::bigint[])[1 + g % ${vehicles.length}],
           case when g % 50 = 0 then 'awaiting_payment' when g % 37 = 0 then 'to_complete' when g % 29 = 0 then 'awaiting_review'
                when g % 23 = 0 then 'in_progress' when g % 19 = 0 then 'cancelled' else 'completed' end,
           '{}'::jsonb, now() - (g || ' minutes')::interval * 41, now() - (g || ' minutes')::interval * 40,
           case when g % 29 = 0 or g % 37 = 0 then now() - (g || ' minutes')::interval * 40 end
    from generate_series(1, 25000) g`.execute(db);
  await sql`
    insert into licence_requests (file_number, account_id, reason, for_other, status, data, idempotency_key, created_at, updated_at)
    select 'L' || lpad(g::text, 9, '0'), ${account}, 'registration', true,
           case when g % 10 = 0 then 'draft' when g % 7 = 0 then 'to_complete' when g % 3 = 0 then 'instruction' else 'validated' end,
           '{}'::jsonb, 'bench' || g, now() - (g || ' hours')::interval, now() - (g || ' hours')::interval
    from generate_series(1, 2000) g`.execute(db);
  await sql`
    insert into pre_applications (number, account_id, document, status, data, idempotency_key, expires_at, created_at, updated_at)
    select case when g % 5 = 0 then null else 'PB' || lpad(g::text, 10, '0') end, ${account}, 'passport',
           case when g % 5 = 0 then 'draft' when g % 2 = 0 then 'taken' else 'submitted' end,
           '{}'::jsonb, 'bench' || g, now() + interval '90 days' - (g || ' hours')::interval, now() - (g || ' hours')::interval, now() - (g || ' hours')::interval
    from generate_series(1, 1000) g`.execute(db);
  await sql`
    insert into contact_requests (reference, account_id, topic, subject, message, status, received_at, due_on, idempotency_key, answer, answered_at)
    select 'CB' || lpad(g::text, 8, '0'), ${account}, 'other', 'Question ' || g, 'Bonjour', case when g % 4 = 0 then 'open' else 'answered' end,
           now() - (g || ' hours')::interval, current_date + 10, 'bench' || g,
           case when g % 4 = 0 then null else 'Réponse' end, case when g % 4 = 0 then null else now() end
    from generate_series(1, 1000) g`.execute(db);
  await sql`analyze`.execute(db);
  console.log(`${COMPANY}: 29,000 requests inserted in ${((performance.now() - started) / 1000).toFixed(1)} s (${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}), ${RUNS} runs each`);

  const myRequests = createMyRequests({ db });
  const counts = await myRequests.counts(account);
  console.log(`tabs: ${TABS.map((t) => `${t.label} ${counts[t.key]}`).join(', ')}`);
  await time('counts of the four tabs', () => myRequests.counts(account));
  for (const tab of TABS) await time(`first page of « ${tab.label} »`, () => myRequests.page(account, tab.key));
  // a cursor 50 pages deep into "Terminées"
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) cursor = (await myRequests.page(account, 'terminees', cursor ?? undefined)).next;
  await time('page 51 of « Terminées » (keyset)', () => myRequests.page(account, 'terminees', cursor!));
  const plates = (await db.selectFrom('vehicles').select('plate').where('id', 'in', vehicles.slice(0, 50)).execute()).map((v) => v.plate);
  await time('search by plate (≈ 83 requests each)', (i) => myRequests.search(account, plates[i % plates.length]!.replace(/[\s-]/g, '')));
  await time('search by file number', (i) => myRequests.search(account, `B${String(1 + ((i * 997) % 25000)).padStart(9, '0')}`));

  const client = await signInUser(app, COMPANY);
  await time('GET /mes-demarches (HTML, signed in)', async () => {
    const r = await client.get('/mes-demarches');
    if (r.statusCode !== 200) throw new Error(`HTTP ${r.statusCode}`);
  });
  await time('GET /mes-demarches?onglet=terminees (HTML)', () => client.get('/mes-demarches?onglet=terminees'));
  await time('GET /mes-demarches?q=<plate> (HTML)', (i) => client.get(`/mes-demarches?q=${encodeURIComponent(plates[i % plates.length]!)}`));
} finally {
  await app.close();
  await database.close();
}
