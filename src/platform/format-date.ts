/** Dates are stored in UTC and shown in Europe/Paris, in French. */
const dateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'full',
  timeStyle: 'short',
});
const dateOnly = new Intl.DateTimeFormat('fr-FR', { timeZone: 'Europe/Paris', dateStyle: 'long' });
const shortDateTime = new Intl.DateTimeFormat('fr-FR', {
  timeZone: 'Europe/Paris',
  dateStyle: 'short',
  timeStyle: 'short',
});

export const formatDateTime = (d: Date): string => dateTime.format(d).replace(':', ' h ');
export const formatDate = (d: Date): string => dateOnly.format(d);
export const formatShortDateTime = (d: Date): string => shortDateTime.format(d);

/** "du mardi 1 décembre 2026 à 22 h 00 au mercredi 2 décembre 2026 à 06 h 00" */
export function formatWindow(start: Date, end: Date): string {
  return `du ${formatDateTime(start)} au ${formatDateTime(end)}`;
}
