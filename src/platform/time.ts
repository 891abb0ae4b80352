/** Dates are stored in UTC; operators and users read and type them in Paris time. */

/** "2026-12-01T22:00" read in Europe/Paris; a string with an offset or Z is taken as is. */
export function parseParisTime(value: string): Date {
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) return new Date(value);
  const naive = new Date(`${value}Z`);
  if (Number.isNaN(naive.getTime())) return naive;
  const paris = new Date(naive.toLocaleString('en-US', { timeZone: 'Europe/Paris' }));
  const utc = new Date(naive.toLocaleString('en-US', { timeZone: 'UTC' }));
  return new Date(naive.getTime() - (paris.getTime() - utc.getTime()));
}

const parisDayFormat = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in Paris of an instant, as "2026-11-25". */
export const parisDay = (d: Date): string => parisDayFormat.format(d);

/** "2026-11-25" + n days (calendar arithmetic, no time zone involved). */
export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/**
 * A date and time typed in a form, read in Paris time: "2026-12-01T22:00" (what a datetime-local
 * field sends), "2026-12-01 22:00", or the French "01/12/2026 22:00" / "1/12/2026 22h00".
 * Null when it is not one of these or not a real date.
 */
export function parseFormDateTime(value: string): Date | null {
  const v = value.trim();
  let parts: [string, string, string, string, string];
  const iso = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})$/.exec(v);
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})\s+(?:à\s+)?(\d{1,2})\s*[:h]\s*(\d{2})$/i.exec(v);
  if (iso) parts = [iso[1]!, iso[2]!, iso[3]!, iso[4]!, iso[5]!];
  else if (fr) parts = [fr[3]!, fr[2]!.padStart(2, '0'), fr[1]!.padStart(2, '0'), fr[4]!.padStart(2, '0'), fr[5]!];
  else return null;
  const [y, mo, d, h, mi] = parts.map(Number) as [number, number, number, number, number];
  const calendar = new Date(Date.UTC(y, mo - 1, d));
  if (calendar.getUTCMonth() !== mo - 1 || calendar.getUTCDate() !== d || h > 23 || mi > 59) return null;
  const date = parseParisTime(`${parts[0]}-${parts[1]}-${parts[2]}T${parts[3]}:${parts[4]}`);
  return Number.isNaN(date.getTime()) ? null : date;
}
