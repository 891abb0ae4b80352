import { sql } from 'kysely';
import { z } from 'zod';
import type { Database, Db } from '../../../platform/db/database.ts';
import { copyField, type BulkTransaction } from '../../../platform/db/bulk.ts';
import { CsvRecordTooLong, CsvSplitter, type CsvRecord } from '../../../platform/csv.ts';
import { audit, SYSTEM, type Actor } from '../../../platform/audit.ts';
import { checkPlate, isValidCertificateNumber, isValidVin } from './identifiers.ts';
import { hashConfidentialCode, newConfidentialCode } from '../confidential-code/code.ts';
import { vehicleRow, type RegistryEntry } from './registry.ts';

/**
 * The CSV of vehicles an operator imports (`npm run vehicles:import -- file.csv`): one vehicle a
 * line, comma- or semicolon-separated, with a header naming these columns (order free).
 */
export const CSV_COLUMNS = [
  'plate', 'vin', 'certificate_number', 'certificate_date', 'first_registration_date', 'category', 'fiscal_power', 'energy',
  'holder_kind', 'birth_name', 'given_names', 'birth_date', 'birth_place', 'company_name', 'siren',
  'address_line1', 'address_line2', 'postcode', 'commune', 'long_term_lease', 'previous_title_address', 'gage', 'opposition',
  // optional: the date (AAAA-MM-JJ) the theft of the certificate was recorded, empty when it was not stolen
  'certificate_theft',
  // optional: what the certificate prints (D.1, D.2, D.3, J.1, J.3, F.2 kg, P.1 cm³, S.1, V.7 g/km)
  'brand', 'type_variant', 'commercial_name', 'national_genre', 'body_type', 'gross_weight_kg', 'engine_cc', 'seats', 'co2_g_km',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED: Column[] = ['plate', 'vin', 'certificate_date', 'first_registration_date', 'category', 'fiscal_power', 'energy', 'holder_kind', 'address_line1', 'postcode', 'commune'];

/** Lines in error listed one by one; past them, one line counts the rest. */
export const LISTED_ERRORS = 100;

/** The date check of `z.iso.date()` (a real calendar day, AAAA-MM-JJ), without a schema parse per field. */
const isIsoDate = (v: string | undefined): v is string => v !== undefined && z.regexes.date.test(v);

/**
 * The longest value each free-text column takes (the postal norm's 38 characters a line, the
 * portal's forms' 100 for a name, 200 for a company or a whole address); past it, a line error. The
 * other columns have a format of their own (dates, plate, VIN, numbers, documented values), whose
 * check names a wrong value whatever its length.
 */
const MAX_LENGTH: Partial<Record<Column, number>> = {
  category: 10, energy: 10,
  birth_name: 100, given_names: 100, birth_place: 100, company_name: 200,
  address_line1: 38, address_line2: 38, commune: 50, previous_title_address: 200,
  brand: 50, type_variant: 50, commercial_name: 50, national_genre: 10, body_type: 10,
};
/** NUL and the other control characters; a quoted line break is allowed in the previous title's address only. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_BUT_LINE_BREAK = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
/** A cell's value quoted in a message: at most 30 characters, control characters as U+XXXX. */
const shown = (v: string) => `« ${(v.length > 30 ? `${v.slice(0, 30)}…` : v).replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`)} »`;

const YES = new Set(['oui', 'o', 'yes', 'true', '1']);
const NO = new Set(['non', 'n', 'no', 'false', '0']);
/** A yes/no column: empty is no; any value outside the two lists (« gagé », « x ») is a problem, never a silent no. */
function yesNo(value: string | undefined, column: Column, problems: string[]): boolean {
  if (!value) return false;
  const v = value.toLowerCase();
  if (YES.has(v)) return true;
  if (!NO.has(v)) problems.push(`${column} : valeur ${shown(value)} non reconnue (oui, non ou vide)`);
  return false;
}

const OPPOSITIONS = ['otci_judiciaire', 'otci_huissier', 'otci_tresor', 'otci_vei'] as const;
type Opposition = (typeof OPPOSITIONS)[number];
/** The opposition column: a documented code, whatever its case, accents, spaces or hyphens (« OTCI Trésor »); empty, none. */
function opposition(value: string | undefined, problems: string[]): Opposition | null {
  if (!value) return null;
  const code = value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s_-]+/g, '_');
  if ((OPPOSITIONS as readonly string[]).includes(code)) return code as Opposition;
  problems.push(`opposition : valeur ${shown(value)} non reconnue (${OPPOSITIONS.join(', ')} ou vide)`);
  return null;
}

/** A cell trimmed, undefined when empty or when the column is absent (-1). */
const cell = (cells: string[], i: number): string | undefined => (i < 0 ? undefined : cells[i]?.trim() || undefined);

/** An optional whole number between min and max (null when empty); out of range, a problem. */
function count(value: string | undefined, column: Column, problems: string[], max: number, min = 0): number | null {
  if (!value) return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) problems.push(`${column} : nombre entier attendu (${min} à ${max})`);
  return n;
}

/**
 * Checks a vehicles CSV record by record, as it streams: the registry entry of each good line, the
 * French problems of each bad one (« Ligne 12 : … »), a plate twice in the file named at its
 * second line. Keeps the plates seen, not the lines.
 */
export class VehiclesCsvChecker {
  /** `now`: the app clock's instant the file is checked at (a certificate's year is at most its year) */
  constructor(private readonly now = new Date()) {}

  /** the position of each column in the header (-1: absent); undefined until the header is read */
  private index: Record<Column, number> | undefined;
  private readonly listed: string[] = [];
  private errorLines = 0;
  /** the number of columns of the header */
  private columns = 0;
  /** the records read after the header (the vehicles' lines, good or bad) */
  lines = 0;
  /** the header or the file itself is unusable: nothing more to read */
  fatal = false;
  /** the plates of the good lines, in file order */
  readonly plates = new Set<string>();

  get refused(): boolean {
    return this.errorLines > 0;
  }

  /** The lines in error (1 for an unusable header or file, 0 when only plates already registered refuse it). */
  get refusedLines(): number {
    return this.errorLines;
  }

  /** The problems to show: the first lines in error, then how many more. */
  get errors(): string[] {
    const more = this.errorLines - this.listed.length;
    return more > 0 ? [...this.listed, `… et ${more} autres lignes en erreur`] : [...this.listed];
  }

  /** Reads a record: the header first, then one vehicle a record (undefined for the header or a bad line). */
  read(record: CsvRecord): RegistryEntry | undefined {
    if (this.index) return this.check(record);
    const names = record.cells.map((h) => h.trim().toLowerCase());
    const missing = REQUIRED.filter((c) => !names.includes(c));
    const unknown = names.flatMap((n, i) => ((CSV_COLUMNS as readonly string[]).includes(n) ? [] : [n ? shown(n) : `colonne ${i + 1} sans nom`]));
    const twice = [...new Set(names.filter((n, i) => n && names.indexOf(n) !== i))];
    if (missing.length) this.fail(`Colonnes manquantes : ${missing.join(', ')}`);
    else if (unknown.length) this.fail(`Ligne ${record.line} : colonnes inconnues : ${unknown.slice(0, 10).join(', ')}${unknown.length > 10 ? ` … et ${unknown.length - 10} autres` : ''}`);
    else if (twice.length) this.fail(`Ligne ${record.line} : colonnes en double : ${twice.join(', ')}`);
    else (this.columns = names.length), (this.index = Object.fromEntries(CSV_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<Column, number>);
    return undefined;
  }

  /** After the last record: a file without a header is refused, and one without a vehicle when `vehicleRequired`. */
  finish(vehicleRequired = true): void {
    if (!this.index && !this.fatal) this.fail('Le fichier est vide.');
    else if (vehicleRequired && this.index && !this.refused && !this.plates.size) this.fail('Aucun véhicule dans le fichier.');
  }

  /** More cells than columns, a value too long, a control character: the cells' own problems, before their meaning. */
  private cellProblems(cells: string[]): string[] {
    const problems: string[] = [];
    if (cells.length > this.columns) problems.push(`${cells.length} valeurs pour ${this.columns} colonnes`);
    // one scan of the whole record for a control character; the columns one by one only then
    const control = CONTROL.test(cells.join(''));
    for (const column of CSV_COLUMNS) {
      const i = this.index![column];
      const value = i < 0 ? undefined : cells[i];
      if (!value) continue;
      const max = MAX_LENGTH[column];
      if (max !== undefined && value.trim().length > max) problems.push(`${column} : ${max} caractères au plus (${value.trim().length.toLocaleString('fr-FR')} reçus)`);
      else if (control && (column === 'previous_title_address' ? CONTROL_BUT_LINE_BREAK : CONTROL).test(value.trim()))
        problems.push(`${column} : caractère de contrôle interdit dans ${shown(value.trim())}`);
    }
    return problems;
  }

  /** The file cannot be read further (a record too long): one problem, and nothing more is read. */
  fail(message: string): void {
    this.fatal = true;
    this.problem(message);
  }

  private problem(message: string): void {
    if (this.listed.length < LISTED_ERRORS) this.listed.push(message);
    this.errorLines++;
  }

  private check({ line, cells }: CsvRecord): RegistryEntry | undefined {
    const at = this.index!;
    this.lines++;
    const problems = this.cellProblems(cells);
    if (problems.length) {
      this.problem(`Ligne ${line} : ${problems.join(' ; ')}`);
      return undefined;
    }
    for (const column of ['category', 'energy', 'address_line1', 'commune'] as const) if (!cell(cells, at[column])) problems.push(`${column} : valeur obligatoire`);
    const plate = checkPlate(cell(cells, at.plate) ?? '');
    if (!plate.ok) problems.push(plate.message);
    else if (this.plates.has(plate.plate)) problems.push(`immatriculation ${plate.plate} en double dans le fichier`);
    const vin = (cell(cells, at.vin) ?? '').toUpperCase();
    if (!isValidVin(vin)) problems.push('VIN invalide (17 caractères, sans I, O ni Q)');
    const certificate = cell(cells, at.certificate_number)?.toUpperCase().replace(/\s/g, '') ?? null;
    if (certificate && !isValidCertificateNumber(certificate, this.now)) problems.push('numéro de formule invalide (ex. 2017RV48832)');
    const certificateDate = cell(cells, at.certificate_date);
    const firstRegistrationDate = cell(cells, at.first_registration_date);
    if (!isIsoDate(certificateDate)) problems.push('certificate_date : date attendue au format AAAA-MM-JJ');
    if (!isIsoDate(firstRegistrationDate)) problems.push('first_registration_date : date attendue au format AAAA-MM-JJ');
    const theft = cell(cells, at.certificate_theft);
    if (theft && !isIsoDate(theft)) problems.push('certificate_theft : date d’enregistrement du vol attendue au format AAAA-MM-JJ, ou vide');
    const power = Number(cell(cells, at.fiscal_power));
    if (!Number.isInteger(power) || power < 1 || power > 200) problems.push('puissance fiscale invalide');
    const kind = cell(cells, at.holder_kind);
    if (kind !== 'natural' && kind !== 'legal') problems.push('holder_kind doit valoir natural ou legal');
    const birthName = cell(cells, at.birth_name);
    const givenNames = cell(cells, at.given_names);
    const birthDate = cell(cells, at.birth_date);
    const birthPlace = cell(cells, at.birth_place);
    const companyName = cell(cells, at.company_name);
    const siren = cell(cells, at.siren);
    if (kind === 'natural' && (!birthName || !givenNames || !isIsoDate(birthDate) || !birthPlace))
      problems.push('titulaire personne physique : nom, prénoms, date (AAAA-MM-JJ) et lieu de naissance obligatoires');
    if (kind === 'legal' && (!companyName || !/^\d{9}$/.test(siren ?? ''))) problems.push('titulaire personne morale : raison sociale et SIREN (9 chiffres) obligatoires');
    const postcode = cell(cells, at.postcode);
    if (!/^\d{5}$/.test(postcode ?? '')) problems.push('code postal invalide');
    const characteristics = {
      brand: cell(cells, at.brand)?.toUpperCase() ?? null,
      typeVariant: cell(cells, at.type_variant)?.toUpperCase() ?? null,
      commercialName: cell(cells, at.commercial_name)?.toUpperCase() ?? null,
      nationalGenre: cell(cells, at.national_genre)?.toUpperCase() ?? null,
      bodyType: cell(cells, at.body_type)?.toUpperCase() ?? null,
      grossWeightKg: count(cell(cells, at.gross_weight_kg), 'gross_weight_kg', problems, 60_000, 1),
      engineCc: count(cell(cells, at.engine_cc), 'engine_cc', problems, 20_000),
      seats: count(cell(cells, at.seats), 'seats', problems, 200, 1),
      co2: count(cell(cells, at.co2_g_km), 'co2_g_km', problems, 2_000),
    };
    const lease = yesNo(cell(cells, at.long_term_lease), 'long_term_lease', problems);
    const gage = yesNo(cell(cells, at.gage), 'gage', problems);
    const otci = opposition(cell(cells, at.opposition), problems);
    if (problems.length || !plate.ok) {
      this.problem(`Ligne ${line} : ${problems.join(' ; ')}`);
      return undefined;
    }
    this.plates.add(plate.plate);
    return {
      plate: plate.plate,
      plateKind: plate.kind,
      vin,
      certificateNumber: certificate,
      certificateDate: certificateDate!,
      firstRegistrationDate: firstRegistrationDate!,
      category: cell(cells, at.category)!,
      fiscalPower: power,
      energy: cell(cells, at.energy)!,
      holder:
        kind === 'natural'
          ? { kind: 'natural', birthName: birthName!.toUpperCase(), givenNames: givenNames!, birthDate: birthDate!, birthPlace: birthPlace!.toUpperCase() }
          : { kind: 'legal', companyName: companyName!.toUpperCase(), siren: siren! },
      address: { line1: cell(cells, at.address_line1)!, line2: cell(cells, at.address_line2), postcode: postcode!, commune: cell(cells, at.commune)!.toUpperCase() },
      longTermLease: lease,
      previousTitleAddress: cell(cells, at.previous_title_address),
      certificateTheftRecordedOn: theft,
      encumbrances: [
        ...(gage ? [{ kind: 'gage' as const, registeredAt: certificateDate! }] : []),
        ...(otci ? [{ kind: otci, registeredAt: certificateDate! }] : []),
      ],
      confidentialCode: newConfidentialCode(),
      characteristics,
    };
  }
}

/** Reads a whole CSV text (small files, tests): the entries of the good lines, or the problems. */
export function readVehiclesCsv(text: string): { entries: RegistryEntry[]; errors: string[] } {
  const checker = new VehiclesCsvChecker();
  const splitter = new CsvSplitter();
  const entries: RegistryEntry[] = [];
  try {
    for (const record of [...splitter.push(text.replace(/^\uFEFF/, '')), ...splitter.end()]) {
      if (checker.fatal) break;
      const entry = checker.read(record);
      if (entry) entries.push(entry);
    }
  } catch (error) {
    if (!(error instanceof CsvRecordTooLong)) throw error;
    checker.fail(error.message);
  }
  checker.finish(false);
  return checker.refused ? { entries: [], errors: checker.errors } : { entries, errors: [] };
}

/**
 * Lines per batch: each batch draws its ids in one query and goes into the four tables by four
 * COPYs (the former multi-row INSERTs also had to stay under the 65,535 bind parameters).
 */
export const IMPORT_BATCH = 20_000;

/** The text, or the file streamed (`createReadStream(file, 'utf8')`), cut into pieces of about a megabyte. */
async function* pieces(source: string | AsyncIterable<string>): AsyncIterable<string> {
  if (typeof source !== 'string') return yield* source;
  for (let i = 0; i < source.length; i += 1 << 20) yield source.slice(i, i + (1 << 20));
}

class ImportRefused extends Error {
  constructor(readonly errors: string[]) {
    super(errors[0]);
  }
}

const isPlateTaken = (error: unknown) => (error as { code?: string; constraint?: string }).code === '23505' && (error as { constraint?: string }).constraint === 'vehicles_plate_key';

/**
 * Imports a vehicles CSV all or nothing, in one transaction: the file is read and checked as it
 * streams, the good lines loaded batch by batch with COPY while the next batch is checked; any bad
 * line (all of them are named, the first 100 in full), a plate already registered, or a file
 * without a vehicle, and the transaction is rolled back: not one vehicle added.
 */
export async function importVehiclesCsv(
  database: Database,
  secret: string,
  source: string | AsyncIterable<string>,
  batch = IMPORT_BATCH,
  { file = null, actor = SYSTEM }: ImportAuthor = {},
): Promise<{ imported: number; errors: string[] }> {
  const checker = new VehiclesCsvChecker();
  let plateTaken = false;
  try {
    const imported = await database.bulkTransaction(async (tx) => {
      let imported = 0;
      let failure: unknown;
      let loading: Promise<void> = Promise.resolve();
      let pending: RegistryEntry[] = [];
      let sequences: Sequences | undefined;
      // one batch at a time on the connection; the next one is read and checked meanwhile
      const load = async () => {
        const entries = pending;
        pending = [];
        await loading;
        if (!entries.length || checker.refused || plateTaken || failure) return;
        sequences ??= await sequencesOf(tx.db);
        loading = copyEntries(tx, sequences, secret, entries).then(
          () => void (imported += entries.length),
          (error: unknown) => void (isPlateTaken(error) ? (plateTaken = true) : (failure = error)),
        );
      };
      const take = async (records: CsvRecord[]) => {
        for (const record of records) {
          const entry = checker.read(record);
          // once the file is refused the lines are still checked (each one named) but no longer kept
          if (entry && !checker.refused && !plateTaken) pending.push(entry);
          if (pending.length >= batch) await load();
        }
      };
      const splitter = new CsvSplitter();
      let first = true;
      try {
        for await (const piece of pieces(source)) {
          await take(splitter.push(first ? piece.replace(/^\uFEFF/, '') : piece));
          first = false;
          if (checker.fatal) break;
        }
        if (!checker.fatal) await take(splitter.end());
      } catch (error) {
        if (!(error instanceof CsvRecordTooLong)) throw error;
        checker.fail(error.message);
      }
      await load();
      await loading;
      if (failure) throw failure;
      checker.finish();
      if (checker.refused) throw new ImportRefused(checker.errors);
      if (plateTaken) throw new ImportRefused([]);
      await audit(tx.db, actor, 'registry.imported', null, { file, lines: checker.lines, imported });
      return imported;
    });
    return { imported, errors: [] };
  } catch (error) {
    if (!(error instanceof ImportRefused)) throw error;
    const errors = error.errors.length ? error.errors : await registeredAlready(database, checker.plates);
    // the transaction rolled back: the refusal is recorded on its own
    await audit(database.db, actor, 'registry.import_refused', null, { file, lines: checker.lines, imported: 0, linesInError: checker.refusedLines, firstError: errors[0] });
    return { imported: 0, errors };
  }
}

export interface ImportAuthor {
  /** the file's name, for the audit trail */
  file?: string | null;
  /** who imports: the CLI's operator is the system */
  actor?: Actor;
}

/** The plates of the file already in the registry, in file order (the transaction rolled back: read afresh). */
async function registeredAlready(database: Database, plates: Set<string>): Promise<string[]> {
  const all = [...plates];
  const found = new Set<string>();
  for (let i = 0; i < all.length; i += 10_000) {
    const rows = await database.db.selectFrom('vehicles').select('plate').where('plate', 'in', all.slice(i, i + 10_000)).execute();
    for (const r of rows) found.add(r.plate);
  }
  const existing = all.filter((p) => found.has(p));
  // a plate registered by someone else during the import, and rolled back since: nothing to name
  if (!existing.length) return ['Une immatriculation du fichier a été enregistrée pendant l’import : relancez l’import.'];
  const more = existing.length - LISTED_ERRORS;
  return [`Ces immatriculations existent déjà : ${existing.slice(0, LISTED_ERRORS).join(', ')}${more > 0 ? ` … et ${more} autres` : ''}`];
}

const HOLDER_COLUMNS = ['id', 'kind', 'birth_name', 'given_names', 'birth_date', 'birth_place', 'company_name', 'siren', 'address_line1', 'address_line2', 'postcode', 'commune'] as const;
const rowText = (fields: (string | number | boolean | null | undefined)[]) => fields.map(copyField).join('\t');

interface Sequences {
  holders: string;
  vehicles: string;
}

async function sequencesOf(db: Db): Promise<Sequences> {
  const { rows } = await sql<Sequences>`select pg_get_serial_sequence('vehicle_holders', 'id') as holders, pg_get_serial_sequence('vehicles', 'id') as vehicles`.execute(db);
  return rows[0]!;
}

/**
 * `count` values of a sequence, drawn in one statement and sent back as runs of consecutive
 * values (one run unless another session drew from it meanwhile), not as a million rows.
 */
async function drawIds(db: Db, sequence: string, count: number): Promise<number[]> {
  const { rows } = await sql<{ first: number; n: number }>`
    select min(id)::bigint as first, count(*)::int as n
      from (select id, id - row_number() over (order by id) as run
              from (select nextval(${sql.lit(sequence)}::regclass) as id from generate_series(1, ${sql.lit(count)})) drawn) numbered
     group by run order by first`.execute(db);
  const ids: number[] = [];
  for (const { first, n } of rows) for (let k = 0; k < n; k++) ids.push(first + k);
  return ids;
}

/** One batch into the registry: holder and vehicle ids drawn first (each code's hash names its vehicle), then four COPYs. */
async function copyEntries({ db, copy }: BulkTransaction, sequences: Sequences, secret: string, entries: RegistryEntry[]): Promise<void> {
  const holderIds = await drawIds(db, sequences.holders, entries.length);
  const vehicleIds = await drawIds(db, sequences.vehicles, entries.length);
  const holders: string[] = [];
  const vehicles: string[] = [];
  const codes: string[] = [];
  const encumbrances: string[] = [];
  let vehicleColumns: string[] = [];
  entries.forEach((e, i) => {
    const holderId = holderIds[i]!;
    const vehicleId = vehicleIds[i]!;
    const h = e.holder;
    holders.push(
      rowText(
        h.kind === 'natural'
          ? [holderId, 'natural', h.birthName, h.givenNames, h.birthDate, h.birthPlace, null, null, e.address.line1, e.address.line2, e.address.postcode, e.address.commune]
          : [holderId, 'legal', null, null, null, null, h.companyName, h.siren, e.address.line1, e.address.line2, e.address.postcode, e.address.commune],
      ),
    );
    const vehicle = { id: vehicleId, ...vehicleRow(e, holderId) };
    if (!i) vehicleColumns = Object.keys(vehicle);
    vehicles.push(rowText(Object.values(vehicle)));
    codes.push(rowText([vehicleId, e.certificateNumber, hashConfidentialCode(secret, vehicleId, e.certificateNumber, e.confidentialCode)]));
    for (const enc of e.encumbrances ?? []) encumbrances.push(rowText([vehicleId, enc.kind, enc.registeredAt]));
  });
  const text = (rows: string[]) => `${rows.join('\n')}\n`;
  await copy('vehicle_holders', HOLDER_COLUMNS, text(holders));
  await copy('vehicles', vehicleColumns, text(vehicles));
  await copy('confidential_codes', ['vehicle_id', 'certificate_number', 'code_hash'], text(codes));
  if (encumbrances.length) await copy('vehicle_encumbrances', ['vehicle_id', 'kind', 'registered_at'], text(encumbrances));
}
