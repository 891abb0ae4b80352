import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hashConfidentialCode } from '../../src/domains/vehicles/confidential-code/code.ts';
import { importVehiclesCsv, readVehiclesCsv } from '../../src/domains/vehicles/registry/csv-import.ts';
import { insertRegistryEntry } from '../../src/domains/vehicles/registry/registry.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrate } from '../../src/platform/db/migrate.ts';
import { openTestDatabase, type TestDatabase } from '../helpers/database.ts';

const SECRET = 's'.repeat(40);
const HEADER = 'plate,vin,certificate_number,certificate_date,first_registration_date,category,fiscal_power,energy,holder_kind,birth_name,given_names,birth_date,birth_place,company_name,siren,address_line1,address_line2,postcode,commune,long_term_lease,previous_title_address,gage,opposition,certificate_theft,brand,seats';
const natural = (plate: string, extra = '') => `${plate},VF1RFB00X56789012,,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,1975-03-09,Nantes,,,1 rue A,,44000,Nantes,,,,,,${extra}`;
const good = (n: number, from = 101) => Array.from({ length: n }, (_, i) => natural(`GA-${from + i}-HB`));
const BAD_DATE = (plate: string) => `${plate},VF1RFB00X56789012,,2020-05-01,2020-05-01,M1,5,ES,natural,Morel,Anne,09/03/1975,Nantes,,,1 rue A,,44000,Nantes,,,,,,`;

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.reset();
});

const counts = async () =>
  (
    await sql<{ vehicles: number; holders: number; codes: number; encumbrances: number }>`
      select (select count(*)::int from vehicles) as vehicles, (select count(*)::int from vehicle_holders) as holders,
             (select count(*)::int from confidential_codes) as codes, (select count(*)::int from vehicle_encumbrances) as encumbrances`.execute(database.db)
  ).rows[0]!;

describe('vehicles:import, by COPY in one transaction (issue 20)', () => {
  it('writes the same rows as the registry’s own insert, and a code hash tied to each vehicle', async () => {
    const lines = [
      // quoted fields (a comma, a doubled quote), CRLF line ends, every optional column
      'CD-456-EF,VF1RFB00X56789012,2020CD45678,2020-05-01,2019-04-02,M1,5,ES,natural,Morel,Anne Marie,1975-03-09,Nantes,,,"7, rue des ""Lilas""",Bât. B,44000,Nantes,non,,oui,,2026-11-02,Renault,5',
      '2345 BC 69,VF7NCRFJF73456789,,2005-01-10,2005-01-10,N1,6,GO,legal,,,,,Garage Lyonnais,732829320,1 QUAI PERRACHE,,69002,Lyon,oui,"LLD, 8 RUE X, 75013 PARIS",,otci_tresor,,,',
      'EF-789-GH,VF1RFB00X56789099,,2021-02-03,2021-02-03,L3e,1,ES,natural,Durand,Léa,1990-12-31,Saint-Étienne,,,3 place Jean Jaurès,,42000,Saint-Étienne,,,oui,otci_vei,,,',
    ];
    const text = [HEADER, ...lines].join('\r\n');
    expect(await importVehiclesCsv(database, SECRET, text, 2)).toEqual({ imported: 3, errors: [] });

    // the same entries through insertRegistryEntry (demo data, one vehicle at a time), under other plates
    const reference = readVehiclesCsv(text.replace('CD-456-EF', 'CD-456-EG').replace('2345 BC 69', '2346 BC 69').replace('EF-789-GH', 'EF-789-GJ'));
    expect(reference.errors).toEqual([]);
    for (const entry of reference.entries) await insertRegistryEntry(database.db, SECRET, entry);

    const rows = await sql<Record<string, unknown>>`
      select v.*, h.kind, h.birth_name, h.usage_name, h.given_names, h.birth_date, h.birth_place, h.company_name, h.siren,
             h.address_line1, h.address_line2, h.postcode, h.commune, h.country, h.email, h.account_id,
             c.certificate_number as code_certificate, c.code_hash,
             (select string_agg(e.kind || ' ' || e.registered_at::text, ', ' order by e.kind) from vehicle_encumbrances e where e.vehicle_id = v.id) as encumbrances
        from vehicles v join vehicle_holders h on h.id = v.holder_id join confidential_codes c on c.vehicle_id = v.id
       order by v.id`.execute(database.db);
    expect(rows.rows).toHaveLength(6);
    const comparable = (r: Record<string, unknown>) => {
      const { id: _id, plate: _plate, holder_id: _holder, created_at: _created, code_hash: _hash, ...rest } = r;
      return rest;
    };
    for (let i = 0; i < 3; i++) expect(comparable(rows.rows[i]!)).toEqual(comparable(rows.rows[i + 3]!));
    expect(rows.rows[0]).toMatchObject({ address_line1: '7, rue des "Lilas"', address_line2: 'Bât. B', birth_name: 'MOREL', encumbrances: 'gage 2020-05-01', brand: 'RENAULT', seats: 5 });
    expect(rows.rows[2]).toMatchObject({ commune: 'SAINT-ÉTIENNE', encumbrances: 'gage 2021-02-03, otci_vei 2021-02-03' });
    expect(String(rows.rows[0]!.certificate_theft_recorded_on)).toMatch(/2026|Nov/);

    // the stored hash is the HMAC of this vehicle's id and certificate with one of the 100,000 codes
    const first = rows.rows[0]!;
    const code = Array.from({ length: 100_000 }, (_, n) => String(n).padStart(5, '0')).find(
      (c) => hashConfidentialCode(SECRET, first.id as number, first.certificate_number as string, c) === first.code_hash,
    );
    expect(code).toMatch(/^\d{5}$/);
  });

  it('refuses the whole file for one bad last line, after earlier batches were copied: not a row added', async () => {
    await importVehiclesCsv(database, SECRET, [HEADER, natural('AB-123-CD')].join('\n'));
    const before = await counts();
    const text = [HEADER, ...good(5), natural('GA-200-HB', 'Renault,0')].join('\n');
    expect(await importVehiclesCsv(database, SECRET, text, 2)).toEqual({ imported: 0, errors: ['Ligne 7 : seats : nombre entier attendu (1 à 200)'] });
    expect(await counts()).toEqual(before);
    // the same file without its last line goes in whole
    expect(await importVehiclesCsv(database, SECRET, text.slice(0, text.lastIndexOf('\n')), 2)).toEqual({ imported: 5, errors: [] });
    expect(await counts()).toMatchObject({ vehicles: before.vehicles + 5, holders: before.holders + 5, codes: before.codes + 5 });
  });

  it('names a plate twice in the file at its second line, and plates already registered in any batch', async () => {
    const twice = [HEADER, ...good(2), natural('ga-101-hb'), BAD_DATE('GA-103-HB')].join('\n');
    expect(await importVehiclesCsv(database, SECRET, twice)).toEqual({
      imported: 0,
      errors: ['Ligne 4 : immatriculation GA-101-HB en double dans le fichier', 'Ligne 5 : titulaire personne physique : nom, prénoms, date (AAAA-MM-JJ) et lieu de naissance obligatoires'],
    });
    expect(await importVehiclesCsv(database, SECRET, [HEADER, natural('GA-104-HB'), natural('GA-107-HB')].join('\n'))).toEqual({ imported: 2, errors: [] });
    const before = await counts();
    // the registered plates fall in the second and third batches of two
    expect(await importVehiclesCsv(database, SECRET, [HEADER, ...good(8)].join('\n'), 2)).toEqual({ imported: 0, errors: ['Ces immatriculations existent déjà : GA-104-HB, GA-107-HB'] });
    expect(await counts()).toEqual(before);
    // a bad line outranks the registered plates: the lines are named first
    expect(await importVehiclesCsv(database, SECRET, [HEADER, ...good(8), BAD_DATE('GA-300-HB')].join('\n'), 2)).toEqual({
      imported: 0,
      errors: ['Ligne 10 : titulaire personne physique : nom, prénoms, date (AAAA-MM-JJ) et lieu de naissance obligatoires'],
    });
  });

  it('lists the first 100 lines in error, then counts the others', async () => {
    const text = [HEADER, ...good(3), ...Array.from({ length: 150 }, (_, i) => BAD_DATE(`GB-${101 + i}-HB`))].join('\n');
    const { imported, errors } = await importVehiclesCsv(database, SECRET, text);
    expect(imported).toBe(0);
    expect(errors).toHaveLength(101);
    expect(errors[0]).toMatch(/^Ligne 5 : titulaire personne physique/);
    expect(errors[99]).toMatch(/^Ligne 104 : /);
    expect(errors[100]).toBe('… et 50 autres lignes en erreur');
    expect(await counts()).toMatchObject({ vehicles: 0, holders: 0 });
  });

  it('numbers lines as an editor shows them: a blank line and a line break inside quotes count', async () => {
    // a line break is allowed only in the previous title's whole address (never in a 38-character address line)
    const text = [HEADER, natural('GA-101-HB'), '', natural('GA-102-HB').replace('44000,Nantes,,', '44000,Nantes,,"LLD, 8 RUE X\n75013 PARIS"'), BAD_DATE('GA-103-HB')].join('\n');
    expect((await importVehiclesCsv(database, SECRET, text)).errors).toEqual(['Ligne 6 : titulaire personne physique : nom, prénoms, date (AAAA-MM-JJ) et lieu de naissance obligatoires']);
    expect(await importVehiclesCsv(database, SECRET, text.slice(0, text.lastIndexOf('\n')))).toEqual({ imported: 2, errors: [] });
    const { previous_title_address } = await database.db.selectFrom('vehicles').select('previous_title_address').where('plate', '=', 'GA-102-HB').executeTakeFirstOrThrow();
    expect(previous_title_address).toBe('LLD, 8 RUE X\n75013 PARIS');
  });

  it('refuses an empty file, a file without a vehicle and missing columns', async () => {
    expect((await importVehiclesCsv(database, SECRET, '')).errors).toEqual(['Le fichier est vide.']);
    expect((await importVehiclesCsv(database, SECRET, `${HEADER}\n\n`)).errors).toEqual(['Aucun véhicule dans le fichier.']);
    expect((await importVehiclesCsv(database, SECRET, 'plate,vin\nAB-123-CD,x')).errors).toEqual(['Colonnes manquantes : certificate_date, first_registration_date, category, fiscal_power, energy, holder_kind, address_line1, postcode, commune']);
  });
});

/** A good natural-person line with one column's value replaced (columns of HEADER, in its order). */
const withValue = (plate: string, column: string, value: string) => {
  const names = HEADER.split(',');
  const cells = natural(plate).split(',');
  while (cells.length < names.length) cells.push('');
  cells[names.indexOf(column)] = value;
  return cells.join(',');
};
const auditRows = () => database.db.selectFrom('audit_events').select(['actor_kind', 'action', 'details']).where('action', 'like', 'registry.%').orderBy('id').execute();

describe('vehicles:import against a hostile file (issue 20, attacker’s findings)', () => {
  it('reads opposition and gage only as documented: a Treasury opposition in capitals is kept, an unknown value is a line error', async () => {
    const text = [
      HEADER,
      withValue('GA-101-HB', 'opposition', 'OTCI_TRESOR'),
      withValue('GA-102-HB', 'opposition', 'otci tresor'),
      withValue('GA-103-HB', 'opposition', 'OTCI-Trésor'),
      withValue('GA-104-HB', 'gage', 'OUI'),
      withValue('GA-105-HB', 'gage', 'Non'),
    ].join('\n');
    expect(await importVehiclesCsv(database, SECRET, text)).toEqual({ imported: 5, errors: [] });
    const encumbrances = await database.db
      .selectFrom('vehicle_encumbrances as e')
      .innerJoin('vehicles as v', 'v.id', 'e.vehicle_id')
      .select(['v.plate', 'e.kind'])
      .orderBy('v.plate')
      .execute();
    expect(encumbrances).toEqual([
      { plate: 'GA-101-HB', kind: 'otci_tresor' },
      { plate: 'GA-102-HB', kind: 'otci_tresor' },
      { plate: 'GA-103-HB', kind: 'otci_tresor' },
      { plate: 'GA-104-HB', kind: 'gage' },
    ]);

    const before = await counts();
    const refused = [
      HEADER,
      withValue('GB-101-HB', 'opposition', 'tresor'),
      withValue('GB-102-HB', 'gage', 'gagé'),
      withValue('GB-103-HB', 'long_term_lease', 'peut-être'),
      withValue('GB-104-HB', 'opposition', 'otci_douane'),
    ].join('\n');
    expect(await importVehiclesCsv(database, SECRET, refused)).toEqual({
      imported: 0,
      errors: [
        'Ligne 2 : opposition : valeur « tresor » non reconnue (otci_judiciaire, otci_huissier, otci_tresor, otci_vei ou vide)',
        'Ligne 3 : gage : valeur « gagé » non reconnue (oui, non ou vide)',
        'Ligne 4 : long_term_lease : valeur « peut-être » non reconnue (oui, non ou vide)',
        'Ligne 5 : opposition : valeur « otci_douane » non reconnue (otci_judiciaire, otci_huissier, otci_tresor, otci_vei ou vide)',
      ],
    });
    expect(await counts()).toEqual(before);
  });

  it('names every empty required cell at its line instead of crashing or failing in the database', async () => {
    const text = [
      HEADER,
      natural('GA-101-HB'),
      withValue('GA-102-HB', 'commune', ''),
      withValue('GA-103-HB', 'category', ' '),
      withValue('GA-104-HB', 'energy', ''),
      withValue('GA-105-HB', 'address_line1', ''),
    ].join('\n');
    expect(await importVehiclesCsv(database, SECRET, text)).toEqual({
      imported: 0,
      errors: ['Ligne 3 : commune : valeur obligatoire', 'Ligne 4 : category : valeur obligatoire', 'Ligne 5 : energy : valeur obligatoire', 'Ligne 6 : address_line1 : valeur obligatoire'],
    });
    expect(await counts()).toMatchObject({ vehicles: 0, holders: 0 });
  });

  it('refuses values too long, control characters, extra cells, unknown and repeated columns, and a file without line breaks', async () => {
    const errors = async (text: string) => (await importVehiclesCsv(database, SECRET, text)).errors;
    expect(
      await errors(
        [
          HEADER,
          withValue('GA-101-HB', 'birth_name', 'M'.repeat(5_000)),
          withValue('GA-102-HB', 'given_names', 'An\u0000ne'),
          withValue('GA-103-HB', 'address_line1', '"1 rue A\nrésidence des Pins"'),
          `${withValue('GA-104-HB', 'brand', 'Renault')}${',x'.repeat(10)}`,
          withValue('GA-105-HB', 'address_line1', '12 avenue du Maréchal de Lattre de Tassigny'),
          // a column with a format of its own is named by that format, whatever the length
          withValue('GA-106-HB', 'certificate_date', 'le premier mai deux mille vingt'),
        ].join('\n'),
      ),
    ).toEqual([
      'Ligne 2 : birth_name : 100 caractères au plus (5\u202f000 reçus)',
      'Ligne 3 : given_names : caractère de contrôle interdit dans « An[U+0000]ne »',
      'Ligne 4 : address_line1 : caractère de contrôle interdit dans « 1 rue A[U+000A]résidence des Pins »',
      'Ligne 6 : 36 valeurs pour 26 colonnes',
      'Ligne 7 : address_line1 : 38 caractères au plus (43 reçus)',
      'Ligne 8 : certificate_date : date attendue au format AAAA-MM-JJ',
    ]);
    const columns = (n: number) => `${HEADER},${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}`;
    expect(await errors([columns(2_000), natural('GA-101-HB')].join('\n'))).toEqual([
      'Ligne 1 : colonnes inconnues : « c0 », « c1 », « c2 », « c3 », « c4 », « c5 », « c6 », « c7 », « c8 », « c9 » … et 1990 autres',
    ]);
    expect(await errors([columns(70_000), natural('GA-101-HB')].join('\n'))).toEqual([
      'Ligne 1 : plus de 65\u202f536 caractères sans fin de ligne (saut de ligne ou guillemet fermant manquant ?)',
    ]);
    expect(await errors([`${HEADER},PLATE,vin`, natural('GA-101-HB')].join('\n'))).toEqual(['Ligne 1 : colonnes en double : plate, vin']);
    expect(await errors([`${HEADER},`, natural('GA-101-HB')].join('\n'))).toEqual(['Ligne 1 : colonnes inconnues : colonne 27 sans nom']);
    expect(await errors(`${HEADER}\n${natural('GA-101-HB').repeat(5000)}`)).toEqual([
      'Ligne 2 : plus de 65\u202f536 caractères sans fin de ligne (saut de ligne ou guillemet fermant manquant ?)',
    ]);
    expect(await errors([HEADER, natural('GA-101-HB'), withValue('GA-102-HB', 'birth_name', 'M'.repeat(5_000_000)), natural('GA-103-HB')].join('\n'))).toEqual([
      'Ligne 3 : plus de 65\u202f536 caractères sans fin de ligne (saut de ligne ou guillemet fermant manquant ?)',
    ]);
    expect(await counts()).toMatchObject({ vehicles: 0, holders: 0 });
  });

  it('writes one audit row per import, done or refused, by the system, with the file’s name and counts', async () => {
    await importVehiclesCsv(database, SECRET, [HEADER, ...good(3)].join('\n'), undefined, { file: 'extrait-siv.csv' });
    await importVehiclesCsv(database, SECRET, [HEADER, ...good(2, 201), BAD_DATE('GA-203-HB'), BAD_DATE('GA-204-HB')].join('\n'), undefined, { file: 'mauvais.csv' });
    await importVehiclesCsv(database, SECRET, [HEADER, ...good(2)].join('\n'), undefined, { file: 'deja.csv' });
    expect(await auditRows()).toEqual([
      { actor_kind: 'system', action: 'registry.imported', details: { file: 'extrait-siv.csv', lines: 3, imported: 3 } },
      {
        actor_kind: 'system',
        action: 'registry.import_refused',
        details: { file: 'mauvais.csv', lines: 4, imported: 0, linesInError: 2, firstError: 'Ligne 4 : titulaire personne physique : nom, prénoms, date (AAAA-MM-JJ) et lieu de naissance obligatoires' },
      },
      { actor_kind: 'system', action: 'registry.import_refused', details: { file: 'deja.csv', lines: 2, imported: 0, linesInError: 0, firstError: 'Ces immatriculations existent déjà : GA-101-HB, GA-102-HB' } },
    ]);
  });
});

describe('npm run vehicles:import', () => {
  it('exits 0 after importing a file, 1 naming the bad line with nothing imported, 2 without a file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'vehicles-import-'));
    try {
      const run = (...args: string[]) =>
        spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/import-vehicles.ts', ...args], {
          env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
          encoding: 'utf8',
          timeout: 280_000, // the first call migrates a new embedded database: over a minute on a loaded machine
        });
      const ok = path.join(dir, 'ok.csv');
      writeFileSync(ok, `\uFEFF${[HEADER, ...good(3)].join('\n')}\n`);
      const imported = run(ok);
      expect(imported.stdout).toContain('3 véhicule(s) importé(s)');
      expect(imported.status).toBe(0);

      const bad = path.join(dir, 'bad.csv');
      writeFileSync(bad, [HEADER, ...good(2, 201), BAD_DATE('GA-203-HB')].join('\n'));
      const refused = run(bad);
      expect(refused.stderr).toContain('Import refusé, aucun véhicule importé');
      expect(refused.stderr).toContain('Ligne 4 : titulaire personne physique');
      expect(refused.status).toBe(1);
      expect(run(path.join(dir, 'absent.csv')).status).toBe(2);

      const reopened = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
      try {
        await migrate(reopened);
        const plates = await reopened.db.selectFrom('vehicles').select('plate').where('plate', 'like', 'GA-%').orderBy('plate').execute();
        expect(plates.map((p) => p.plate)).toEqual(['GA-101-HB', 'GA-102-HB', 'GA-103-HB']);
      } finally {
        await reopened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 900_000);
});
