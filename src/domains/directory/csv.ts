import { parseCsv } from '../../platform/csv.ts';
import { communesForPostcode, distanceKm, nameKey, type CommuneRef } from './communes-geo.ts';
import type { PlaceKind } from './tables.ts';

/**
 * The open-data CSV of each list (`npm run directory:import -- <liste> fichier.csv`): UTF-8, `;` or
 * `,` separated, a header naming the columns (order free). Samples in ./samples/. Columns:
 *
 * | column | required | content |
 * |---|---|---|
 * | identifiant | yes | the place's identifier in the source list (an import updates by it) |
 * | nom | yes | name shown |
 * | adresse | yes | number and street |
 * | code_postal | yes | 5 digits, checked against the INSEE commune reference |
 * | commune | yes | must match the postcode |
 * | telephone | no | French number, 10 digits |
 * | horaires | no | opening hours, free text |
 * | latitude, longitude | no | WGS 84 decimal degrees; the commune's centre when empty |
 * | numero_habilitation | professionals | their SIV habilitation (listed while it is validated) |
 * | type | photographers | `photographe` or `cabine` |
 * | nombre_dispositifs | town halls | fingerprint scanners, 1 to 50 |
 */
export const LIST_NAMES: Record<string, PlaceKind> = { professionnels: 'automotive_professional', photographes: 'photographer', mairies: 'town_hall' };

const COMMON = ['identifiant', 'nom', 'adresse', 'code_postal', 'commune'];
const REQUIRED: Record<PlaceKind, string[]> = {
  automotive_professional: [...COMMON, 'numero_habilitation'],
  photographer: [...COMMON, 'type'],
  town_hall: [...COMMON, 'nombre_dispositifs'],
};

export interface PlaceRow {
  kind: PlaceKind;
  external_id: string;
  name: string;
  address_line: string;
  postcode: string;
  commune: string;
  commune_code: string;
  department: string;
  latitude: number;
  longitude: number;
  phone: string | null;
  opening_hours: string | null;
  habilitation_number: string | null;
  booth: boolean;
  scanner_count: number | null;
}

/** "0123456789", "01.23.45.67.89" → "01 23 45 67 89"; +33 accepted. */
export function normalizePhone(raw: string): string | null {
  const digits = raw.replace(/[\s.\-()]/g, '').replace(/^\+33/, '0').replace(/^0033/, '0');
  if (!/^0[1-9]\d{8}$/.test(digits)) return null;
  return digits.replace(/(\d{2})(?=\d)/g, '$1 ');
}

/** The commune of a postcode whose name matches (Paris, Lyon and Marseille also by their city name). */
export function matchCommune(postcode: string, name: string): CommuneRef | undefined {
  const candidates = communesForPostcode(postcode);
  const key = nameKey(name);
  return candidates.find((c) => nameKey(c.name) === key) ?? candidates.find((c) => /arrondissement$/i.test(c.name) && nameKey(c.name).startsWith(key) && /^\d/.test(nameKey(c.name).slice(key.length)));
}

const decimal = (v: string) => (/^-?\d{1,3}([.,]\d+)?$/.test(v) ? Number(v.replace(',', '.')) : NaN);

/** Reads one list's CSV: the rows, or every problem with its line number (the file's own numbering). */
export function readPlacesCsv(kind: PlaceKind, text: string): { rows: PlaceRow[]; errors: string[] } {
  const [header, ...lines] = parseCsv(text.replace(/^\uFEFF/, ''));
  if (!header) return { rows: [], errors: ['Le fichier est vide.'] };
  const names = header.map((h) => h.trim().toLowerCase());
  const missing = REQUIRED[kind].filter((c) => !names.includes(c));
  if (missing.length) return { rows: [], errors: [`Ligne 1 : colonnes manquantes : ${missing.join(', ')}`] };
  const rows: PlaceRow[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  lines.forEach((cells, i) => {
    const line = i + 2;
    const get = (name: string) => (cells[names.indexOf(name)] ?? '').trim();
    const problems: string[] = [];
    const id = get('identifiant');
    if (!/^[A-Za-z0-9._-]{1,50}$/.test(id)) problems.push('identifiant manquant ou invalide (1 à 50 lettres, chiffres, « . », « _ » ou « - »)');
    else if (seen.has(id)) problems.push(`identifiant ${id} en double dans le fichier`);
    seen.add(id);
    const name = get('nom');
    if (!name || name.length > 200) problems.push('nom manquant ou trop long (200 caractères au plus)');
    const address = get('adresse');
    if (!address || address.length > 200) problems.push('adresse manquante ou trop longue (200 caractères au plus)');
    const postcode = get('code_postal');
    let commune: CommuneRef | undefined;
    if (!/^\d{5}$/.test(postcode)) problems.push(`code postal « ${postcode} » invalide (5 chiffres)`);
    else if (!communesForPostcode(postcode).length) problems.push(`le code postal ${postcode} n’existe pas`);
    else if (!(commune = matchCommune(postcode, get('commune'))))
      problems.push(`la commune « ${get('commune')} » ne correspond pas au code postal ${postcode} (${communesForPostcode(postcode).slice(0, 4).map((c) => c.name).join(', ')})`);
    const rawPhone = get('telephone');
    const phone = rawPhone ? normalizePhone(rawPhone) : null;
    if (rawPhone && !phone) problems.push(`téléphone « ${rawPhone} » invalide (10 chiffres, par exemple 01 23 45 67 89)`);
    const hours = get('horaires');
    if (hours.length > 300) problems.push('horaires trop longs (300 caractères au plus)');
    const [rawLat, rawLon] = [get('latitude'), get('longitude')];
    let position = commune ? { latitude: commune.latitude, longitude: commune.longitude } : null;
    if (rawLat || rawLon) {
      const latitude = decimal(rawLat);
      const longitude = decimal(rawLon);
      if (!(latitude >= -90 && latitude <= 90 && longitude >= -180 && longitude <= 180)) problems.push('latitude et longitude invalides (degrés décimaux WGS 84, les deux ou aucune)');
      else if (commune && distanceKm(commune, { latitude, longitude }) > 60) problems.push(`la position (${rawLat}, ${rawLon}) est à plus de 60 km de ${commune.name} : latitude et longitude inversées ?`);
      else position = { latitude, longitude };
    }
    let habilitation: string | null = null;
    let booth = false;
    let scanners: number | null = null;
    if (kind === 'automotive_professional') {
      habilitation = get('numero_habilitation').toUpperCase();
      if (!/^[A-Z0-9-]{4,20}$/.test(habilitation)) problems.push('numéro d’habilitation manquant ou invalide');
    } else if (kind === 'photographer') {
      const type = get('type').toLowerCase();
      if (type !== 'photographe' && type !== 'cabine') problems.push(`type « ${get('type')} » invalide (photographe ou cabine)`);
      booth = type === 'cabine';
    } else {
      scanners = Number(get('nombre_dispositifs'));
      if (!Number.isInteger(scanners) || scanners < 1 || scanners > 50) problems.push('nombre de dispositifs de recueil invalide (entier de 1 à 50)');
    }
    if (problems.length) {
      errors.push(`Ligne ${line} : ${problems.join(' ; ')}`);
      return;
    }
    rows.push({
      kind,
      external_id: id,
      name,
      address_line: address,
      postcode,
      commune: commune!.name,
      commune_code: commune!.code,
      department: commune!.department,
      latitude: position!.latitude,
      longitude: position!.longitude,
      phone,
      opening_hours: hours || null,
      habilitation_number: habilitation,
      booth,
      scanner_count: scanners,
    });
  });
  return { rows, errors };
}
