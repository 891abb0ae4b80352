import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The embedded commune reference with positions: the INSEE communes of
 * @etalab/decoupage-administratif (names, postcodes, départements) and their centres from
 * communes-geo.json (GeoNames, CC BY 4.0; built by build-communes-geo.ts). A commune missing from
 * GeoNames is placed at the centre of the placed communes sharing its postcode, else of its
 * intercommunality (EPCI), else of its département: `precision` says which. No network at run time.
 */
export type Precision = 'commune' | 'postcode' | 'epci' | 'department';
export interface CommuneRef {
  code: string;
  name: string;
  department: string;
  postcodes: string[];
  latitude: number;
  longitude: number;
  precision: Precision;
}

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement: string;
  zone: string;
  commune?: string;
  codesPostaux?: string[];
  population?: number;
}
interface RawDepartment {
  code: string;
  nom: string;
  zone: string;
  chefLieu: string;
}

export interface Department {
  code: string;
  name: string;
  /** the INSEE code of the prefecture's commune */
  chefLieu: string;
}

interface Index {
  byCode: Map<string, CommuneRef>;
  byPostcode: Map<string, CommuneRef[]>;
  byName: Map<string, CommuneRef[]>;
  departments: Department[];
}
let index: Index | null = null;

/** Lower case, no accents, no punctuation: "Saint-Étienne" and "saint etienne" meet. */
export const nameKey = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/\bst(e?)\b/g, 'saint$1')
    .replace(/[^a-z0-9]/g, '');

const mean = (points: [number, number][]): [number, number] => [
  points.reduce((s, p) => s + p[0], 0) / points.length,
  points.reduce((s, p) => s + p[1], 0) / points.length,
];

/**
 * A JSON file read and parsed, not `require`d: the module cache would keep the parsed reference (communes
 * ~16 MB, intercommunalities ~6 MB of heap) for the life of the process, where only the index is needed.
 */
function readJson<T>(specifier: string): T {
  const file = specifier.startsWith('./') ? new URL(specifier, import.meta.url) : createRequire(import.meta.url).resolve(specifier);
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

function build(): Index {
  const raw = readJson<RawCommune[]>('@etalab/decoupage-administratif/data/communes.json').filter(
    (c) => (c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal') && (c.zone === 'metro' || c.zone === 'drom') && c.codesPostaux?.length,
  );
  const positions = readJson<Record<string, [number, number]>>('./communes-geo.json');
  // Paris, Lyon and Marseille are searched by arrondissement: their postcodes name one each
  const withArrondissements = new Set(raw.filter((c) => c.type === 'arrondissement-municipal').map((c) => c.commune));
  const communes = raw.filter((c) => !withArrondissements.has(c.code));
  const placedByPostcode = new Map<string, [number, number][]>();
  const placedByDepartment = new Map<string, [number, number][]>();
  for (const c of communes) {
    const p = positions[c.code];
    if (!p) continue;
    for (const pc of c.codesPostaux!) placedByPostcode.set(pc, [...(placedByPostcode.get(pc) ?? []), p]);
    placedByDepartment.set(c.departement, [...(placedByDepartment.get(c.departement) ?? []), p]);
  }
  // intercommunalities: each commune's fellow members
  const epciOf = new Map<string, string[]>();
  for (const e of readJson<{ membres: { code: string }[] }[]>('@etalab/decoupage-administratif/data/epci.json')) {
    const members = e.membres.map((m) => m.code);
    for (const m of members) epciOf.set(m, members);
  }
  const byCode = new Map<string, CommuneRef>();
  const byPostcode = new Map<string, CommuneRef[]>();
  const byName = new Map<string, CommuneRef[]>();
  for (const c of communes) {
    let precision: Precision = 'commune';
    let p = positions[c.code];
    if (!p) {
      const near = c.codesPostaux!.flatMap((pc) => placedByPostcode.get(pc) ?? []);
      const fellows = (epciOf.get(c.code) ?? []).flatMap((m) => (positions[m] ? [positions[m]] : []));
      if (near.length) (p = mean(near)), (precision = 'postcode');
      else if (fellows.length) (p = mean(fellows)), (precision = 'epci');
      else (p = mean(placedByDepartment.get(c.departement) ?? [[46.6, 2.4]])), (precision = 'department');
    }
    const ref: CommuneRef = { code: c.code, name: c.nom, department: c.departement, postcodes: c.codesPostaux!, latitude: p[0], longitude: p[1], precision };
    byCode.set(c.code, ref);
    for (const pc of ref.postcodes) byPostcode.set(pc, [...(byPostcode.get(pc) ?? []), ref]);
    const k = nameKey(c.nom);
    byName.set(k, [...(byName.get(k) ?? []), ref]);
  }
  const departments = readJson<RawDepartment[]>('@etalab/decoupage-administratif/data/departements.json')
    .filter((d) => d.zone === 'metro' || d.zone === 'drom')
    .map((d) => ({ code: d.code, name: d.nom, chefLieu: d.chefLieu }));
  return { byCode, byPostcode, byName, departments };
}

const idx = (): Index => (index ??= build());

export const communeByCode = (code: string): CommuneRef | undefined => idx().byCode.get(code);
export const communesForPostcode = (postcode: string): CommuneRef[] => idx().byPostcode.get(postcode) ?? [];
export const communesNamed = (name: string): CommuneRef[] => idx().byName.get(nameKey(name)) ?? [];
/** The 101 départements (metropolitan and overseas), with their prefecture's commune. */
export const departments = (): Department[] => idx().departments;

/** Great-circle distance in kilometres (haversine, mean Earth radius). */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}
