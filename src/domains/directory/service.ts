import { sql } from 'kysely';
import { audit, SYSTEM } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { communeByCode, communesForPostcode, communesNamed, distanceKm, type CommuneRef } from './communes-geo.ts';
import { readPlacesCsv, type PlaceRow } from './csv.ts';
import { PLACE_KINDS, RESULTS_PER_KIND, SEARCH_RADII_KM } from './model.ts';
import type { DirectoryPlace, PlaceKind } from './tables.ts';

export interface Origin {
  latitude: number;
  longitude: number;
  /** what the distances are measured from, for the page ("Lyon 3e Arrondissement (69003)") */
  label: string;
  precision: CommuneRef['precision'] | 'position';
}

export interface PlaceResult {
  place: DirectoryPlace;
  distanceKm: number;
}

/** Where a typed commune or postcode is: one origin, a choice between namesakes, or the field's error. */
export type Located =
  | { ok: true; origin: Origin }
  | { ok: false; choices: CommuneRef[] }
  | { ok: false; error: string };

const originOf = (c: CommuneRef, postcode?: string): Origin => ({
  latitude: c.latitude,
  longitude: c.longitude,
  label: `${c.name} (${postcode ?? c.postcodes[0]})`,
  precision: c.precision,
});

/** Reads what the user typed: a postcode, or a commune name (then a department or postcode may tell namesakes apart). */
export function locate(q: string, communeCode?: string): Located {
  if (communeCode) {
    const c = communeByCode(communeCode);
    if (c) return { ok: true, origin: originOf(c) };
  }
  const text = q.trim();
  const postcode = /^\d{5}$/.exec(text.replace(/\s/g, ''))?.[0];
  if (postcode) {
    const communes = communesForPostcode(postcode);
    if (!communes.length) return { ok: false, error: `Le code postal ${postcode} n’existe pas : vérifiez-le (5 chiffres, par exemple 69003), ou saisissez le nom de la commune` };
    if (communes.length === 1) return { ok: true, origin: originOf(communes[0]!, postcode) };
    // several communes share a postcode: measure from their middle
    const latitude = communes.reduce((s, c) => s + c.latitude, 0) / communes.length;
    const longitude = communes.reduce((s, c) => s + c.longitude, 0) / communes.length;
    const names = communes.slice(0, 3).map((c) => c.name).join(', ');
    return { ok: true, origin: { latitude, longitude, label: `${postcode} (${names}${communes.length > 3 ? '…' : ''})`, precision: 'postcode' } };
  }
  if (/^\d+$/.test(text)) return { ok: false, error: 'Un code postal comporte 5 chiffres, par exemple 69003' };
  const named = communesNamed(text);
  if (!named.length) return { ok: false, error: `Aucune commune ne s’appelle « ${text} » : vérifiez l’orthographe, ou saisissez le code postal` };
  if (named.length === 1) return { ok: true, origin: originOf(named[0]!) };
  return { ok: false, choices: named };
}

/** The directory: searching the three lists by distance, importing a list. */
export function createDirectoryService(deps: { db: Db }) {
  const { db } = deps;

  /** Places of one kind inside a box around the origin; professionals only while their habilitation is validated. */
  function inBox(kind: PlaceKind, origin: Origin, radiusKm: number) {
    const dLat = radiusKm / 111;
    const dLon = radiusKm / (111 * Math.max(0.2, Math.cos((origin.latitude * Math.PI) / 180)));
    let q = db
      .selectFrom('directory_places as p')
      .selectAll('p')
      .where('p.kind', '=', kind)
      .where('p.latitude', '>=', origin.latitude - dLat)
      .where('p.latitude', '<=', origin.latitude + dLat)
      .where('p.longitude', '>=', origin.longitude - dLon)
      .where('p.longitude', '<=', origin.longitude + dLon);
    if (kind === 'automotive_professional')
      q = q.where(({ exists, selectFrom }) =>
        exists(selectFrom('siv_habilitations as h').select(sql`1`.as('one')).whereRef('h.habilitation_number', '=', 'p.habilitation_number').where('h.status', '=', 'validated')),
      );
    return q.execute();
  }

  async function nearest(kind: PlaceKind, origin: Origin, limit: number): Promise<PlaceResult[]> {
    let results: PlaceResult[] = [];
    for (const radius of SEARCH_RADII_KM) {
      const places = await inBox(kind, origin, radius);
      results = places
        .map((place) => ({ place, distanceKm: distanceKm(origin, place) }))
        .filter((r) => r.distanceKm <= radius)
        .sort((a, b) => a.distanceKm - b.distanceKm || a.place.id - b.place.id);
      if (results.length >= limit) break;
    }
    return results.slice(0, limit);
  }

  return {
    locate,

    /** The nearest places of each kind asked (all three by default), nearest first. */
    async search(origin: Origin, kinds: readonly PlaceKind[] = PLACE_KINDS): Promise<Record<PlaceKind, PlaceResult[]>> {
      const out = { automotive_professional: [], photographer: [], town_hall: [] } as Record<PlaceKind, PlaceResult[]>;
      for (const kind of kinds) out[kind] = await nearest(kind, origin, RESULTS_PER_KIND);
      return out;
    },

    /**
     * Imports one list from its CSV, all or nothing: any bad row and nothing is written, each
     * problem named with its line. Rows update the place with the same identifier.
     */
    async importCsv(kind: PlaceKind, text: string): Promise<{ imported: number; errors: string[] }> {
      const { rows, errors } = readPlacesCsv(kind, text);
      if (kind === 'automotive_professional' && rows.length) {
        const numbers = [...new Set(rows.map((r) => r.habilitation_number!))];
        const known = new Set((await db.selectFrom('siv_habilitations').select('habilitation_number').where('habilitation_number', 'in', numbers).execute()).map((h) => h.habilitation_number));
        const lines = parseLineNumbers(text);
        for (const r of rows) if (!known.has(r.habilitation_number!)) errors.push(`Ligne ${lines.get(r.external_id) ?? '?'} : aucune habilitation SIV ne porte le numéro ${r.habilitation_number}`);
        errors.sort((a, b) => lineOf(a) - lineOf(b));
      }
      if (errors.length || !rows.length) return { imported: 0, errors: errors.length ? errors : ['Le fichier ne contient aucune ligne à importer.'] };
      await db.transaction().execute(async (trx) => {
        await upsertPlaces(trx, rows);
        await audit(trx, SYSTEM, 'directory.imported', null, { kind, rows: rows.length });
      });
      return { imported: rows.length, errors: [] };
    },
  };
}
export type DirectoryService = ReturnType<typeof createDirectoryService>;

const lineOf = (message: string) => Number(/^Ligne (\d+)/.exec(message)?.[1] ?? 0);

/** identifiant → line number, for errors found after parsing. */
function parseLineNumbers(text: string): Map<string, number> {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const sep = (lines[0] ?? '').includes(';') ? ';' : ',';
  const col = (lines[0] ?? '').split(sep).map((h) => h.trim().toLowerCase()).indexOf('identifiant');
  const out = new Map<string, number>();
  lines.forEach((l, i) => {
    const id = l.split(sep)[col]?.replace(/"/g, '').trim();
    if (i > 0 && id) out.set(id, i + 1);
  });
  return out;
}

/** Inserts or updates places by (kind, identifier), in batches. */
export async function upsertPlaces(trx: Db, rows: PlaceRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    await trx
      .insertInto('directory_places')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) =>
        oc.columns(['kind', 'external_id']).doUpdateSet((eb) => ({
          name: eb.ref('excluded.name'),
          address_line: eb.ref('excluded.address_line'),
          postcode: eb.ref('excluded.postcode'),
          commune: eb.ref('excluded.commune'),
          commune_code: eb.ref('excluded.commune_code'),
          department: eb.ref('excluded.department'),
          latitude: eb.ref('excluded.latitude'),
          longitude: eb.ref('excluded.longitude'),
          phone: eb.ref('excluded.phone'),
          opening_hours: eb.ref('excluded.opening_hours'),
          habilitation_number: eb.ref('excluded.habilitation_number'),
          booth: eb.ref('excluded.booth'),
          scanner_count: eb.ref('excluded.scanner_count'),
          updated_at: sql<Date>`now()`,
        })),
      )
      .execute();
  }
}
