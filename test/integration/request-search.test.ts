import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { seedAtScale } from '../../src/demo/scale-seed.ts';
import { createVehicleInstruction, INSTRUCTED_KINDS, parseFilters, QUEUE_STATUSES } from '../../src/domains/instruction/vehicle-instruction.ts';
import type { Db } from '../../src/platform/db/database.ts';
import type { Agent } from '../../src/schema.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';

/**
 * Issue 20: the back office's search reads normalised copies kept on the request row (migration
 * 0029) instead of joining holders, vehicles and accounts. It must give the same answers as the
 * search it replaced (copied below as the reference), stay true when a source row changes, and
 * never show an agent what it may not see.
 */

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
const PLATE_SHAPES = [/^[A-Z]{2}\d{3}[A-Z]{2}$/, /^\d{1,4}[A-Z]{1,3}(\d{2}|2A|2B|97\d)$/];

/**
 * The ids the search of migration 0019 matched (src/domains/instruction/vehicle-queue.ts before 0029), through the source tables,
 * the holders' given names included (migration 0030, issue 16). For one word it is still the search; several words are
 * compared below to what each word finds alone.
 */
function matchesBefore(db: Db, text: string) {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  if (/^V\d{2}[A-Z0-9]{8}$/.test(compact)) return db.selectFrom('vehicle_procedures as p').select('p.id').where('p.file_number', '=', `${compact.slice(0, 3)}-${compact.slice(3)}`);
  const byPlate = db.selectFrom('vehicles as v').innerJoin('vehicle_procedures as p', 'p.vehicle_id', 'v.id').select('p.id').where(sql`plate_key(v.plate)`, '=', sql`plate_key(${text})`);
  if (PLATE_SHAPES.some((shape) => shape.test(compact))) return byPlate;
  const pattern = sql`search_key(${likePattern(text)})`;
  const byEmail = db.selectFrom('accounts as a').innerJoin('vehicle_procedures as p', 'p.account_id', 'a.id').select('p.id').where(sql`search_key(a.email)`, 'like', pattern);
  if (text.includes('@')) return byEmail;
  if (text.replace(/[\s%_\\]/g, '').length < 3) return byPlate;
  return namesBefore(db, pattern).union(byEmail).union(byPlate);
}

/** The people a request is searched by: its registry holder, its part 2 holder, and (migration 0032) the account that filed it. */
const PEOPLE = ['holder', 'partTwo', 'filer'] as const;

/** The requests whose holders' names (registry or part 2) or filing account's names hold this like pattern; `only`: that person's names alone. */
function namesBefore(db: Db, pattern: ReturnType<typeof sql>, only?: (typeof PEOPLE)[number]) {
  const byHolder = db
    .selectFrom('vehicle_holders as h')
    .innerJoin('vehicles as v', 'v.holder_id', 'h.id')
    .innerJoin('vehicle_procedures as p', 'p.vehicle_id', 'v.id')
    .select('p.id')
    .where(sql`search_key(coalesce(h.birth_name, '') || ' ' || coalesce(h.usage_name, '') || ' ' || coalesce(h.company_name, '') || ' ' || coalesce(h.given_names, ''))`, 'like', pattern);
  const byPartTwo = db
    .selectFrom('vehicle_procedures as p')
    .select('p.id')
    .where('p.kind', '=', 'complementary')
    .where(sql`search_key(coalesce(p.data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(p.data->'tpc'->'holder'->>'company_name', '') || ' ' || coalesce(p.data->'tpc'->'holder'->>'given_names', ''))`, 'like', pattern);
  const byFiler = db
    .selectFrom('accounts as a')
    .innerJoin('vehicle_procedures as p', 'p.account_id', 'a.id')
    .select('p.id')
    .where(sql`search_key(coalesce(a.family_name, '') || ' ' || coalesce(a.organisation_name, '') || ' ' || coalesce(a.given_name, ''))`, 'like', pattern);
  if (only) return { holder: byHolder, partTwo: byPartTwo, filer: byFiler }[only];
  return byHolder.union(byPartTwo).union(byFiler);
}

/**
 * Issue 16: a name typed in several words (spaces or hyphens) also finds the requests whose holder's
 * names hold each word, in any order: all the words in the names of one person (the registry's
 * holder, the part 2's, or since migration 0032 the filing account), never spread over two.
 */
function matchesExpected(db: Db, text: string) {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  const words = text.split(/[\s-]+/).filter((word) => word.length > 0);
  const searchedByName = !/^V\d{2}[A-Z0-9]{8}$/.test(compact) && !PLATE_SHAPES.some((shape) => shape.test(compact)) && !text.includes('@') && !text.includes('\u001f') && text.replace(/[\s%_\\]/g, '').length >= 3;
  if (!searchedByName || words.length < 2 || !words.some((word) => word.replace(/[%_\\]/g, '').length >= 3)) return matchesBefore(db, text);
  // for each person, the requests whose names hold every word; each set in its own subquery (SQL's intersect binds tighter than union)
  const everyWordOf = (person: (typeof PEOPLE)[number]) => {
    const [first, ...others] = words.map((word) => db.selectFrom(namesBefore(db, sql`search_key(${likePattern(word)})`, person).as('word')).select('word.id'));
    return db.selectFrom(others.reduce((all, next) => all.intersect(next), first!).as('every_word')).select('every_word.id');
  };
  return PEOPLE.reduce((all, person) => all.union(everyWordOf(person)), matchesBefore(db, text));
}

/** The first page the queue showed before 0029 for this search and status (same filters, same order). */
async function pageBefore(db: Db, text: string, status: (typeof QUEUE_STATUSES)[number]) {
  const rows = await db
    .selectFrom('vehicle_procedures as vp')
    .select('vp.file_number')
    .where('vp.submitted_at', 'is not', null)
    .where('vp.kind', 'in', INSTRUCTED_KINDS)
    .where('vp.status', '=', status)
    .where('vp.id', 'in', matchesExpected(db, text))
    .orderBy('vp.submitted_at')
    .orderBy('vp.id')
    .limit(20)
    .execute();
  return rows.map((r) => r.file_number);
}

describe('issue 20: the search on the request row (migration 0029)', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const db = () => t.database.db;
  const instruction = () => createVehicleInstruction({ db: db(), config: t.app.config, attachments: t.app.attachments });
  const nationalAgent = { id: 0, role: 'instruction_centre', scope: null } as unknown as Agent;
  const page = async (q: string, agent: Agent = nationalAgent, status = 'awaiting_review') =>
    (await instruction().queue(agent, parseFilters({ q, statut: status }))).rows.map((r) => r.file_number);

  /** Seeded requests, some of whose holders, plates, accounts and part 2 holders are given names that test the normalisation. */
  async function generatedSet() {
    await seedAtScale(t.database, { vehicles: 500, requests: 140, accounts: 25 });
    const requests = await db()
      .selectFrom('vehicle_procedures as p')
      .leftJoin('vehicles as v', 'v.id', 'p.vehicle_id')
      .select(['p.id', 'p.kind', 'p.file_number', 'p.vehicle_id', 'v.holder_id', 'v.plate', 'p.account_id', 'p.data'])
      .where('p.file_number', 'like', 'V25-%')
      .orderBy('p.id')
      .execute();
    const duplicates = requests.filter((r) => r.kind === 'duplicate');
    const renames: [string | null, string | null, string | null][] = [
      ['DUPRÉ', 'LE GOFF-DUPRÉ', null],
      ['ÉLODIE-MARTIN', null, null],
      ['MARTIN', 'ŒUVRARD', null],
      [null, null, 'TRANSPORTS ÉOLE & FILS'],
      [null, null, 'SARL LES ÂNES DE L’ÉTANG'],
      ['N’GUYEN', 'DE LA FONTAINE', null],
      ['MÜLLER', null, null],
      ['martin', null, null],
    ];
    for (const [i, [birth_name, usage_name, company_name]] of renames.entries()) {
      const person = company_name ? { kind: 'legal' as const } : { kind: 'natural' as const, given_names: 'Anne', birth_date: '1980-02-03' };
      await db().updateTable('vehicle_holders').set({ birth_name, usage_name, company_name, ...person }).where('id', '=', duplicates[i]!.holder_id!).execute();
    }
    // a usage name shared by more holders than a page shows: the order and the page's limit are compared too
    await db().updateTable('vehicle_holders').set({ usage_name: 'MARTIN' }).where('id', 'in', duplicates.slice(80, 110).map((r) => r.holder_id!)).execute();
    // an FNI plate, spelt with spaces in the registry
    await db().updateTable('vehicles').set({ plate: '4321 ZY 13', plate_kind: 'fni' }).where('id', '=', duplicates[10]!.vehicle_id!).execute();
    // part 2 holders with accents and a company
    const complementary = requests.filter((r) => r.kind === 'complementary');
    const partTwo = [{ birth_name: 'ÉLODIE-BÉRANGER', given_names: 'Anne' }, { company_name: 'Société Générale d’Éole' }, { birth_name: 'MARTINEZ', given_names: 'Luc' }];
    for (const [i, holder] of partTwo.entries()) {
      await db().updateTable('vehicle_procedures').set({ data: JSON.stringify({ tpc: { step: 'done', holder } }) }).where('id', '=', complementary[i]!.id).execute();
    }
    // a few requests in other statuses, so that the status filter is compared too
    await db().updateTable('vehicle_procedures').set({ status: 'in_progress' }).where('id', 'in', duplicates.slice(20, 45).map((r) => r.id)).execute();
    // an account with an accented email
    await db().updateTable('accounts').set({ email: 'élodie.dupré@exemple.fr' }).where('id', '=', duplicates[3]!.account_id).execute();
    return { requests, duplicates, complementary, fni: duplicates[10]! };
  }

  it('gives the same page as the search it replaces, for every kind of search', async () => {
    const { duplicates, fni } = await generatedSet();
    const plate = duplicates[5]!.plate!;
    const terms = [
      // names: common, rare, accents typed or not, hyphens, apostrophes, usage names, companies, part 2 holders
      'martin', 'MARTIN', 'Martin', 'dupont', 'bernard', 'moreau', 'durand', 'mart', 'tin',
      'Élodie', 'elodie', 'ÉLODIE-MARTIN', 'elodie-martin', 'elodie martin', 'dupré', 'dupre', 'le goff', 'le goff-dupré', 'goff-dupre', 'dupré le goff',
      'œuvrard', 'oeuvrard', 'martin oeuvrard', 'müller', 'muller', 'n’guyen', 'de la fontaine', 'nguyen',
      'transports', 'transports éole', 'éole & fils', 'eole', 'ânes de l’étang', 'anes', 'société générale', 'general', 'béranger', 'martinez',
      'kerlou', 'lou', 'ker', 'rue',
      // plates: SIV with and without dashes, spaces, lower case; FNI as typed in many ways
      plate, plate.replace(/-/g, ''), plate.replace(/-/g, ' ').toLowerCase(), plate.slice(0, 5), '4321 ZY 13', '4321ZY13', '4321-zy-13', fni.plate!.toLowerCase(),
      // file numbers, with and without their dash
      duplicates[7]!.file_number, duplicates[7]!.file_number.replace('-', '').toLowerCase(), 'V25-00000000',
      // emails: whole, parts, accented
      'usager-3@echelle.exemple.fr', 'usager-1', 'echelle.exemple', '@echelle', 'élodie.dupré@exemple.fr', 'elodie.dupre', 'usager',
      // too short, wildcards, nothing found
      'ma', 'é', 'a b', '%%%', 'mar_in', 'm%n', '\\', 'zzzzzz', 'MARTIN\u001fDUPRÉ',
    ];
    let compared = 0;
    for (const q of terms) {
      for (const status of ['awaiting_review', 'in_progress'] as const) {
        const before = await pageBefore(db(), q, status);
        expect({ q, status, page: await page(q, nationalAgent, status) }).toEqual({ q, status, page: before });
        compared += before.length;
      }
    }
    // the comparison covered real pages: a common surname fills one, accents and plates find theirs
    expect(compared).toBeGreaterThan(300);
    expect(await page('martin')).toHaveLength(20);
    expect(await page('usager')).toHaveLength(20);
    expect(await page('elodie')).toContain(duplicates[1]!.file_number);
    expect(await page('4321zy13')).toContain(fni.file_number);
  });

  it('follows a source row when it changes: holder renamed, vehicle given to another holder, plate, email, part 2, new request', async () => {
    const { duplicates, complementary } = await generatedSet();
    const [a, b, c] = [duplicates[60]!, duplicates[61]!, duplicates[62]!];

    // a holder's new name is found, the old one no longer
    await db().updateTable('vehicle_holders').set({ birth_name: 'QUINTAVALLE', usage_name: 'ÉPOUSE BÉRARD' }).where('id', '=', a.holder_id!).execute();
    expect(await page('quintavalle')).toEqual([a.file_number]);
    expect(await page('epouse berard')).toEqual([a.file_number]);
    await db().updateTable('vehicle_holders').set({ birth_name: 'ZANZIBARO', usage_name: null }).where('id', '=', a.holder_id!).execute();
    expect(await page('quintavalle')).toEqual([]);
    expect(await page('zanzibaro')).toEqual([a.file_number]);

    // the vehicle changes holder (a transfer): the request is found by the new holder's name
    await db().updateTable('vehicles').set({ holder_id: a.holder_id! }).where('id', '=', b.vehicle_id!).execute();
    expect((await page('zanzibaro')).sort()).toEqual([a.file_number, b.file_number].sort());

    // a new plate
    await db().updateTable('vehicles').set({ plate: 'QZ-987-QZ' }).where('id', '=', c.vehicle_id!).execute();
    expect(await page('qz987qz')).toEqual([c.file_number]);
    expect(await page(c.plate!)).toEqual([]);

    // an account's new email (and the old one forgotten, as when an account is deleted and anonymised)
    const oldEmail = (await db().selectFrom('accounts').select('email').where('id', '=', c.account_id).executeTakeFirstOrThrow()).email;
    await db().updateTable('accounts').set({ email: 'nouvelle.adresse@exemple.fr' }).where('id', '=', c.account_id).execute();
    expect(await page('nouvelle.adresse@')).toContain(c.file_number);
    expect(await page(oldEmail)).toEqual([]);

    // the part 2 holder of a complementary request, written later in its data
    await db().updateTable('vehicle_procedures').set({ data: JSON.stringify({ tpc: { step: 'done', holder: { birth_name: 'OLÉRON', given_names: 'Yves' } } }) }).where('id', '=', complementary[5]!.id).execute();
    expect(await page('oleron')).toEqual([complementary[5]!.file_number]);

    // a request written afterwards is found at once
    const holder = await db().selectFrom('vehicle_holders').select('id').where('id', '=', a.holder_id!).executeTakeFirstOrThrow();
    const vehicle = await db().selectFrom('vehicles').select('id').where('holder_id', '=', holder.id).orderBy('id').executeTakeFirstOrThrow();
    await db()
      .insertInto('vehicle_procedures')
      .values({ file_number: 'V26-QQQQQQQ2', account_id: c.account_id, kind: 'duplicate', initiator: 'self', vehicle_id: vehicle.id, status: 'awaiting_review', data: JSON.stringify({}), updated_at: new Date(), submitted_at: new Date(), department: '75' })
      .execute();
    expect(await page('zanzibaro')).toContain('V26-QQQQQQQ2');
    expect(await page('nouvelle.adresse')).toContain('V26-QQQQQQQ2');
  });

  it('never shows an agent what it may not see: other départements, drafts, kinds the centre does not instruct', async () => {
    const { duplicates } = await generatedSet();
    const [inside, outside, draft, sale] = [duplicates[70]!, duplicates[71]!, duplicates[72]!, duplicates[73]!];
    const holderIds = [inside, outside, draft, sale].map((r) => r.holder_id!);
    await db().updateTable('vehicle_holders').set({ birth_name: 'VERCINGÉTORIX' }).where('id', 'in', holderIds).execute();
    await db().updateTable('vehicle_procedures').set({ department: '44' }).where('id', 'in', [inside.id, draft.id, sale.id]).execute();
    await db().updateTable('vehicle_procedures').set({ department: '75' }).where('id', '=', outside.id).execute();
    await db().updateTable('vehicle_procedures').set({ submitted_at: null }).where('id', '=', draft.id).execute();
    await db().updateTable('vehicle_procedures').set({ kind: 'sale_declaration', vehicle_id: sale.vehicle_id }).where('id', '=', sale.id).execute();

    const nantes = { id: 0, role: 'instruction_centre', scope: '44' } as unknown as Agent;
    expect(await page('vercingetorix', nantes)).toEqual([inside.file_number]);
    expect((await page('vercingetorix')).sort()).toEqual([inside.file_number, outside.file_number].sort());
    // the other département's request is not found by its plate, file number or email either
    expect(await page(outside.plate!, nantes)).toEqual([]);
    expect(await page(outside.file_number, nantes)).toEqual([]);
    const outsideEmail = (await db().selectFrom('accounts').select('email').where('id', '=', outside.account_id).executeTakeFirstOrThrow()).email;
    expect(await page(outsideEmail, nantes)).not.toContain(outside.file_number);
    // a draft and a sale declaration are never in the instruction centre's search
    for (const q of [draft.plate!, draft.file_number, sale.plate!, sale.file_number]) {
      expect(await page(q)).toEqual([]);
      expect(await page(q, nantes)).toEqual([]);
    }
  });
  it('finds a name as the user gives it: several words, each in the same holder\'s names, in any order, accents and hyphens as typed or not (issue 16)', async () => {
    const { duplicates, complementary } = await generatedSet();
    // five requests of five holders that no other rename of the set touches (a holder may hold several vehicles)
    const taken = new Set(duplicates.slice(0, 12).map((r) => r.holder_id));
    const chosen = duplicates.slice(50).filter((r) => !taken.has(r.holder_id) && (taken.add(r.holder_id), true));
    const [camille, jeanPierre, elodie, other, company] = chosen as [(typeof duplicates)[number], (typeof duplicates)[number], (typeof duplicates)[number], (typeof duplicates)[number], (typeof duplicates)[number]];
    const name = (holderId: number, birth_name: string, given_names: string, usage_name: string | null = null) =>
      db().updateTable('vehicle_holders').set({ kind: 'natural', birth_name, given_names, usage_name, company_name: null, birth_date: '1980-02-03' }).where('id', '=', holderId).execute();
    await name(camille.holder_id!, 'QUERMARTEL', 'Camille');
    await name(jeanPierre.holder_id!, 'DURANDEAU', 'Jean-Pierre Louis');
    await name(elodie.holder_id!, 'DURANDEAU', 'Élodie', 'ÉPOUSE QUERMARTEL');
    await name(other.holder_id!, 'QUERMARTEL', 'Pierre');
    await db().updateTable('vehicle_holders').set({ kind: 'legal', birth_name: null, given_names: null, usage_name: null, company_name: 'GARAGE QUERMARTEL ET FILS' }).where('id', '=', company.holder_id!).execute();
    // a part 2 holder named Camille, and the registry holder of no vehicle: the words must meet in one holder
    await db().updateTable('vehicle_procedures').set({ data: JSON.stringify({ tpc: { step: 'done', holder: { birth_name: 'DURANDEAU', given_names: 'Camille' } } }) }).where('id', '=', complementary[7]!.id).execute();

    // a holder may hold several seeded vehicles: all the requests on its vehicles are its own
    const filesOf = async (...holders: { holder_id: number | null }[]) =>
      (
        await db()
          .selectFrom('vehicle_procedures as p')
          .innerJoin('vehicles as v', 'v.id', 'p.vehicle_id')
          .select('p.file_number')
          .where('v.holder_id', 'in', holders.map((h) => h.holder_id!))
          .where('p.status', '=', 'awaiting_review')
          .where('p.submitted_at', 'is not', null)
          .execute()
      )
        .map((r) => r.file_number)
        .sort();
    const sorted = async (q: string) => ({ q, page: (await page(q)).sort() });
    // the surname alone finds them all, the given name and surname typed either way only Camille
    expect(await sorted('quermartel')).toEqual({ q: 'quermartel', page: await filesOf(camille, elodie, other, company) });
    for (const q of ['Camille Quermartel', 'QUERMARTEL Camille', 'quermartel   camille', 'camille quermartel']) expect(await sorted(q)).toEqual({ q, page: await filesOf(camille) });
    // a hyphenated given name, typed with its hyphen, with a space, or in part
    for (const q of ['Jean-Pierre DURANDEAU', 'durandeau jean pierre', 'JEAN-PIERRE', 'Pierre Durandeau', 'louis durandeau']) expect(await sorted(q)).toEqual({ q, page: await filesOf(jeanPierre) });
    // accents typed or not, usage name with given name
    for (const q of ['élodie DURANDEAU', 'Elodie durandeau', 'ELODIE quermartel', 'épouse quermartel élodie']) expect(await sorted(q)).toEqual({ q, page: await filesOf(elodie) });
    // the part 2 holder is found by its own names, never by a word of the registry's holder on the other side
    expect(await page('camille durandeau')).toEqual([complementary[7]!.file_number]);
    const otherVehicle = (await db().selectFrom('vehicles').select('id').where('holder_id', '=', other.holder_id!).executeTakeFirstOrThrow()).id;
    await db()
      .updateTable('vehicle_procedures')
      .set({ vehicle_id: otherVehicle, data: JSON.stringify({ tpc: { step: 'done', holder: { birth_name: 'DURANDEAU', given_names: 'Yves' } } }) })
      .where('id', '=', complementary[8]!.id)
      .execute();
    expect(await page('yves durandeau')).toEqual([complementary[8]!.file_number]);
    expect(await page('quermartel pierre')).toContain(complementary[8]!.file_number);
    expect(await page('quermartel yves')).toEqual([]);
    expect(await page('durandeau pierre')).not.toContain(complementary[8]!.file_number);
    // a company by several of its words, short ones included
    expect(await sorted('garage et quermartel')).toEqual({ q: 'garage et quermartel', page: await filesOf(company) });
    // a word no holder has, or words of two different holders: nothing
    expect(await page('camille zzzzzz')).toEqual([]);
    expect(await page('pierre quermartel élodie')).toEqual([]);
    // each word found alone finds at least what the words together find (the search only narrows)
    for (const q of ['camille quermartel', 'durandeau jean pierre', 'garage et quermartel', 'quermartel épouse']) {
      const together = await page(q);
      expect(together.length).toBeGreaterThan(0);
      for (const word of q.split(' ').filter((w) => w.length >= 3)) {
        const alone = (await db().selectFrom('vehicle_procedures').select('file_number').where('id', 'in', matchesBefore(db(), word)).execute()).map((r) => r.file_number);
        expect(alone).toEqual(expect.arrayContaining(together));
      }
    }
  });
});
