/**
 * Directory search benchmark: the three lists filled to a national scale (BENCH_PLACES per list,
 * default 20,000, placed at random communes), then searches from random postcodes, timed in the
 * service (bounding box + distance sort). PGlite, or PostgreSQL when DATABASE_URL is set.
 * Not a test: `npx tsx test/bench/directory.ts`.
 */
import { createRequire } from 'node:module';
import { communeByCode, communesForPostcode } from '../../src/domains/directory/communes-geo.ts';
import type { PlaceRow } from '../../src/domains/directory/csv.ts';
import { createDirectoryService, locate, upsertPlaces } from '../../src/domains/directory/service.ts';
import type { PlaceKind } from '../../src/domains/directory/tables.ts';
import { openTestDatabase } from '../helpers/database.ts';

const PER_LIST = Number(process.env.BENCH_PLACES ?? 20_000);
const SEARCHES = Number(process.env.BENCH_SEARCHES ?? 200);
const communes = (createRequire(import.meta.url)('@etalab/decoupage-administratif/data/communes.json') as { code: string; type: string }[])
  .filter((c) => c.type === 'commune-actuelle')
  .map((c) => communeByCode(c.code))
  .filter((c) => c !== undefined);
let seed = 42;
const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
const pick = <T,>(list: T[]) => list[Math.floor(random() * list.length)]!;

const database = await openTestDatabase();
try {
  const t0 = performance.now();
  for (const kind of ['automotive_professional', 'photographer', 'town_hall'] as PlaceKind[]) {
    if (kind === 'automotive_professional')
      await database.db.insertInto('siv_habilitations').values({ company_name: 'Bench', siret: '73282932000074', habilitation_number: 'HAB-BENCH', department: '75', contact_given_name: 'B', contact_family_name: 'B', email: 'bench@example.fr', status: 'validated', terms_version: 'v', terms_sha256: 'x', terms_accepted_at: new Date() }).execute();
    const rows: PlaceRow[] = Array.from({ length: PER_LIST }, (_, i) => {
      const c = pick(communes);
      return { kind, external_id: `bench-${i}`, name: `Lieu ${i}`, address_line: '1 rue X', postcode: c.postcodes[0]!, commune: c.name, commune_code: c.code, department: c.department, latitude: c.latitude + (random() - 0.5) * 0.02, longitude: c.longitude + (random() - 0.5) * 0.02, phone: null, opening_hours: null, habilitation_number: kind === 'automotive_professional' ? 'HAB-BENCH' : null, booth: false, scanner_count: kind === 'town_hall' ? 1 : null };
    });
    await database.db.transaction().execute((trx) => upsertPlaces(trx, rows));
  }
  console.log(`${3 * PER_LIST} places loaded in ${Math.round(performance.now() - t0)} ms`);
  const directory = createDirectoryService({ db: database.db });
  const times: number[] = [];
  for (let i = 0; i < SEARCHES; i++) {
    const c = pick(communes);
    const found = locate(c.postcodes[0]!);
    if (!found.ok || !communesForPostcode(c.postcodes[0]!).length) continue;
    const s = performance.now();
    const results = await directory.search(found.origin);
    times.push(performance.now() - s);
    if (!results.town_hall.length) throw new Error('a search found no town hall');
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(1);
  console.log(`${times.length} searches (3 lists, 10 nearest each): p50 ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${q(1)} ms`);
} finally {
  await database.close();
}
