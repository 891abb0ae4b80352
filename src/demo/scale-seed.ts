import { sql } from 'kysely';
import type { Database } from '../platform/db/database.ts';
import { hashPassword } from '../domains/accounts/passwords.ts';

/**
 * The registry grown to a national size for the benchmarks (issue 20): by default 1,000,000
 * vehicles with their holders, 200,000 requests waiting for the instruction centre and 100,000
 * accounts, generated inside the database (generate_series, one INSERT … SELECT a table), never
 * row by row. Rows are recognisable: VIN "ZZZ…", plates "Z?-???-??" (one the registry already has is skipped), accounts "usager-N@echelle.exemple.fr",
 * file numbers "V25-000XXXXX" (a zero never appears in a number the portal draws). Seeding again
 * only adds what is missing to reach the counts. Never on a production database: the accounts
 * share the demo password, so that load tests can sign in as any of them.
 */
export interface ScaleTargets {
  vehicles: number;
  requests: number;
  accounts: number;
}
export const DEFAULT_SCALE: ScaleTargets = { vehicles: 1_000_000, requests: 200_000, accounts: 100_000 };
export const SCALE_EMAIL_DOMAIN = 'echelle.exemple.fr';
export const scaleAccountEmail = (n: number) => `usager-${n}@${SCALE_EMAIL_DOMAIN}`;

// Surnames and given names frequent in France; holder n gets SURNAMES[n % 60] most of the time, and
// a rare surname made of syllables (about 8,000 different ones) one time in ten (on vehicles that have a waiting request: one in five).
// Accounts too, with rare surnames of four syllables (never a holder's, so that a search finds them as filers only).
const SURNAMES = ['MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON', 'MICHEL', 'LEFEBVRE', 'LEROY', 'ROUX', 'DAVID', 'BERTRAND', 'MOREL', 'FOURNIER', 'GIRARD', 'BONNET', 'DUPONT', 'LAMBERT', 'FONTAINE', 'ROUSSEAU', 'VINCENT', 'MULLER', 'LEFEVRE', 'FAURE', 'ANDRE', 'MERCIER', 'BLANC', 'GUERIN', 'BOYER', 'GARNIER', 'CHEVALIER', 'FRANCOIS', 'LEGRAND', 'GAUTHIER', 'GARCIA', 'PERRIN', 'ROBIN', 'CLEMENT', 'MORIN', 'NICOLAS', 'HENRY', 'ROUSSEL', 'MATHIEU', 'GAUTIER', 'MASSON', 'MARCHAND', 'DUVAL', 'DENIS', 'DUMONT', 'MARIE', 'LEMAIRE', 'NOEL', 'MEYER', 'DUFOUR', 'MEUNIER'];
const GIVEN = ['Marie', 'Jean', 'Camille', 'Louis', 'Léa', 'Hugo', 'Chloé', 'Lucas', 'Inès', 'Gabriel', 'Manon', 'Jules', 'Élise', 'Arthur', 'Zoé', 'Nathan', 'Anaïs', 'Paul', 'Clément', 'Sophie'];
const SYLLABLES = ['KER', 'LOU', 'BRA', 'MIR', 'TAN', 'VEL', 'GOU', 'RIC', 'SAL', 'PEN', 'DOR', 'FAV', 'QUE', 'NAC', 'BOZ', 'LIN', 'MAU', 'TRE', 'JOS', 'HAR'];
const COMMUNES = ['PARIS', 'MARSEILLE', 'LYON', 'TOULOUSE', 'NICE', 'NANTES', 'MONTPELLIER', 'STRASBOURG', 'BORDEAUX', 'LILLE', 'RENNES', 'REIMS', 'TOULON', 'GRENOBLE', 'DIJON', 'ANGERS', 'NIMES', 'BREST', 'LIMOGES', 'AMIENS'];
// SIV letters (no I, O, U): plate n is Z, 3 letters and 3 digits ("ZB-042-KT"): 12 million plates.
const LETTERS = 'ABCDEFGHJKLMNPQRSTVWXYZ';

/** The plate of seeded vehicle n (0-based), as SQL over an integer expression; plates grow with n (the unique index is appended to). */
const plateOf = (n: string) =>
  sql.raw(`'Z' || substr('${LETTERS}', 1 + (${n} / 529 / 999) % 23, 1) || '-' || lpad((1 + (${n} / 529) % 999)::text, 3, '0') || '-' || substr('${LETTERS}', 1 + (${n} / 23) % 23, 1) || substr('${LETTERS}', 1 + ${n} % 23, 1)`);
/** The département of seeded holder n: postcode (1 + n % 95) followed by 100; 20100 is in Corse-du-Sud. */
const departmentOf = (n: string) => sql.raw(`case when 1 + ${n} % 95 = 20 then '2A' else lpad((1 + ${n} % 95)::text, 2, '0') end`);

const textArray = (values: string[]) => sql.raw(`array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(',')}]::text[]`);

export interface SeedReport {
  added: ScaleTargets;
  total: ScaleTargets;
  phases: { name: string; ms: number }[];
}

export async function seedAtScale(database: Database, targets: ScaleTargets = DEFAULT_SCALE, log: (line: string) => void = () => {}): Promise<SeedReport> {
  const { db } = database;
  const phases: SeedReport['phases'] = [];
  const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    const result = await fn();
    const ms = Math.round(performance.now() - started);
    phases.push({ name, ms });
    log(`  ${name} : ${(ms / 1000).toFixed(1)} s`);
    return result;
  };
  const count = async (query: ReturnType<typeof sql<{ n: number }>>) => Number((await query.execute(db)).rows[0]?.n ?? 0);
  const have = {
    accounts: await count(sql<{ n: number }>`select count(*)::int as n from accounts where email like ${`%@${SCALE_EMAIL_DOMAIN}`}`),
    vehicles: await count(sql<{ n: number }>`select count(*)::int as n from vehicles where vin like 'ZZZ%'`),
    requests: await count(sql<{ n: number }>`select count(*)::int as n from vehicle_procedures where file_number like 'V25-000%'`),
  };
  const add = {
    accounts: Math.max(0, targets.accounts - have.accounts),
    vehicles: Math.max(0, targets.vehicles - have.vehicles),
    requests: Math.max(0, targets.requests - have.requests),
  };
  if (!add.accounts && !add.vehicles && !add.requests) return { added: add, total: have, phases };
  const password = add.accounts ? await hashPassword('demo demo demo demo') : '';

  await db.transaction().execute(async (trx) => {
    // Nothing else writes these tables meanwhile: explicit ids follow the current maximum.
    await sql`lock table accounts, vehicle_holders, vehicles, vehicle_procedures in exclusive mode`.execute(trx);
    await sql`set local synchronous_commit = off`.execute(trx);
    await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
    // Bulk loading: indexes that back no constraint and foreign keys are set aside, then rebuilt
    // once (a sort per index, one join per foreign key) — not maintained and checked row by row.
    const tables = sql.raw(`array['accounts', 'vehicle_holders', 'vehicles', 'vehicle_procedures']::regclass[]`);
    const indexes = await sql<{ name: string; def: string }>`
      select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
        from pg_index i
       where i.indrelid = any(${tables})
         and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`.execute(trx);
    const foreignKeys = await sql<{ table: string; name: string; def: string }>`
      select conrelid::regclass::text as table, conname as name, pg_get_constraintdef(oid) as def
        from pg_constraint where contype = 'f' and conrelid = any(${tables})`.execute(trx);
    await timed('index et clés étrangères mis de côté', async () => {
      for (const fk of foreignKeys.rows) await sql`alter table ${sql.raw(fk.table)} drop constraint ${sql.ref(fk.name)}`.execute(trx);
      for (const index of indexes.rows) await sql`drop index ${sql.raw(index.name)}`.execute(trx);
    });
    const maxId = async (table: string) => Number((await sql<{ n: number }>`select coalesce(max(id), 0)::bigint as n from ${sql.table(table)}`.execute(trx)).rows[0]!.n);

    if (add.accounts) {
      const base = await maxId('accounts');
      await timed(`${add.accounts} comptes`, () =>
        sql`
          insert into accounts (id, profile, email, password_hash, status, certified, given_name, family_name, terms_version, terms_sha256, terms_accepted_at, activated_at)
          overriding system value
          select ${sql.lit(base)} + i, 'individual', 'usager-' || (${sql.lit(have.accounts)} + i) || ${`@${SCALE_EMAIL_DOMAIN}`}, ${password}, 'active', i % 3 = 0,
                 (${textArray(GIVEN)})[1 + i % ${sql.lit(GIVEN.length)}],
                 case when i % 10 = 5 then (${textArray(SYLLABLES)})[1 + i / 10 % 20] || (${textArray(SYLLABLES)})[1 + i / 200 % 20] || (${textArray(SYLLABLES)})[1 + i / 4000 % 20] || (${textArray(SYLLABLES)})[1 + i / 80000 % 20]
                      else (${textArray(SURNAMES)})[1 + i % ${sql.lit(SURNAMES.length)}] end,
                 '2024-01', 'echelle', now(), now()
            from generate_series(1, ${sql.lit(add.accounts)}) as i`.execute(trx),
      );
      await sql`select setval(pg_get_serial_sequence('accounts', 'id'), (select max(id) from accounts))`.execute(trx);
    }

    if (add.vehicles) {
      const holderBase = await maxId('vehicle_holders');
      await timed(`${add.vehicles} titulaires`, () =>
        sql`
          insert into vehicle_holders (id, kind, birth_name, given_names, birth_date, birth_place, company_name, siren, address_line1, postcode, commune)
          overriding system value
          select ${sql.lit(holderBase)} + i,
                 case when n % 20 = 0 then 'legal' else 'natural' end,
                 case when n % 20 = 0 then null
                      when n % 10 = 5 then (${textArray(SYLLABLES)})[1 + n / 7 % 20] || (${textArray(SYLLABLES)})[1 + n / 140 % 20] || (${textArray(SYLLABLES)})[1 + n / 2800 % 20]
                      else (${textArray(SURNAMES)})[1 + n % ${sql.lit(SURNAMES.length)}] end,
                 case when n % 20 = 0 then null else (${textArray(GIVEN)})[1 + n / 3 % ${sql.lit(GIVEN.length)}] end,
                 case when n % 20 = 0 then null else date '1950-01-01' + (n * 37 % 20000) end,
                 case when n % 20 = 0 then null else (${textArray(COMMUNES)})[1 + n / 11 % ${sql.lit(COMMUNES.length)}] end,
                 case when n % 20 = 0 then 'TRANSPORTS ' || (${textArray(SURNAMES)})[1 + n / 20 % ${sql.lit(SURNAMES.length)}] || ' ' || (n / 20) end,
                 case when n % 20 = 0 then lpad((100000000 + n)::text, 9, '0') end,
                 (1 + n % 120) || ' rue de la République',
                 case when 1 + n % 95 = 20 then '20100' else lpad((1 + n % 95)::text, 2, '0') || '100' end,
                 (${textArray(COMMUNES)})[1 + n % ${sql.lit(COMMUNES.length)}]
            from generate_series(1, ${sql.lit(add.vehicles)}) as i, lateral (select ${sql.lit(have.vehicles)} + i - 1 as n) as k`.execute(trx),
      );
      await sql`select setval(pg_get_serial_sequence('vehicle_holders', 'id'), (select max(id) from vehicle_holders))`.execute(trx);
      const vehicleBase = await maxId('vehicles');
      await timed(`${add.vehicles} véhicules`, () =>
        sql`
          insert into vehicles (id, plate, plate_kind, vin, certificate_number, certificate_date, first_registration_date, category, fiscal_power, energy, holder_id)
          overriding system value
          select ${sql.lit(vehicleBase)} + i,
                 ${plateOf('n')}, 'siv',
                 'ZZZ' || lpad(n::text, 14, '0'),
                 '20' || lpad((10 + n % 15)::text, 2, '0') || 'AB' || lpad((n % 100000)::text, 5, '0'),
                 date '2010-01-01' + (n % 5000), date '2005-01-01' + (n % 5000),
                 'M1', 4 + n % 8, (array['ES','GO','EL','EH'])[1 + n % 4],
                 ${sql.lit(holderBase)} + i
            from generate_series(1, ${sql.lit(add.vehicles)}) as i, lateral (select ${sql.lit(have.vehicles)} + i - 1 as n) as k
          on conflict (plate) do nothing`.execute(trx), // a plate the registry already has: that holder stays without a vehicle
      );
      await sql`select setval(pg_get_serial_sequence('vehicles', 'id'), (select max(id) from vehicles))`.execute(trx);
    }

    if (add.requests) {
      // Waiting duplicates on one seeded vehicle in five (one in ten is a complementary request
      // naming its holder in part 2), spread over the last 60 days, from the seeded accounts.
      const accounts = await sql<{ first: number; n: number }>`
        select min(id)::bigint as first, count(*)::int as n from accounts where email like ${`%@${SCALE_EMAIL_DOMAIN}`}`.execute(trx);
      const { first, n: accountCount } = accounts.rows[0]!;
      if (!accountCount) throw new Error('Aucun compte généré : les demandes ont besoin de comptes (accounts > 0).');
      const seededVehicles = Number((await sql<{ n: number }>`select count(*)::int as n from vehicles where vin like 'ZZZ%'`.execute(trx)).rows[0]!.n);
      if (!seededVehicles) throw new Error('Aucun véhicule généré : les demandes ont besoin de véhicules (vehicles > 0).');
      const base = await maxId('vehicle_procedures');
      // The search columns (migrations 0029, 0033) are computed here by the trigger's own SQL functions,
      // one join for all rows, rather than by the row trigger's lookups per request.
      await sql`alter table vehicle_procedures disable trigger vehicle_procedures_search`.execute(trx);
      await timed(`${add.requests} demandes en attente`, () =>
        // seeded vehicle m is the m-th seeded plate by id (plates and ids both grow with n)
        sql`
          insert into vehicle_procedures (id, file_number, account_id, kind, initiator, vehicle_id, status, code_verified, claimed, data, created_at, updated_at, submitted_at, department, search_names, search_plate)
          overriding system value
          select r.id, r.file_number, r.account_id, r.kind, r.initiator, r.vehicle_id, r.status, r.code_verified, r.claimed, r.data, r.created_at, r.updated_at, r.submitted_at, r.department,
                 request_search_names(r.holder_key, r.kind, r.data), r.plate_key
            from (
          select ${sql.lit(base)} + i as id, 'V25-' || lpad(upper(to_hex(n)), 8, '0') as file_number, ${sql.lit(first)} + n % ${sql.lit(accountCount)} as account_id,
                 case when tpc then 'complementary' else 'duplicate' end as kind, 'self' as initiator,
                 case when tpc then null else v.id end as vehicle_id,
                 'awaiting_review' as status, true as code_verified, not tpc and n * 5 < ${sql.lit(seededVehicles)} as claimed,
                 case when tpc then jsonb_build_object('tpc', jsonb_build_object('step', 'done', 'holder',
                        jsonb_build_object('birth_name', (${textArray(SYLLABLES)})[1 + n / 3 % 20] || (${textArray(SURNAMES)})[1 + n % ${sql.lit(SURNAMES.length)}], 'given_names', 'Anne')))
                      else '{}'::jsonb end as data,
                 now() - make_interval(secs => 60 * 86400 - n * 25 % (60 * 86400)) as created_at, now() - make_interval(secs => 60 * 86400 - n * 25 % (60 * 86400)) as updated_at,
                 now() - make_interval(secs => 60 * 86400 - n * 25 % (60 * 86400) - 600) as submitted_at,
                 case when h.postcode = '20100' then '2A' when h.postcode is not null then left(h.postcode, 2) else ${departmentOf('m')} end as department,
                 case when not tpc then holder_search_key(h.birth_name, h.usage_name, h.company_name, h.given_names) end as holder_key,
                 case when not tpc then plate_key(v.plate) end as plate_key
            from generate_series(1, ${sql.lit(add.requests)}) as i,
                 lateral (select ${sql.lit(have.requests)} + i - 1 as n, (${sql.lit(have.requests)} + i - 1) * 5 % ${sql.lit(seededVehicles)} as m, (${sql.lit(have.requests)} + i - 1) % 10 = 7 as tpc) as k
                 left join (select id, holder_id, plate, (row_number() over (order by id) - 1)::int as rank from vehicles where vin like 'ZZZ%') as v on v.rank = k.m
                 left join vehicle_holders h on h.id = v.holder_id
            ) as r`.execute(trx),
      );
      await sql`alter table vehicle_procedures enable trigger vehicle_procedures_search`.execute(trx);
      await sql`select setval(pg_get_serial_sequence('vehicle_procedures', 'id'), (select max(id) from vehicle_procedures))`.execute(trx);
    }
    await timed(`${indexes.rows.length} index reconstruits`, async () => {
      for (const index of indexes.rows) await sql.raw(index.def).execute(trx);
    });
    await timed(`${foreignKeys.rows.length} clés étrangères vérifiées`, async () => {
      for (const fk of foreignKeys.rows) await sql`alter table ${sql.raw(fk.table)} add constraint ${sql.ref(fk.name)} ${sql.raw(fk.def)}`.execute(trx);
    });
  });
  await timed('statistiques (analyze)', () => sql`analyze accounts, vehicle_holders, vehicles, vehicle_procedures`.execute(db));
  return {
    added: add,
    total: {
      accounts: await count(sql<{ n: number }>`select count(*)::int as n from accounts where email like ${`%@${SCALE_EMAIL_DOMAIN}`}`),
      vehicles: await count(sql<{ n: number }>`select count(*)::int as n from vehicles where vin like 'ZZZ%'`),
      requests: await count(sql<{ n: number }>`select count(*)::int as n from vehicle_procedures where file_number like 'V25-000%'`),
    },
    phases,
  };
}
