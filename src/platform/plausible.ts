import { parisDay } from './time.ts';

/**
 * Plausible ranges for what people type, shared by every form (issue 15, point 7): a birth date
 * from 1 January 1900 to today (Paris), a French postcode from 01000 to 98999 in a département that
 * exists. A form with a list of real postcodes (vehicles: communes.ts) checks that too.
 */

export const EARLIEST_BIRTH_DATE = '1900-01-01';
export const BIRTH_DATE_TOO_OLD = 'Vérifiez l’année de naissance : la date doit être le 1er janvier 1900 ou après';
export const BIRTH_DATE_IN_FUTURE = 'La date de naissance doit être dans le passé';
export const POSTCODE_UNKNOWN = 'Ce code postal n’existe pas : vérifiez-le (de 01000 à 98999)';

/** The French message for a real ISO date ("1985-06-14") that is no plausible birth date, or null. */
export function birthDateProblem(iso: string, today: string = parisDay(new Date())): string | null {
  if (iso < EARLIEST_BIRTH_DATE) return BIRTH_DATE_TOO_OLD;
  if (iso > today) return BIRTH_DATE_IN_FUTURE;
  return null;
}

/** Five digits from 01000 to 98999, not in the unused 96xxx range: the shape of a real French postcode. */
export function isPlausiblePostcode(postcode: string): boolean {
  if (!/^\d{5}$/.test(postcode)) return false;
  const n = Number(postcode);
  return n >= 1000 && n <= 98999 && !postcode.startsWith('96');
}
