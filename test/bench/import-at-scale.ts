/**
 * The registry import at a million lines (issue 20). Usage, against a PostgreSQL server:
 *
 *   DATABASE_URL=postgres://…/postgres npx tsx test/bench/import-at-scale.ts [--lines 1000000]
 *
 * Creates a fresh database (dropped at the end), writes a CSV of N valid lines, and times
 * `importVehiclesCsv` (the code of `npm run vehicles:import`: reading, the check of existing plates
 * and the batched inserts in one transaction), then checks all or nothing on the same file with one
 * bad line appended: refused with the French message of that line, not one vehicle added. Prints
 * the phases and the rows per second. Not part of `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import { importVehiclesCsv, readVehiclesCsv } from '../../src/domains/vehicles/registry/csv-import.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';

const HEADER = 'plate,vin,certificate_number,certificate_date,first_registration_date,category,fiscal_power,energy,holder_kind,birth_name,given_names,birth_date,birth_place,company_name,siren,address_line1,postcode,commune,gage';
/** The letters of SIV plates (no I, O, U). */
const LETTERS = 'ABCDEFGHJKLMNPQRSTVWXYZ';
const pair = (k: number) => LETTERS[Math.floor(k / LETTERS.length) % LETTERS.length]! + LETTERS[k % LETTERS.length]!;

/** A distinct valid SIV plate per i: number 001–999, right pair BA…QA (before SS and WW, never issued), left pair BA, BB… */
export function benchPlate(i: number): string {
  const number = (i % 999) + 1;
  const rest = Math.floor(i / 999);
  return `${pair(LETTERS.length + Math.floor(rest / 300))}-${String(number).padStart(3, '0')}-${pair(LETTERS.length + (rest % 300))}`;
}

function csvLine(i: number): string {
  const vin = `VF1RFB00X${String(i).padStart(8, '0')}`;
  return i % 10 === 3
    ? `${benchPlate(i)},${vin},,2020-05-01,2020-05-01,M1,5,ES,legal,,,,,Transports ${i},${String(100_000_000 + (i % 900_000_000))},${i % 200} rue des Lilas,44000,Nantes,non`
    : `${benchPlate(i)},${vin},,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,1975-03-09,Nantes,,,${i % 200} rue des Lilas,44000,Nantes,${i % 50 === 0 ? 'oui' : 'non'}`;
}

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl?.startsWith('postgres')) throw new Error('DATABASE_URL=postgres://… attendu');
  const at = process.argv.indexOf('--lines');
  const lines = at > 0 ? Number(process.argv[at + 1]) : 1_000_000;
  const name = `bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  const secret = 'x'.repeat(40);
  const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
  try {
    await migrate(database);
    let t = performance.now();
    const body: string[] = [HEADER];
    for (let i = 0; i < lines; i++) body.push(csvLine(i));
    const text = body.join('\n');
    console.log(`Import de ${lines} lignes (PostgreSQL) — fichier de ${(text.length / 1e6).toFixed(0)} Mo écrit en ${seconds(t)} s`);

    t = performance.now();
    const parsed = readVehiclesCsv(text);
    console.log(`  lecture et contrôle des lignes seuls : ${seconds(t)} s = ${Math.round(lines / ((performance.now() - t) / 1000))} lignes/s (${parsed.errors.length} erreur(s))`);
    if (parsed.errors.length) throw new Error(parsed.errors.slice(0, 5).join('\n'));

    t = performance.now();
    const done = await importVehiclesCsv(database.db, secret, text);
    const importMs = performance.now() - t;
    if (done.errors.length) throw new Error(done.errors.slice(0, 5).join('\n'));
    const count = (await sql<{ n: number }>`select count(*)::int as n from vehicles`.execute(database.db)).rows[0]!.n;
    console.log(`  import complet (lecture, plaques existantes, insertions par lots, une transaction) : ${(importMs / 1000).toFixed(1)} s = ${Math.round(lines / (importMs / 1000))} lignes/s ; ${count} véhicules en base`);

    // all or nothing: the same file (plates now all taken) would name them; a new file with one bad last line is refused whole
    const fresh = body.map((l, i) => (i === 0 ? l : l.replace(/^([A-Z]{2})-/, (_m, p: string) => `${p === 'BA' ? 'CA' : 'C' + p[1]}-`)));
    fresh.push('ZZ-000-ZZ,VF1RFB00X99999999,,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,pas une date,Nantes,,,1 rue des Lilas,44000,Nantes,non');
    t = performance.now();
    const refused = await importVehiclesCsv(database.db, secret, fresh.join('\n'));
    const after = (await sql<{ n: number }>`select count(*)::int as n from vehicles`.execute(database.db)).rows[0]!.n;
    console.log(`  même volume avec une ligne fausse à la fin : refusé en ${seconds(t)} s, ${after - count} véhicule ajouté ; message : ${refused.errors.join(' | ')}`);
    if (!refused.errors.length || after !== count) throw new Error('le refus « tout ou rien » n’a pas tenu');
  } finally {
    await database.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
