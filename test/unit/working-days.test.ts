import { describe, expect, it } from 'vitest';
import { addWorkingDays, easterSunday, isWorkingDay, parisDate, publicHolidays, workingDaysBetween } from '../../src/domains/help/working-days.ts';

describe('French working-day calendar', () => {
  it('computes Easter Sunday (Gregorian) for known years', () => {
    expect(easterSunday(2024)).toBe('2024-03-31');
    expect(easterSunday(2025)).toBe('2025-04-20');
    expect(easterSunday(2026)).toBe('2026-04-05');
    expect(easterSunday(2027)).toBe('2027-03-28');
    expect(easterSunday(2038)).toBe('2038-04-25'); // the latest possible date
    expect(easterSunday(2285)).toBe('2285-03-22'); // the earliest possible date
  });

  it('lists the eleven national public holidays, the Easter-based ones included', () => {
    const h = publicHolidays(2026);
    expect(h.size).toBe(11);
    expect(h.get('2026-04-06')).toBe('Lundi de Pâques');
    expect(h.get('2026-05-14')).toBe('Ascension');
    expect(h.get('2026-05-25')).toBe('Lundi de Pentecôte');
    expect([...h.keys()]).toEqual(expect.arrayContaining(['2026-01-01', '2026-05-01', '2026-05-08', '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25']));
    expect(h.has('2026-04-03')).toBe(false); // Good Friday is an Alsace-Moselle holiday only
  });

  it('knows weekends and holidays are not working days', () => {
    expect(isWorkingDay('2026-11-27')).toBe(true); // a Friday
    expect(isWorkingDay('2026-11-28')).toBe(false); // Saturday
    expect(isWorkingDay('2026-11-29')).toBe(false); // Sunday
    expect(isWorkingDay('2026-11-11')).toBe(false); // Armistice, a Wednesday
    expect(isWorkingDay('2026-05-14')).toBe(false); // Ascension Thursday
  });

  it('gives the 15th working day after receipt, skipping weekends', () => {
    // received Wednesday 2 December 2026: 15 working days later is Wednesday 23 December
    expect(addWorkingDays('2026-12-02', 15)).toBe('2026-12-23');
    // a request sent on a Saturday counts from Monday
    expect(addWorkingDays('2026-11-28', 1)).toBe('2026-11-30');
  });

  it('skips Christmas, New Year and the May holidays', () => {
    // 10 December 2026 + 15 working days: 25 December and 1 January are skipped → 4 January 2027
    expect(addWorkingDays('2026-12-10', 15)).toBe('2027-01-04');
    // 30 April 2026: 1 May (Fri), 8 May (Fri), Ascension 14 May (Thu), Pentecost Monday 25 May skipped
    expect(addWorkingDays('2026-04-30', 15)).toBe('2026-05-27');
    // around Easter 2025: Easter Monday 21 April skipped
    expect(addWorkingDays('2025-04-17', 2)).toBe('2025-04-22');
  });

  it('counts working days between two dates, both ways', () => {
    expect(workingDaysBetween('2026-12-02', '2026-12-23')).toBe(15);
    expect(workingDaysBetween('2026-12-23', '2026-12-02')).toBe(-15);
    expect(workingDaysBetween('2026-12-02', '2026-12-02')).toBe(0);
  });

  it('reads the day of an instant in Paris time, not UTC', () => {
    expect(parisDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(parisDate(new Date('2026-07-01T21:59:00Z'))).toBe('2026-07-01');
    expect(parisDate(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
  });
});
