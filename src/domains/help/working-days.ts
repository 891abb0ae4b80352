/**
 * The French working-day calendar (jours ouvrés: Monday to Friday, less the eleven national public
 * holidays of the Code du travail L3133-1), used for the agency's answer deadline (terms of use
 * §1.15: fifteen working days). Dates are calendar days written YYYY-MM-DD, in Paris time.
 * Alsace-Moselle's two extra days (Good Friday, 26 December) are not national: the agency is in
 * Charleville-Mézières.
 */

/** Easter Sunday of a Gregorian year (anonymous algorithm, Meeus/Jones/Butcher), as YYYY-MM-DD. */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDay(Date.UTC(year, month - 1, day));
}

const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const toMs = (day: string): number => Date.parse(`${day}T00:00:00Z`);
export const addDays = (day: string, n: number): string => isoDay(toMs(day) + n * DAY_MS);

/** The national public holidays of a year: date → name. */
export function publicHolidays(year: number): Map<string, string> {
  const easter = easterSunday(year);
  return new Map([
    [`${year}-01-01`, 'Jour de l’an'],
    [addDays(easter, 1), 'Lundi de Pâques'],
    [`${year}-05-01`, 'Fête du travail'],
    [`${year}-05-08`, 'Victoire 1945'],
    [addDays(easter, 39), 'Ascension'],
    [addDays(easter, 50), 'Lundi de Pentecôte'],
    [`${year}-07-14`, 'Fête nationale'],
    [`${year}-08-15`, 'Assomption'],
    [`${year}-11-01`, 'Toussaint'],
    [`${year}-11-11`, 'Armistice 1918'],
    [`${year}-12-25`, 'Noël'],
  ]);
}

const holidayCache = new Map<number, Map<string, string>>();
export function isPublicHoliday(day: string): boolean {
  const year = Number(day.slice(0, 4));
  let holidays = holidayCache.get(year);
  if (!holidays) holidayCache.set(year, (holidays = publicHolidays(year)));
  return holidays.has(day);
}

export function isWorkingDay(day: string): boolean {
  const weekday = new Date(toMs(day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !isPublicHoliday(day);
}

/** The n-th working day after `day` (the day itself never counts, even if it is a working day). */
export function addWorkingDays(day: string, n: number): string {
  let current = day;
  for (let counted = 0; counted < n; ) {
    current = addDays(current, 1);
    if (isWorkingDay(current)) counted++;
  }
  return current;
}

/** Working days from `from` (excluded) to `to` (included); negative when `to` is earlier. */
export function workingDaysBetween(from: string, to: string): number {
  if (to < from) return -workingDaysBetween(to, from);
  let n = 0;
  for (let d = addDays(from, 1); d <= to; d = addDays(d, 1)) if (isWorkingDay(d)) n++;
  return n;
}

const parisDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });
/** The calendar day of an instant in Paris, YYYY-MM-DD. */
export const parisDate = (at: Date): string => parisDay.format(at);
