import { describe, expect, it } from 'vitest';
import { maintenanceStateAt, type Notice } from '../../src/domains/site/maintenance-model.ts';
import { addDays, parisDay, parseParisTime } from '../../src/platform/time.ts';
import { formatDate, formatDateTime, formatWindow } from '../../src/ui/format.ts';

/**
 * The French calendar month by month: names with accents (février, août, décembre), the change to
 * summer and winter time, and the turn of the year. A test written with `\w` for a month name, or
 * one that only works in the month it was written, fails here.
 */
const MONTHS = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
const WINDOW = /^du (\p{L}+) (\d{1,2}) (\p{L}+) (\d{4}) à (\d{2}) h (\d{2}) au (\p{L}+) (\d{1,2}) (\p{L}+) (\d{4}) à (\d{2}) h (\d{2})$/u;

describe('dates in French, every month of the year', () => {
  for (const [index, month] of MONTHS.entries()) {
    it(`writes ${month} with its accents and reads a maintenance window in it`, () => {
      const mm = String(index + 1).padStart(2, '0');
      const start = parseParisTime(`2027-${mm}-15T22:00`);
      const end = parseParisTime(`2027-${mm}-16T06:00`);
      expect(formatDate(start)).toBe(`15 ${month} 2027`);
      expect(formatDateTime(start)).toMatch(new RegExp(`^\\p{L}+ 15 ${month} 2027 à 22 h 00$`, 'u'));
      const window = WINDOW.exec(formatWindow(start, end));
      expect(window?.slice(2, 7)).toEqual(['15', month, '2027', '22', '00']);
      expect(window?.slice(8, 13)).toEqual(['16', month, '2027', '06', '00']);

      const notice: Notice = { id: 1, kind: 'unavailable', message: 'Coupure.', startsAt: start, endsAt: end };
      const before = maintenanceStateAt([notice], parseParisTime(`2027-${mm}-10T12:00`));
      expect(before.planned.map((n) => n.id)).toEqual([1]);
      expect(before.unavailable).toBeNull();
      expect(maintenanceStateAt([notice], parseParisTime(`2027-${mm}-16T01:00`)).unavailable?.id).toBe(1);
      expect(maintenanceStateAt([notice], parseParisTime(`2027-${mm}-16T06:01`)).unavailable).toBeNull();
    });
  }

  it('keeps Paris wall-clock hours across the change to summer time (28 March 2027) and back (31 October 2027)', () => {
    expect(parseParisTime('2027-03-28T01:30').toISOString()).toBe('2027-03-28T00:30:00.000Z');
    expect(parseParisTime('2027-03-28T03:30').toISOString()).toBe('2027-03-28T01:30:00.000Z');
    expect(formatWindow(parseParisTime('2027-03-27T22:00'), parseParisTime('2027-03-28T06:00'))).toBe(
      'du samedi 27 mars 2027 à 22 h 00 au dimanche 28 mars 2027 à 06 h 00',
    );
    expect(parseParisTime('2027-10-31T12:00').toISOString()).toBe('2027-10-31T11:00:00.000Z');
    expect(parisDay(new Date('2027-10-30T22:30:00Z'))).toBe('2027-10-31');
  });

  it('turns the year: 31 December 23:59 in Paris is already 1 January nowhere but is 31 December here', () => {
    const lastMinute = parseParisTime('2027-12-31T23:59');
    expect(lastMinute.toISOString()).toBe('2027-12-31T22:59:00.000Z');
    expect(parisDay(lastMinute)).toBe('2027-12-31');
    expect(parisDay(new Date(lastMinute.getTime() + 60_000))).toBe('2028-01-01');
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(formatWindow(lastMinute, parseParisTime('2028-01-01T06:00'))).toBe(
      'du vendredi 31 décembre 2027 à 23 h 59 au samedi 1er janvier 2028 à 06 h 00',
    );
  });
});

describe('the app clock', () => {
  it('starts the test at a fixed instant, never the real day', async () => {
    const { TEST_CLOCK_START } = await import('../setup/clock.ts');
    const start = parseParisTime(TEST_CLOCK_START).getTime();
    expect(Date.now() - start).toBeGreaterThanOrEqual(0);
    expect(Date.now() - start).toBeLessThan(10 * 60_000);
    expect(new Date().getTime() - start).toBeLessThan(10 * 60_000);
    expect(new Date('2027-01-01T00:00:00Z').toISOString()).toBe('2027-01-01T00:00:00.000Z');
    expect(new Date(0) instanceof Date).toBe(true);
  });
});
