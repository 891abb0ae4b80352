/**
 * Carte-grise taxes (CIBS, french-rules.md §2): Y.1 to Y.6 for a procedure, each line with the rule
 * applied in plain French. Pure: the rates come in through `rate()`, read from the tax_rates table.
 */
export type TaxProcedure = 'holder_change' | 'duplicate' | 'address_change';
export type WeightClass = 'upto_3_5t' | '3_5t_6t' | '6t_11t' | 'over_11t';

export interface TaxInput {
  procedure: TaxProcedure;
  category: string; // J.1: M1, N1, L3e…
  fiscalPower: number; // P.6
  energy: string; // P.3: ES, GO, EL, H2…
  firstRegistrationDate: string; // B, ISO date
  weightClass?: WeightClass;
  fni?: boolean;
  addressChangesSinceSiv?: number;
  /** duplicate: the certificate was destroyed or damaged in a weather event (L421-40) */
  weatherDamage?: boolean;
  region: string;
  at: string; // date of the request, ISO
}

export interface RateValue {
  amountCents: number;
  verified: boolean;
}
export type RateLookup = (kind: 'regional_per_cv' | 'regional_ev_reduction' | 'transport' | 'fixed' | 'delivery', key: string, at: string) => RateValue | null;

export interface TaxLine {
  field: 'Y.1' | 'Y.2' | 'Y.3' | 'Y.4' | 'Y.5' | 'Y.6';
  label: string;
  amountCents: number;
  rule: string;
  unverified: boolean;
}

export const REGIONAL_CAP_CENTS = 6000; // L421-42: 60 € per CV
const euros = (cents: number) => `${(cents / 100).toLocaleString('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 })} €`;

function yearsBetween(from: string, to: string): number {
  const [fy, fm, fd] = from.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = to.split('-').map(Number) as [number, number, number];
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

/** Whether the procedure issues a new certificate, and why. */
export function issuesCertificate(input: TaxInput): { issued: boolean; why: string } {
  if (input.procedure !== 'address_change') return { issued: true, why: 'un nouveau certificat est délivré' };
  if (input.fni) return { issued: true, why: 'un certificat au format FNI passe au format SIV : nouveau certificat et nouveau numéro' };
  if ((input.addressChangesSinceSiv ?? 0) >= 3) return { issued: true, why: 'quatrième changement d’adresse : nouveau certificat' };
  return { issued: false, why: `changement d’adresse n° ${(input.addressChangesSinceSiv ?? 0) + 1} : une étiquette gratuite est envoyée par courrier` };
}

export function computeTaxes(input: TaxInput, rate: RateLookup): TaxLine[] {
  const certificate = issuesCertificate(input);
  const lines: TaxLine[] = [];
  const category = input.category.toUpperCase();

  // Y.1 — taxe régionale: only on a change of owner (L421-33 2°).
  if (input.procedure === 'holder_change') {
    const base = rate('regional_per_cv', input.region, input.at);
    if (!base) throw new Error(`Aucun taux régional pour ${input.region} au ${input.at}`);
    const perCv = Math.min(base.amountCents, REGIONAL_CAP_CENTS);
    let factor = 1;
    const reasons: string[] = [`${euros(perCv)} par cheval fiscal × ${input.fiscalPower} CV${base.amountCents > REGIONAL_CAP_CENTS ? ' (plafonné à 60 € par CV)' : ''}`];
    if (['C', 'T', 'R', 'S'].some((c) => category.startsWith(c))) (factor = 0), reasons.push('exonération des catégories C, T, R, S (L421-48)');
    else if (['L1E', 'L2E'].includes(category)) (factor = 0), reasons.push('taux nul pour les cyclomoteurs et quadricycles légers (L421-46)');
    else if (['L3E', 'L4E', 'M2', 'M3', 'N2', 'N3'].includes(category)) (factor = 0.5), reasons.push('demi-tarif pour cette catégorie (L421-46, L421-47)');
    else if (yearsBetween(input.firstRegistrationDate, input.at) >= 10) (factor = 0.5), reasons.push('demi-tarif : première immatriculation il y a 10 ans ou plus (L421-45)');
    let evUnverified = false;
    if (['EL', 'H2', 'HH'].includes(input.energy.toUpperCase()) && factor > 0) {
      const ev = rate('regional_ev_reduction', input.region, input.at);
      const reduction = ev?.amountCents ?? 0;
      evUnverified = !(ev?.verified ?? false);
      factor *= 1 - reduction / 100;
      reasons.push(reduction ? `véhicule électrique ou à hydrogène : réduction de ${reduction} % (L421-49)` : 'véhicule électrique : pas de réduction votée par la région (L421-49)');
    }
    lines.push({ field: 'Y.1', label: 'Taxe régionale', amountCents: Math.round(perCv * input.fiscalPower * factor), rule: reasons.join(' ; '), unverified: !base.verified || evUnverified });
  } else {
    lines.push({ field: 'Y.1', label: 'Taxe régionale', amountCents: 0, rule: 'Non due : ce n’est pas un changement de propriétaire (L421-33 2°)', unverified: false });
  }

  // Y.2 — transport vehicles, same trigger as Y.1.
  const transport = ['N1', 'N2', 'N3', 'M2', 'M3'].includes(category);
  if (input.procedure === 'holder_change' && transport) {
    const weight = input.weightClass ?? (category === 'N1' || category === 'M2' ? 'upto_3_5t' : '3_5t_6t');
    const r = rate('transport', weight, input.at)!;
    const labels: Record<WeightClass, string> = { upto_3_5t: 'jusqu’à 3,5 t', '3_5t_6t': 'de 3,5 à 6 t', '6t_11t': 'de 6 à 11 t', over_11t: 'plus de 11 t' };
    lines.push({ field: 'Y.2', label: 'Taxe sur les véhicules de transport', amountCents: r.amountCents, rule: `Véhicule de transport (${category}), ${labels[weight]} (L421-56)`, unverified: !r.verified });
  } else {
    lines.push({ field: 'Y.2', label: 'Taxe sur les véhicules de transport', amountCents: 0, rule: transport ? 'Non due : ce n’est pas un changement de propriétaire' : 'Non due : seulement pour les véhicules N, M2 et M3', unverified: false });
  }

  // Y.3 — malus and weight tax: first registration in France only.
  lines.push({ field: 'Y.3', label: 'Malus CO₂ et taxe sur la masse', amountCents: 0, rule: 'Non dus : seulement à la première immatriculation en France d’un véhicule de tourisme (L421-33 3°)', unverified: false });

  // Y.4 — fixed tax on every certificate, except an address update or a move to SIV.
  const fixed = rate('fixed', '', input.at)!;
  if (!certificate.issued) lines.push({ field: 'Y.4', label: 'Taxe fixe', amountCents: 0, rule: `Non due : ${certificate.why}`, unverified: false });
  else if (input.procedure === 'address_change')
    lines.push({ field: 'Y.4', label: 'Taxe fixe', amountCents: 0, rule: `Exonérée (L421-39) : ${certificate.why}, qui ne fait que mettre à jour l’adresse${input.fni ? ' et passer au format SIV' : ''}`, unverified: false });
  else if (input.procedure === 'duplicate' && input.weatherDamage)
    lines.push({ field: 'Y.4', label: 'Taxe fixe', amountCents: 0, rule: 'Exonérée (L421-40) : certificat détruit ou détérioré lors d’un événement climatique', unverified: false });
  else lines.push({ field: 'Y.4', label: 'Taxe fixe', amountCents: fixed.amountCents, rule: `Due sur chaque certificat délivré (L421-38) : ${certificate.why}`, unverified: !fixed.verified });

  // Y.5 — delivery of the certificate.
  const delivery = rate('delivery', '', input.at)!;
  lines.push(
    certificate.issued
      ? { field: 'Y.5', label: 'Redevance d’acheminement', amountCents: delivery.amountCents, rule: 'Envoi du certificat à domicile (CGI 1628-0 bis)', unverified: !delivery.verified }
      : { field: 'Y.5', label: 'Redevance d’acheminement', amountCents: 0, rule: 'Non due : aucun certificat n’est envoyé', unverified: false },
  );

  // Y.6 — Y.1 to Y.4 rounded to the euro (half up), then Y.5 added.
  const taxes = lines.filter((l) => ['Y.1', 'Y.2', 'Y.3', 'Y.4'].includes(l.field)).reduce((s, l) => s + l.amountCents, 0);
  const rounded = Math.round(taxes / 100) * 100;
  lines.push({
    field: 'Y.6',
    label: 'Total à payer',
    amountCents: rounded + lines.find((l) => l.field === 'Y.5')!.amountCents,
    rule: `Y.1 à Y.4 arrondis à l’euro (${euros(taxes)} → ${euros(rounded)}), plus Y.5`,
    unverified: true, // the rounding direction (nearest or up) is disputed: french-rules.md §2.1
  });
  return lines;
}

export const formatEuros = euros;

/** Département (from a postcode) → region code of the tax_rates table. */
const REGION_OF_DEPARTMENT: Record<string, string> = Object.fromEntries(
  Object.entries({
    ARA: ['01', '03', '07', '15', '26', '38', '42', '43', '63', '69', '73', '74'],
    BFC: ['21', '25', '39', '58', '70', '71', '89', '90'],
    BRE: ['22', '29', '35', '56'],
    CVL: ['18', '28', '36', '37', '41', '45'],
    COR: ['2A', '2B', '20'],
    GES: ['08', '10', '51', '52', '54', '55', '57', '67', '68', '88'],
    HDF: ['02', '59', '60', '62', '80'],
    IDF: ['75', '77', '78', '91', '92', '93', '94', '95'],
    NOR: ['14', '27', '50', '61', '76'],
    NAQ: ['16', '17', '19', '23', '24', '33', '40', '47', '64', '79', '86', '87'],
    OCC: ['09', '11', '12', '30', '31', '32', '34', '46', '48', '65', '66', '81', '82'],
    PDL: ['44', '49', '53', '72', '85'],
    PAC: ['04', '05', '06', '13', '83', '84'],
    GUA: ['971'],
    MTQ: ['972'],
    GUF: ['973'],
    REU: ['974'],
    MAY: ['976'],
  }).flatMap(([region, departments]) => departments.map((d) => [d, region])),
);

export function regionOfPostcode(postcode: string): string | null {
  if (!/^\d{5}$/.test(postcode)) return null;
  if (postcode.startsWith('97')) return REGION_OF_DEPARTMENT[postcode.slice(0, 3)] ?? null;
  if (postcode.startsWith('20')) return 'COR';
  return REGION_OF_DEPARTMENT[postcode.slice(0, 2)] ?? null;
}
