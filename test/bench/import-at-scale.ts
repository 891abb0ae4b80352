/**
 * The registry import at a million lines (issue 20). Usage:
 *
 *   DATABASE_URL=postgres://…/postgres npx tsx test/bench/import-at-scale.ts [--lines 1000000]
 *   npx tsx test/bench/import-at-scale.ts --pglite [--lines 100000]
 *
 * On a fresh database (a new PostgreSQL database dropped at the end, or a PGlite in memory), writes
 * a CSV of N valid lines to a temporary file and times, as `npm run vehicles:import` runs them: the
 * streamed reading and checking alone, then the whole import (the file streamed, checked and loaded
 * by COPY in one transaction); then all or nothing on a new file of the same volume with one bad
 * last line: refused with the French message of that line, not one vehicle added. Prints the
 * phases, the lines per second and the load average. Not part of `npm test`.
 */
import { randomBytes } from 'node:crypto';
import { appendFileSync, createReadStream, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { importVehiclesCsv, VehiclesCsvChecker } from '../../src/domains/vehicles/registry/csv-import.ts';
import { CsvSplitter } from '../../src/platform/csv.ts';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';

const HEADER = 'plate,vin,certificate_number,certificate_date,first_registration_date,category,fiscal_power,energy,holder_kind,birth_name,given_names,birth_date,birth_place,company_name,siren,address_line1,postcode,commune,gage';
/** The letters of SIV plates (no I, O, U). */
const LETTERS = 'ABCDEFGHJKLMNPQRSTVWXYZ';
const pair = (k: number) => LETTERS[Math.floor(k / LETTERS.length) % LETTERS.length]! + LETTERS[k % LETTERS.length]!;

/** A distinct valid SIV plate per i (and per series 0, 1: two disjoint files): number 001–999, right pair BA…QA (before SS and WW, never issued), left pair BA, BB… (series 1: CA, CB…) */
export function benchPlate(i: number, series = 0): string {
  const number = (i % 999) + 1;
  const rest = Math.floor(i / 999);
  return `${pair((1 + series) * LETTERS.length + Math.floor(rest / 300))}-${String(number).padStart(3, '0')}-${pair(LETTERS.length + (rest % 300))}`;
}

function csvLine(i: number, series: number): string {
  const vin = `VF1RFB00X${String(i).padStart(8, '0')}`;
  return i % 10 === 3
    ? `${benchPlate(i, series)},${vin},,2020-05-01,2020-05-01,M1,5,ES,legal,,,,,Transports ${i},${String(100_000_000 + (i % 900_000_000))},${i % 200} rue des Lilas,44000,Nantes,non`
    : `${benchPlate(i, series)},${vin},,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,1975-03-09,Nantes,,,${i % 200} rue des Lilas,44000,Nantes,${i % 50 === 0 ? 'oui' : 'non'}`;
}

/** Writes the CSV in pieces (never the whole file in memory). */
function writeCsv(file: string, lines: number, series: number, lastLine?: string): void {
  writeFileSync(file, `${HEADER}\n`);
  for (let from = 0; from < lines; from += 50_000) {
    const piece: string[] = [];
    for (let i = from; i < Math.min(lines, from + 50_000); i++) piece.push(csvLine(i, series));
    appendFileSync(file, `${piece.join('\n')}\n`);
  }
  if (lastLine) appendFileSync(file, `${lastLine}\n`);
}

/**
 * CPU seconds (per process id) of the PostgreSQL server processes working for `database`, read from
 * /proc (the server on this machine: their titles name the database); empty for PGlite or a remote server.
 */
function serverCpu(database: string): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(` ${database} `)) continue;
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime (fields 14 and 15 of stat), in ticks of 1/100 s
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks;
}

/** The server's CPU since `from` (a process new since then counts whole). */
const serverCpuSince = (database: string, from: Map<string, number>) => [...serverCpu(database)].reduce((sum, [pid, s]) => sum + s - (from.get(pid) ?? 0), 0);

const stream = (file: string) => createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 });
const load = () => loadavg().map((l) => l.toFixed(1)).join(' / ');

async function main(): Promise<void> {
  const onPglite = process.argv.includes('--pglite');
  const adminUrl = process.env.DATABASE_URL;
  if (!onPglite && !adminUrl?.startsWith('postgres')) throw new Error('DATABASE_URL=postgres://… attendu (ou --pglite)');
  const at = process.argv.indexOf('--lines');
  const lines = at > 0 ? Number(process.argv[at + 1]) : 1_000_000;
  const name = `bench_import_${randomBytes(4).toString('hex')}`;
  const admin = onPglite ? undefined : new pg.Client({ connectionString: adminUrl });
  let database: Database;
  if (admin) {
    await admin.connect();
    await admin.query(`create database ${name}`);
    const url = new URL(adminUrl!);
    url.pathname = `/${name}`;
    database = await openDatabase({ kind: 'postgres', url: url.toString(), poolSize: 2 });
  } else database = await openDatabase({ kind: 'pglite', dataDir: null });
  const folder = mkdtempSync(path.join(tmpdir(), 'import-bench-'));
  const secret = 'x'.repeat(40);
  const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);
  const perSecond = (from: number) => Math.round(lines / ((performance.now() - from) / 1000));
  // this process's own CPU (reading, checking, hashing, building the COPY text), apart from the wait for a shared CPU
  let cpuFrom = process.cpuUsage();
  const cpu = () => {
    const used = process.cpuUsage(cpuFrom);
    cpuFrom = process.cpuUsage();
    return `CPU du processus ${((used.user + used.system) / 1e6).toFixed(1)} s`;
  };
  const count = async () => (await sql<{ n: number }>`select count(*)::int as n from vehicles`.execute(database.db)).rows[0]!.n;
  try {
    await migrate(database);
    const good = path.join(folder, 'good.csv');
    let t = performance.now();
    writeCsv(good, lines, 0);
    console.log(`Import de ${lines} lignes (${onPglite ? 'PGlite' : 'PostgreSQL'}) — fichier écrit en ${seconds(t)} s ; charge moyenne (1 / 5 / 15 min) ${load()}`);

    t = performance.now();
    cpu();
    const checker = new VehiclesCsvChecker();
    const splitter = new CsvSplitter();
    for await (const piece of stream(good)) for (const record of splitter.push(piece as string)) checker.read(record);
    for (const record of splitter.end()) checker.read(record);
    console.log(`  lecture et contrôle des lignes seuls : ${seconds(t)} s = ${perSecond(t)} lignes/s (${checker.errors.length} erreur(s)) ; ${cpu()} ; mémoire ${Math.round(process.memoryUsage().rss / 1e6)} Mo`);
    if (checker.refused) throw new Error(checker.errors.slice(0, 5).join('\n'));

    t = performance.now();
    cpu();
    const serverFrom = serverCpu(name);
    const done = await importVehiclesCsv(database, secret, stream(good));
    const server = serverCpuSince(name, serverFrom);
    const importCpu = `${cpu()}${onPglite ? '' : `, CPU du serveur PostgreSQL pour cette base ${server.toFixed(1)} s (0 : serveur distant)`}`;
    const importSeconds = seconds(t);
    const rate = perSecond(t);
    if (done.errors.length) throw new Error(done.errors.slice(0, 5).join('\n'));
    const before = await count();
    console.log(`  import complet (fichier lu en flux, contrôlé, COPY par lots, une transaction) : ${importSeconds} s = ${rate} lignes/s (${importCpu}) ; ${before} véhicules en base ; charge ${load()}`);
    if (done.imported !== lines || before !== lines) throw new Error(`${done.imported} importés, ${before} en base, ${lines} attendus`);

    // all or nothing: a new file (plates not yet registered) with one bad last line is refused whole
    const bad = path.join(folder, 'bad.csv');
    writeCsv(bad, lines, 1, 'ZZ-000-ZZ,VF1RFB00X99999999,,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,pas une date,Nantes,,,1 rue des Lilas,44000,Nantes,non');
    t = performance.now();
    const refused = await importVehiclesCsv(database, secret, stream(bad));
    const after = await count();
    console.log(`  même volume avec une ligne fausse à la fin : refusé en ${seconds(t)} s, ${after - before} véhicule ajouté ; message : ${refused.errors.join(' | ')}`);
    if (!refused.errors.length || after !== before) throw new Error('le refus « tout ou rien » n’a pas tenu');
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await database.close();
    if (admin) {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  }
}

await main();
