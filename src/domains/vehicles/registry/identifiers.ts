import { parisDay } from '../../../platform/time.ts';

/** Vehicle identifiers (french-rules.md §1). Pure functions, French messages. */

export type PlateCheck = { ok: true; plate: string; kind: 'siv' | 'fni' } | { ok: false; message: string };

const SIV_LETTERS = /^[A-HJ-NP-TV-Z]{2}$/; // no I, O, U
const WRITTEN_SIV = /^([A-Z]{2})-(\d{3})-([A-Z]{2})$/;

function sivPlate(left: string, digits: string, right: string): PlateCheck {
  if (!SIV_LETTERS.test(left) || !SIV_LETTERS.test(right)) return { ok: false, message: 'Un numéro d’immatriculation ne contient jamais les lettres I, O ou U' };
  if (left === 'SS' || right === 'SS') return { ok: false, message: 'Les lettres SS ne sont jamais attribuées' };
  if (left === 'WW') return { ok: false, message: 'Les numéros WW sont des immatriculations provisoires : saisissez le numéro définitif' };
  if (digits === '000') return { ok: false, message: 'Le nombre 000 n’est jamais attribué' };
  return { ok: true, plate: `${left}-${digits}-${right}`, kind: 'siv' };
}

/**
 * Reads a plate as typed ("ab123cd", "AB 123 CD", "1234 ab 75") and returns it normalised
 * (`AB-123-CD`, `1234 AB 75`) or says in French what is wrong.
 */
export function checkPlate(input: string): PlateCheck {
  // already written as the registry stores it (an import's million lines): the same checks without the clean-up
  const written = WRITTEN_SIV.exec(input);
  if (written) return sivPlate(written[1]!, written[2]!, written[3]!);
  const raw = input.trim().toUpperCase().replace(/\s+/g, ' ');
  if (!raw) return { ok: false, message: 'Saisissez le numéro d’immatriculation' };
  const compact = raw.replace(/[\s-]/g, '');
  const siv = /^([A-Z]{2})(\d{3})([A-Z]{2})$/.exec(compact);
  if (siv) return sivPlate(siv[1]!, siv[2]!, siv[3]!);
  const fni = /^(\d{1,4}) ?([A-Z]{1,3}) ?(\d{2,3}|2A|2B)$/.exec(raw.replace(/-/g, ' '));
  if (fni) {
    const [, number, letters, dept] = fni as unknown as [string, string, string, string];
    const validDept = /^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$/.test(dept);
    if (validDept && Number(number) > 0) return { ok: true, plate: `${number} ${letters} ${dept}`, kind: 'fni' };
  }
  return { ok: false, message: 'Le numéro d’immatriculation doit être de la forme AB-123-CD (ou 1234 AB 75 pour un ancien numéro)' };
}

/** VIN (field E): 17 characters, letters I, O and Q never used (ISO 3779). */
export function isValidVin(vin: string): boolean {
  return /^[A-HJ-NPR-Z0-9]{17}$/.test(vin.trim().toUpperCase());
}

/**
 * Numéro de formule: year printed + 2 letters + 5 digits, e.g. 2017RV48832 (SIV certificates only),
 * the year between 2009 and the app clock's year in Paris at `now`.
 */
export function isValidCertificateNumber(value: string, now: Date = new Date()): boolean {
  const m = /^(\d{4})([A-Z]{2})(\d{5})$/.exec(value.trim().toUpperCase().replace(/\s/g, ''));
  return !!m && Number(m[1]) >= 2009 && Number(m[1]) <= Number(parisDay(now).slice(0, 4));
}
