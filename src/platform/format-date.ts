/**
 * Dates are stored in UTC and shown in Europe/Paris, in French. Every long date the portal writes
 * (pages, emails, PDFs, letters) comes from here, so the first day of a month reads « 1er décembre
 * 2026 » everywhere, as French typography wants, never « 1 décembre ».
 */
const PARIS = 'Europe/Paris';
const dateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, dateStyle: 'full', timeStyle: 'short' });
const longDateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, dateStyle: 'long', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, dateStyle: 'long' });
const fullDateOnly = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, dateStyle: 'full' });
const calendarDay = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', dateStyle: 'full' });
const dayMonthTime = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit' });
const shortDateTime = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, dateStyle: 'short', timeStyle: 'short' });

/** The formatter's text with the day 1 written « 1er » and the time « 14 h 05 ». */
function french(format: Intl.DateTimeFormat, d: Date): string {
  return format
    .formatToParts(d)
    .map((part) => (part.type === 'day' && part.value === '1' ? '1er' : part.type === 'literal' && part.value === ':' ? ' h ' : part.value))
    .join('');
}

/** « mardi 1er décembre 2026 à 10 h 00 » */
export const formatDateTime = (d: Date): string => french(dateTime, d);
/** « 1er décembre 2026 à 10 h 00 » */
export const formatLongDateTime = (d: Date): string => french(longDateTime, d);
/** « 1er décembre 2026 » */
export const formatDate = (d: Date): string => french(dateOnly, d);
/** « mardi 1er décembre 2026 » */
export const formatFullDate = (d: Date): string => french(fullDateOnly, d);
/** « mercredi 23 décembre 2026 » for a calendar day written YYYY-MM-DD (no time zone involved). */
export const formatCalendarDay = (day: string): string => french(calendarDay, new Date(`${day}T00:00:00Z`));
/** « 1er décembre à 10 h 00 » (a moment of the current year, in a notice) */
export const formatDayMonthTime = (d: Date): string => french(dayMonthTime, d);
/** « 01/12/2026 10:00 » (tables) */
export const formatShortDateTime = (d: Date): string => shortDateTime.format(d);

/** "du mardi 1er décembre 2026 à 22 h 00 au mercredi 2 décembre 2026 à 06 h 00" */
export function formatWindow(start: Date, end: Date): string {
  return `du ${formatDateTime(start)} au ${formatDateTime(end)}`;
}
