/** French identifiers used by account creation (french-rules.md §1). Pure functions. */

/** Luhn check over a string of digits (the last one being the check digit): SIREN, SIRET, stamps. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export const normalizeSiret = (value: string): string => value.replace(/[\s.]/g, '');

/**
 * SIRET: 14 digits, Luhn over all 14. La Poste (SIREN 356000000) is the exception: its
 * establishments are valid when the sum of the digits is a multiple of 5.
 */
export function isValidSiret(value: string): boolean {
  const siret = normalizeSiret(value);
  if (!/^\d{14}$/.test(siret)) return false;
  if (siret.startsWith('356000000')) {
    const sum = [...siret].reduce((s, d) => s + Number(d), 0);
    return sum % 5 === 0 || luhnValid(siret);
  }
  return luhnValid(siret);
}

export function isValidSiren(value: string): boolean {
  return /^\d{9}$/.test(value) && luhnValid(value);
}

export const normalizeApprovalNumber = (value: string): string => value.replace(/\s/g, '').toUpperCase();

/**
 * Prefectoral approval number (numéro d'agrément): a letter (E for a driving school, R for a
 * road-safety training centre), the 2-digit year, the département (3 characters, 2A/2B allowed),
 * a 4-digit order number and a check digit, e.g. "E 24 075 0012 0". The national format is not
 * published: this is our reading of real approvals, labelled as such in docs/decisions/0003.
 */
export function isValidApprovalNumber(value: string, kind: 'E' | 'R'): boolean {
  return new RegExp(`^${kind}\\d{2}(\\d{3}|02[AB])\\d{4}\\d$`).test(normalizeApprovalNumber(value));
}

/** Pragmatic email check: one @, a dot in the domain, no spaces; stored lowercased. */
export function isPlausibleEmail(value: string): boolean {
  return value.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]{2,}$/.test(value);
}
