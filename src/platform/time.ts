/** Dates are stored in UTC; operators and users read and type them in Paris time. */

/** "2026-12-01T22:00" read in Europe/Paris; a string with an offset or Z is taken as is. */
export function parseParisTime(value: string): Date {
  if (/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) return new Date(value);
  const naive = new Date(`${value}Z`);
  if (Number.isNaN(naive.getTime())) return naive;
  // The offset is read at the instant found, not at the naive one: on a change of time, the two differ.
  const first = new Date(naive.getTime() - parisOffsetMs(naive));
  return new Date(naive.getTime() - parisOffsetMs(first));
}

const parisWallClock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});
const HOUR_MS = 3_600_000;
/** Offsets by UTC hour: Paris changes its offset only on an hour boundary (01:00 UTC). */
const offsetByHour = new Map<number, number>();

/**
 * Paris's offset from UTC at an instant, in milliseconds (1 h in winter, 2 h in summer): one
 * shared formatter, and one computation per hour of UTC time (a `toLocaleString` per call built
 * two formatters each time: issue 20).
 */
function parisOffsetMs(instant: Date): number {
  const hour = Math.floor(instant.getTime() / HOUR_MS);
  const known = offsetByHour.get(hour);
  if (known !== undefined) return known;
  const at = new Date(hour * HOUR_MS);
  const part: Record<string, number> = {};
  for (const p of parisWallClock.formatToParts(at)) if (p.type !== 'literal') part[p.type] = Number(p.value);
  const offset = Date.UTC(part.year!, part.month! - 1, part.day!, part.hour!, part.minute!, part.second!) - at.getTime();
  if (offsetByHour.size > 10_000) offsetByHour.clear();
  offsetByHour.set(hour, offset);
  return offset;
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

/**
 * The app clock. Every "now" of the process — `Date.now()`, `new Date()`, and PGlite's `now()`,
 * which reads the same Date — flows from the real clock unless `startClockAt` moved it: then the
 * process lives at that instant plus the real time elapsed since. Tests start it at a fixed instant
 * (APP_CLOCK_START, default in test/setup/clock.ts) so that no test depends on the day it runs;
 * outside production, `APP_CLOCK_START` does the same for a demo or a rehearsal of a given date.
 */
const RealDate = Date;
const realNow = Date.now.bind(Date);
let offsetMs = 0;

/** Milliseconds between the app clock and the real one (0 unless moved). */
export const clockOffsetMs = (): number => offsetMs;

/** Moves the clock of the whole process so that "now" is `start`; time flows on from there. */
export function startClockAt(start: Date | string): void {
  const instant = typeof start === 'string' ? parseParisTime(start) : start;
  if (Number.isNaN(instant.getTime())) throw new Error(`APP_CLOCK_START: date illisible (${String(start)})`);
  offsetMs = instant.getTime() - realNow();
  if (globalThis.Date !== RealDate) return;
  function ShiftedDate(this: unknown, ...args: unknown[]): Date | string {
    if (!new.target) return new RealDate(realNow() + offsetMs).toString();
    return args.length === 0 ? new RealDate(realNow() + offsetMs) : new (RealDate as unknown as new (...a: unknown[]) => Date)(...args);
  }
  Object.setPrototypeOf(ShiftedDate, RealDate);
  ShiftedDate.prototype = RealDate.prototype;
  Object.defineProperty(ShiftedDate, 'now', { value: () => realNow() + offsetMs, writable: true, configurable: true });
  globalThis.Date = ShiftedDate as unknown as DateConstructor;
}
