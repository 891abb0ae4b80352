import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../../platform/db/database.ts';
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

/** Splits CSV text into rows of fields; quotes ("a, b" and "" inside) are honoured. */
export function parseCsv(text: string): string[][] {
  const sep = (text.split('\n')[0] ?? '').includes(';') ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) row.push(field), (field = '');
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim())) rows.push(row);
      (row = []), (field = '');
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim())) rows.push(row);
  return rows;
}

const isoDate = z.iso.date();
const yes = (v: string | undefined) => ['oui', 'true', '1', 'o', 'yes'].includes((v ?? '').trim().toLowerCase());

export function readVehiclesCsv(text: string): { entries: RegistryEntry[]; errors: string[] } {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ''));
  const errors: string[] = [];
  if (!header) return { entries: [], errors: ['Le fichier est vide.'] };
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = ['plate', 'vin', 'certificate_date', 'first_registration_date', 'category', 'fiscal_power', 'energy', 'holder_kind', 'address_line1', 'postcode', 'commune'].filter((c) => !names.includes(c));
  if (missing.length) return { entries: [], errors: [`Colonnes manquantes : ${missing.join(', ')}`] };
  const entries: RegistryEntry[] = [];
  const seen = new Set<string>();
  rows.forEach((cells, index) => {
    const line = index + 2;
    const get = (name: string) => (cells[names.indexOf(name)] ?? '').trim() || undefined;
    const problems: string[] = [];
    const plate = checkPlate(get('plate') ?? '');
    if (!plate.ok) problems.push(plate.message);
    else if (seen.has(plate.plate)) problems.push(`immatriculation ${plate.plate} en double dans le fichier`);
    const vin = (get('vin') ?? '').toUpperCase();
    if (!isValidVin(vin)) problems.push('VIN invalide (17 caractères, sans I, O ni Q)');
    const certificate = get('certificate_number')?.toUpperCase().replace(/\s/g, '') ?? null;
    if (certificate && !isValidCertificateNumber(certificate)) problems.push('numéro de formule invalide (ex. 2017RV48832)');
    for (const d of ['certificate_date', 'first_registration_date'] as const) if (!isoDate.safeParse(get(d)).success) problems.push(`${d} : date attendue au format AAAA-MM-JJ`);
    const theft = get('certificate_theft');
    if (theft && !isoDate.safeParse(theft).success) problems.push('certificate_theft : date d’enregistrement du vol attendue au format AAAA-MM-JJ, ou vide');
    const power = Number(get('fiscal_power'));
    if (!Number.isInteger(power) || power < 1 || power > 200) problems.push('puissance fiscale invalide');
    const kind = get('holder_kind');
    if (kind !== 'natural' && kind !== 'legal') problems.push('holder_kind doit valoir natural ou legal');
    if (kind === 'natural' && (!get('birth_name') || !get('given_names') || !isoDate.safeParse(get('birth_date')).success || !get('birth_place')))
      problems.push('titulaire personne physique : nom, prénoms, date (AAAA-MM-JJ) et lieu de naissance obligatoires');
    if (kind === 'legal' && (!get('company_name') || !/^\d{9}$/.test(get('siren') ?? ''))) problems.push('titulaire personne morale : raison sociale et SIREN (9 chiffres) obligatoires');
    if (!/^\d{5}$/.test(get('postcode') ?? '')) problems.push('code postal invalide');
    const count = (column: string, max: number, min = 0): number | null => {
      const v = get(column);
      if (!v) return null;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) problems.push(`${column} : nombre entier attendu (${min} à ${max})`);
      return n;
    };
    const characteristics = {
      brand: get('brand')?.toUpperCase() ?? null,
      typeVariant: get('type_variant')?.toUpperCase() ?? null,
      commercialName: get('commercial_name')?.toUpperCase() ?? null,
      nationalGenre: get('national_genre')?.toUpperCase() ?? null,
      bodyType: get('body_type')?.toUpperCase() ?? null,
      grossWeightKg: count('gross_weight_kg', 60_000, 1),
      engineCc: count('engine_cc', 20_000),
      seats: count('seats', 200, 1),
      co2: count('co2_g_km', 2_000),
    };
    if (problems.length || !plate.ok) {
      errors.push(`Ligne ${line} : ${problems.join(' ; ')}`);
      return;
    }
    seen.add(plate.plate);
    const opposition = get('opposition');
    entries.push({
      plate: plate.plate,
      plateKind: plate.kind,
      vin,
      certificateNumber: certificate,
      certificateDate: get('certificate_date')!,
      firstRegistrationDate: get('first_registration_date')!,
      category: get('category')!,
      fiscalPower: power,
      energy: get('energy')!,
      holder:
        kind === 'natural'
          ? { kind: 'natural', birthName: get('birth_name')!.toUpperCase(), givenNames: get('given_names')!, birthDate: get('birth_date')!, birthPlace: get('birth_place')!.toUpperCase() }
          : { kind: 'legal', companyName: get('company_name')!.toUpperCase(), siren: get('siren')! },
      address: { line1: get('address_line1')!, line2: get('address_line2'), postcode: get('postcode')!, commune: get('commune')!.toUpperCase() },
      longTermLease: yes(get('long_term_lease')),
      previousTitleAddress: get('previous_title_address'),
      certificateTheftRecordedOn: theft,
      encumbrances: [
        ...(yes(get('gage')) ? [{ kind: 'gage' as const, registeredAt: get('certificate_date')! }] : []),
        ...(opposition && ['otci_judiciaire', 'otci_huissier', 'otci_tresor', 'otci_vei'].includes(opposition) ? [{ kind: opposition as 'otci_tresor', registeredAt: get('certificate_date')! }] : []),
      ],
      confidentialCode: newConfidentialCode(),
      characteristics,
    });
  });
  return { entries, errors };
}

/**
 * Rows inserted per statement: each row binds up to 11 parameters and PostgreSQL's protocol allows
 * 65,535 per statement (a single INSERT of every line failed above that).
 */
export const IMPORT_BATCH = 2_000;

/** Imports a CSV all or nothing: refused with the list of problems, or every vehicle inserted in one transaction. */
export async function importVehiclesCsv(db: Db, secret: string, text: string, batch = IMPORT_BATCH): Promise<{ imported: number; errors: string[] }> {
  const { entries, errors } = readVehiclesCsv(text);
  if (errors.length) return { imported: 0, errors };
  if (!entries.length) return { imported: 0, errors: ['Aucun véhicule dans le fichier.'] };
  const chunks = Array.from({ length: Math.ceil(entries.length / batch) }, (_, i) => entries.slice(i * batch, (i + 1) * batch));
  const existing: string[] = [];
  for (const chunk of chunks) existing.push(...(await db.selectFrom('vehicles').select('plate').where('plate', 'in', chunk.map((e) => e.plate)).execute()).map((e) => e.plate));
  if (existing.length) return { imported: 0, errors: [`Ces immatriculations existent déjà : ${existing.join(', ')}`] };
  await db.transaction().execute(async (trx) => {
    for (const chunk of chunks) await insertBatch(trx, secret, chunk);
  });
  return { imported: entries.length, errors: [] };
}

/** One batch of registry entries without co-holders (the CSV has none): a few multi-row statements. */
async function insertBatch(trx: Db, secret: string, entries: RegistryEntry[]): Promise<void> {
  // holder ids drawn first, so that each vehicle names its holder without relying on RETURNING's order
  const ids = await sql<{ id: number }>`select nextval(pg_get_serial_sequence('vehicle_holders', 'id'))::bigint as id from generate_series(1, ${sql.lit(entries.length)})`.execute(trx);
  const holderIds = ids.rows.map((r) => Number(r.id));
  await sql`
    insert into vehicle_holders (id, kind, birth_name, given_names, birth_date, birth_place, company_name, siren, address_line1, address_line2, postcode, commune)
    overriding system value values ${sql.join(
      entries.map((e, i) => {
        const h = e.holder;
        return h.kind === 'natural'
          ? sql`(${holderIds[i]}, 'natural', ${h.birthName}, ${h.givenNames}, ${h.birthDate}::date, ${h.birthPlace}, null, null, ${e.address.line1}, ${e.address.line2 ?? null}, ${e.address.postcode}, ${e.address.commune})`
          : sql`(${holderIds[i]}, 'legal', null, null, null, null, ${h.companyName}, ${h.siren}, ${e.address.line1}, ${e.address.line2 ?? null}, ${e.address.postcode}, ${e.address.commune})`;
      }),
    )}`.execute(trx);
  const vehicles = await trx
    .insertInto('vehicles')
    .values(
      entries.map((e, i) => vehicleRow(e, holderIds[i]!)),
    )
    .returning(['id', 'plate'])
    .execute();
  const idOf = new Map(vehicles.map((v) => [v.plate, v.id]));
  await trx
    .insertInto('confidential_codes')
    .values(entries.map((e) => ({ vehicle_id: idOf.get(e.plate)!, certificate_number: e.certificateNumber, code_hash: hashConfidentialCode(secret, idOf.get(e.plate)!, e.certificateNumber, e.confidentialCode) })))
    .execute();
  const encumbrances = entries.flatMap((e) => (e.encumbrances ?? []).map((enc) => ({ vehicle_id: idOf.get(e.plate)!, kind: enc.kind, registered_at: enc.registeredAt })));
  if (encumbrances.length) await trx.insertInto('vehicle_encumbrances').values(encumbrances).execute();
}
