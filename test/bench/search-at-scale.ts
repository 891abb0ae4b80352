/**
 * Back-office search at a million (issue 20). Usage, against a PostgreSQL database:
 *
 *   DATABASE_URL=postgres://…/bench npm run seed:scale        # once: 1 M vehicles, 200 k requests, 100 k accounts
 *   DATABASE_URL=postgres://…/bench npx tsx test/bench/search-at-scale.ts [--explain] [--runs 40] [--legacy]
 *
 * Times the instruction centre's queue query (the service call behind GET /agents/vehicules?q=…,
 * unread counts included) for searches by plate, file number, rare surname, email, the filing
 * account's rare surname (migration 0032) and a common surname, plus the first page without search (and, once
 * test/bench/account-rename.ts has made it, a garage filing 25,000 requests by its name), and prints p50/p95/max per scenario. --legacy also
 * times the query of the previous version (ILIKE on the joined rows, copied below) for the
 * before/after figures; --explain prints EXPLAIN ANALYZE of both. Exits 1 when a p95 of the new
 * query is over 100 ms. Not part of `npm test`; helper scripts (test/bench/run.ts) may import
 * `runSearchBench`.
 */
import { CompiledQuery, sql } from 'kysely';
import { loadConfig } from '../../src/config.ts';
import { createVehicleInstruction, parseFilters } from '../../src/domains/instruction/vehicle-instruction.ts';
import { openDatabase, type Db } from '../../src/platform/db/database.ts';
import type { Agent } from '../../src/schema.ts';
import type { Attachments } from '../../src/platform/files/attachments.ts';

export interface SearchFigure {
  name: string;
  runs: number;
  p50: number;
  p95: number;
  max: number;
  rows: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Search terms drawn from the seeded data (one per run, so that no run hits a warm single row). */
async function terms(db: Db, runs: number) {
  const sample = async <T>(query: ReturnType<typeof sql<T>>) => (await query.execute(db)).rows;
  const requests = await sample(sql<{ file_number: string; plate: string; email: string }>`
    select p.file_number, v.plate, a.email from vehicle_procedures p join vehicles v on v.id = p.vehicle_id join accounts a on a.id = p.account_id
     where p.status = 'awaiting_review' and p.submitted_at is not null
     order by p.id limit ${runs} offset (select count(*) / 3 from vehicle_procedures)`);
  const rare = await sample(sql<{ name: string }>`
    select h.birth_name as name from vehicle_holders h where h.birth_name is not null
     group by h.birth_name having count(*) between 2 and 40 order by min(h.id) desc limit ${runs}`);
  // filers' rare surnames (four syllables: no holder has one), of accounts that filed a waiting request
  const filers = await sample(sql<{ name: string }>`
    select a.family_name as name from accounts a
     where a.family_name ~ '^[A-Z]{12}$' and exists (select from vehicle_procedures p where p.account_id = a.id and p.status = 'awaiting_review' and p.submitted_at is not null)
     order by a.id desc limit ${runs}`);
  // the large garage of test/bench/account-rename.ts (25,000 requests), when that bench has created it
  const garage = await sample(sql<{ name: string }>`select organisation_name as name from accounts where email = 'contact@grand-garage.exemple.fr'`);
  if (!requests.length || !rare.length || !filers.length) throw new Error('Base vide : lancez d’abord `npm run seed:scale` sur cette base.');
  const pick = <T>(list: T[], i: number) => list[i % list.length]!;
  return {
    plate: (i: number) => pick(requests, i).plate.replace(/-/g, i % 2 ? ' ' : '-').toLowerCase(),
    file: (i: number) => pick(requests, i).file_number,
    rareName: (i: number) => pick(rare, i).name.toLowerCase(),
    email: (i: number) => pick(requests, i).email.split('@')[0]!,
    common: (i: number) => pick(['martin', 'dupont', 'bernard', 'moreau'], i),
    filer: (i: number) => pick(filers, i).name.toLowerCase(),
    garage: garage[0] ? (i: number) => (i % 2 ? garage[0]!.name : garage[0]!.name.split(' ')[1]!).toLowerCase() : null,
    none: () => '',
  };
}

/** The queue query of the version before issue 20 (kept here only to measure it). */
function legacyQueue(text: string) {
  const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const plate = text.toUpperCase().replace(/\s+/g, '');
  return sql`
    select vp.id, vp.file_number, vp.kind, vp.status, vp.submitted_at, vp.department, coalesce(v.plate, '—') as plate
      from vehicle_procedures vp left join vehicles v on v.id = vp.vehicle_id left join vehicle_holders h on h.id = v.holder_id
      join accounts a on a.id = vp.account_id left join agents ag on ag.id = vp.assigned_agent_id
     where vp.submitted_at is not null and vp.kind in ('duplicate', 'complementary') and vp.status = 'awaiting_review'
       and (vp.file_number = ${text.toUpperCase()} or replace(v.plate, ' ', '') = ${plate} or h.birth_name ilike ${like}
            or vp.data->'tpc'->'holder'->>'birth_name' ilike ${like} or vp.data->'tpc'->'holder'->>'company_name' ilike ${like}
            or h.company_name ilike ${like} or h.usage_name ilike ${like} or a.email ilike ${like})
     order by vp.submitted_at, vp.id limit 21`;
}

export async function runSearchBench(db: Db, opts: { runs?: number; legacy?: boolean; explain?: boolean; log?: (line: string) => void } = {}): Promise<SearchFigure[]> {
  const runs = opts.runs ?? 40;
  const log = opts.log ?? console.log;
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const instruction = createVehicleInstruction({ db, config, attachments: {} as Attachments }); // queue() reads no attachment
  const agent = { id: 0, role: 'instruction_centre', scope: null } as unknown as Agent; // national scope
  const t = await terms(db, runs);
  const scenarios: { name: string; term: (i: number) => string }[] = [
    { name: 'par immatriculation', term: t.plate },
    { name: 'par numéro de dossier', term: t.file },
    { name: 'par nom rare', term: t.rareName },
    { name: 'par courriel', term: t.email },
    { name: 'par nom du déposant (rare)', term: t.filer },
    { name: 'par nom courant (martin…)', term: t.common },
    { name: 'première page, sans recherche', term: t.none },
    ...(t.garage ? [{ name: 'par nom d’un garage de 25 000 demandes', term: t.garage }] : []),
  ];
  const figures: SearchFigure[] = [];
  const measure = async (name: string, run: (i: number) => Promise<number>) => {
    await run(runs); // warm-up
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      rows += await run(i);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    const figure = { name, runs, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, rows: Math.round(rows / runs) };
    figures.push(figure);
    log(`${name.padEnd(48)} p50 ${figure.p50.toFixed(1).padStart(7)} ms   p95 ${figure.p95.toFixed(1).padStart(7)} ms   max ${figure.max.toFixed(1).padStart(7)} ms   (${figure.rows} lignes en moyenne)`);
  };
  for (const s of scenarios) {
    await measure(`après : ${s.name}`, async (i) => (await instruction.queue(agent, parseFilters({ q: s.term(i) }))).rows.length);
    if (opts.legacy && s.term(0)) await measure(`avant : ${s.name}`, async (i) => (await legacyQueue(s.term(i)).execute(db)).rows.length);
  }
  if (opts.explain) {
    for (const s of scenarios.filter((x) => x.term(0))) {
      const q = s.term(0);
      log(`\n=== EXPLAIN ANALYZE après, ${s.name} (« ${q} ») ===`);
      await explain(db, instruction, agent, q, log);
      if (opts.legacy) {
        log(`\n=== EXPLAIN ANALYZE avant, ${s.name} (« ${q} ») ===`);
        const compiled = legacyQueue(q).compile(db);
        await printPlan(db, compiled.sql, compiled.parameters, log);
      }
    }
  }
  return figures;
}

async function printPlan(db: Db, text: string, parameters: readonly unknown[], log: (line: string) => void) {
  const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain (analyze, costs off) ${text}`, [...parameters]));
  for (const row of plan.rows) log(row['QUERY PLAN']);
}

/** EXPLAIN ANALYZE of the service's own query, as Kysely compiles it. */
async function explain(db: Db, instruction: ReturnType<typeof createVehicleInstruction>, agent: Agent, q: string, log: (line: string) => void) {
  const compiled = instruction.queueQuery(agent, parseFilters({ q })).compile();
  await printPlan(db, compiled.sql, compiled.parameters, log);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  if (config.database.kind !== 'postgres') {
    console.error('DATABASE_URL doit désigner une base PostgreSQL générée par `npm run seed:scale`.');
    process.exit(2);
  }
  const database = await openDatabase(config.database);
  try {
    const counts = (await sql<{ v: number; p: number; a: number }>`
      select (select count(*) from vehicles)::int as v, (select count(*) from vehicle_procedures where status = 'awaiting_review')::int as p, (select count(*) from accounts)::int as a`.execute(database.db)).rows[0]!;
    console.log(`Recherche du back-office : ${counts.v} véhicules, ${counts.p} demandes en attente, ${counts.a} comptes (PostgreSQL)`);
    const runsAt = args.indexOf('--runs');
    const figures = await runSearchBench(database.db, { runs: runsAt >= 0 ? Number(args[runsAt + 1]) : 40, legacy: args.includes('--legacy'), explain: args.includes('--explain') });
    const over = figures.filter((f) => f.name.startsWith('après') && f.p95 > 100);
    if (over.length) {
      console.log(`\nObjectif p95 < 100 ms manqué : ${over.map((f) => f.name).join(', ')}`);
      process.exitCode = 1;
    }
  } finally {
    await database.close();
  }
}
