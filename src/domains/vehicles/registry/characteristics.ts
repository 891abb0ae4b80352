import type { Field } from '../../../platform/pdf/official-document.ts';
import type { Vehicle } from '../tables.ts';

/** What a certificate prints about the vehicle, with the codes of the certificate (migration 0022). */
export interface VehicleCharacteristics {
  brand: string | null; // D.1
  typeVariant: string | null; // D.2
  commercialName: string | null; // D.3
  ceCategory: string; // J
  nationalGenre: string | null; // J.1
  bodyType: string | null; // J.3
  grossWeightKg: number | null; // F.2
  engineCc: number | null; // P.1
  energy: string; // P.3
  fiscalPower: number; // P.6
  seats: number | null; // S.1
  co2: number | null; // V.7
}

export const characteristicsOf = (v: Pick<Vehicle, 'brand' | 'type_variant' | 'commercial_name' | 'category' | 'national_genre' | 'body_type' | 'gross_weight_kg' | 'engine_cc' | 'energy' | 'fiscal_power' | 'seats' | 'co2_g_km'>): VehicleCharacteristics => ({
  brand: v.brand,
  typeVariant: v.type_variant,
  commercialName: v.commercial_name,
  ceCategory: v.category,
  nationalGenre: v.national_genre,
  bodyType: v.body_type,
  grossWeightKg: v.gross_weight_kg,
  engineCc: v.engine_cc,
  energy: v.energy,
  fiscalPower: v.fiscal_power,
  seats: v.seats,
  co2: v.co2_g_km,
});

export const ENERGY_LABELS: Record<string, string> = { ES: 'essence', GO: 'gazole', EL: 'électricité', EE: 'hybride essence-électricité rechargeable', EH: 'hybride essence-électricité', GL: 'hybride gazole-électricité', GN: 'gaz naturel', FE: 'superéthanol E85' };

const n = (value: number | null, unit = '') => (value === null ? '' : `${value.toLocaleString('fr-FR')}${unit}`);

/** The boxes of the vehicle on a CPI, in the order of the certificate. */
export function characteristicsFields(c: VehicleCharacteristics): Field[] {
  return [
    { code: 'D.1', label: 'Marque', value: c.brand ?? '' },
    { code: 'D.2', label: 'Type, variante, version', value: c.typeVariant ?? '' },
    { code: 'D.3', label: 'Dénomination commerciale', value: c.commercialName ?? '' },
    { code: 'J', label: 'Catégorie du véhicule (CE)', value: c.ceCategory },
    { code: 'J.1', label: 'Genre national', value: c.nationalGenre ?? '' },
    { code: 'J.3', label: 'Carrosserie (désignation nationale)', value: c.bodyType ?? '' },
    { code: 'F.2', label: 'Masse en charge maximale admissible (PTAC)', value: n(c.grossWeightKg, ' kg') },
    { code: 'P.1', label: 'Cylindrée', value: n(c.engineCc, ' cm³') },
    { code: 'P.3', label: 'Type de carburant ou source d’énergie', value: `${c.energy}${ENERGY_LABELS[c.energy] ? ` (${ENERGY_LABELS[c.energy]})` : ''}` },
    { code: 'P.6', label: 'Puissance administrative nationale', value: `${c.fiscalPower} CV` },
    { code: 'S.1', label: 'Nombre de places assises', value: n(c.seats) },
    { code: 'V.7', label: 'Émissions de CO2', value: n(c.co2, ' g/km') },
  ];
}
