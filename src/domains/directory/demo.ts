import type { Db } from '../../platform/db/database.ts';
import { communeByCode, communesForPostcode, departments, type CommuneRef } from './communes-geo.ts';
import type { PlaceRow } from './csv.ts';
import { upsertPlaces } from './service.ts';

/**
 * Demo directory: in every one of the 101 départements, around its prefecture, one habilitated
 * garage (with its validated SIV habilitation), one photographer or booth, one town hall with a
 * fingerprint scanner; plus the demo garage's own place in Paris. Every name says "(démo)"; phone
 * numbers are in the ranges ARCEP keeps for fiction (01 99 00 xx xx).
 */
const STREETS = ['rue de la République', 'avenue Jean-Jaurès', 'place de la Mairie', 'rue Victor-Hugo', 'boulevard Gambetta', 'rue Pasteur', 'avenue de la Gare', 'rue du Général-de-Gaulle'];
const HOURS = {
  garage: 'Du lundi au vendredi de 8 h 30 à 12 h et de 14 h à 18 h 30 ; le samedi de 9 h à 12 h',
  photo: 'Du mardi au samedi de 9 h à 19 h',
  booth: 'Tous les jours de 7 h à 22 h (cabine en libre-service)',
  mairie: 'Sur rendez-vous : du lundi au vendredi de 8 h 30 à 12 h et de 13 h 30 à 17 h',
};
/** Paris, Lyon and Marseille are placed by arrondissement: their prefecture is in the 1st. */
const FIRST_ARRONDISSEMENT: Record<string, string> = { '75056': '75101', '69123': '69381', '13055': '13201' };

/** "de Lyon", "d’Arras", "du Mans", "de La Rochelle"… */
function of(city: string): string {
  if (/^Le /.test(city)) return `du ${city.slice(3)}`;
  if (/^Les /.test(city)) return `des ${city.slice(4)}`;
  if (/^L['’]/.test(city)) return `de l’${city.slice(2)}`;
  if (/^[AEIOUYÉÈÂÎaeiouy]/.test(city)) return `d’${city}`;
  return `de ${city}`;
}

/** Luhn check digit appended to a 13-digit SIRET body. */
function siret(body13: string): string {
  for (let d = 0; d <= 9; d++) {
    const s = `${body13}${d}`;
    const sum = [...s].reverse().reduce((acc, c, i) => {
      const n = Number(c) * (i % 2 ? 2 : 1);
      return acc + (n > 9 ? n - 9 : n);
    }, 0);
    if (sum % 10 === 0) return s;
  }
  throw new Error('unreachable');
}

export function demoPlaces(): { habilitations: { company_name: string; siret: string; habilitation_number: string; department: string; email: string }[]; places: PlaceRow[] } {
  const habilitations: ReturnType<typeof demoPlaces>['habilitations'] = [];
  const places: PlaceRow[] = [];
  departments().forEach((d, i) => {
    const c: CommuneRef | undefined = communeByCode(FIRST_ARRONDISSEMENT[d.chefLieu] ?? d.chefLieu);
    if (!c) return;
    const phone = (n: number) => `01 99 00 ${String(i).padStart(2, '0')} ${String(n).padStart(2, '0')}`;
    const street = (n: number) => `${(i % 40) + n * 7} ${STREETS[(i + n) % STREETS.length]}`;
    const at = (dLat: number, dLon: number) => ({ latitude: Math.round((c.latitude + dLat) * 1e5) / 1e5, longitude: Math.round((c.longitude + dLon) * 1e5) / 1e5 });
    const base = { postcode: c.postcodes[0]!, commune: c.name, commune_code: c.code, department: d.code, habilitation_number: null, booth: false, scanner_count: null };
    const city = c.name.replace(/ \d+e?r? Arrondissement$/, '');
    if (d.code !== '75') {
      const number = `HAB-${d.code}-D001`;
      habilitations.push({ company_name: `Garage Central ${of(city)} (démo)`, siret: siret(`7${String(i).padStart(3, '0')}000000000`), habilitation_number: number, department: d.code, email: `garage.demo.${d.code.toLowerCase()}@example.fr` });
      places.push({ ...base, kind: 'automotive_professional', external_id: `demo-pro-${d.code}`, name: `Garage Central ${of(city)} (démo)`, address_line: street(1), ...at(0.012, -0.015), phone: phone(1), opening_hours: HOURS.garage, habilitation_number: number });
    }
    const booth = i % 3 === 2;
    places.push({
      ...base,
      kind: 'photographer',
      external_id: `demo-photo-${d.code}`,
      name: booth ? `Cabine photo de la gare ${of(city)} (démo)` : `Studio Photo Objectif ${city} (démo)`,
      address_line: booth ? `Gare SNCF, ${STREETS[6]}` : street(2),
      ...at(-0.008, 0.011),
      phone: booth ? null : phone(2),
      opening_hours: booth ? HOURS.booth : HOURS.photo,
      booth,
    });
    places.push({ ...base, kind: 'town_hall', external_id: `demo-mairie-${d.code}`, name: `Mairie ${of(city)} (démo)`, address_line: `1 ${STREETS[2]}`, ...at(0.002, 0.003), phone: phone(3), opening_hours: HOURS.mairie, scanner_count: 1 + (i % 4) });
  });
  // the demo garage of the README (demo.garage@example.fr, habilitation HAB-75-0001)
  const paris = communesForPostcode('75011')[0]!;
  places.push({ kind: 'automotive_professional', external_id: 'demo-pro-75', name: 'Garage du Centre (démo)', address_line: '48 rue de la Roquette', postcode: '75011', commune: paris.name, commune_code: paris.code, department: '75', latitude: 48.8553, longitude: 2.3737, phone: '01 99 00 75 01', opening_hours: HOURS.garage, habilitation_number: 'HAB-75-0001', booth: false, scanner_count: null });
  return { habilitations, places };
}

/** Writes the demo directory in the seed's transaction. */
export async function seedDirectoryDemo(trx: Db, terms: { version: string; sha256: string }): Promise<void> {
  const { habilitations, places } = demoPlaces();
  const now = new Date();
  await trx
    .insertInto('siv_habilitations')
    .values(habilitations.map((h) => ({ ...h, contact_given_name: 'Dominique', contact_family_name: 'Démo', status: 'validated' as const, decided_at: now, terms_version: terms.version, terms_sha256: terms.sha256, terms_accepted_at: now })))
    .execute();
  await upsertPlaces(trx, places);
}
