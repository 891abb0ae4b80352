import { z } from 'zod';
import type { PlaceKind } from './tables.ts';

/** The three lists of the directory (terms of use §1.2, "Use of geolocation"), in the order shown. */
export const PLACE_KINDS: readonly PlaceKind[] = ['automotive_professional', 'photographer', 'town_hall'];

export const PLACE_KIND_LABELS: Record<PlaceKind, { plural: string; what: string; slug: string }> = {
  automotive_professional: {
    plural: 'Professionnels de l’automobile habilités',
    what: 'Garages et concessionnaires habilités par la préfecture à faire vos démarches de carte grise (SIV)',
    slug: 'professionnels',
  },
  photographer: {
    plural: 'Photographes et cabines agréés',
    what: 'Photo et signature numériques « Agréé services en ligne ANTS » (code à 22 chiffres pour le permis de conduire)',
    slug: 'photographes',
  },
  town_hall: {
    plural: 'Mairies équipées d’un dispositif de recueil',
    what: 'Mairies qui reçoivent les demandes de carte d’identité et de passeport (prise d’empreintes)',
    slug: 'mairies',
  },
};

export const kindFromSlug = (slug: string | undefined): PlaceKind | null =>
  PLACE_KINDS.find((k) => PLACE_KIND_LABELS[k].slug === slug) ?? null;

/** How many places of each kind a search lists, nearest first. */
export const RESULTS_PER_KIND = 10;
/**
 * Search radii tried in turn (km) until enough places are found. Past the last, nothing more is
 * shown: from an overseas département, places 7,000 km away would help nobody.
 */
export const SEARCH_RADII_KM = [25, 75, 250, 1000] as const;
export const MAX_RADIUS_KM = SEARCH_RADII_KM.at(-1)!;

/** The search form: a commune name or a postcode, optionally one list only. */
export const searchSchema = z.object({
  q: z
    .string({ error: 'Saisissez une commune ou un code postal' })
    .trim()
    .min(1, 'Saisissez une commune ou un code postal, par exemple 69003 ou Lyon')
    .max(100, 'Saisissez au plus 100 caractères'),
  type: z.string().optional(),
  commune: z.string().regex(/^[0-9AB]{5}$/).optional(),
});

/** "Autour de moi": the browser's position, posted once and never stored. */
export const positionSchema = z.object({
  latitude: z.coerce.number().min(-90).max(90),
  longitude: z.coerce.number().min(-180).max(180),
  type: z.string().optional(),
});

/** "1,2 km", "850 m", "12 km" */
export function formatDistance(km: number): string {
  if (km < 1) return `${Math.max(10, Math.round((km * 1000) / 10) * 10)} m`;
  if (km < 10) return `${km.toFixed(1).replace('.', ',')} km`;
  return `${Math.round(km).toLocaleString('fr-FR').replace(/\s/g, ' ')} km`;
}
