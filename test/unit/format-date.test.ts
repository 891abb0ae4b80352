import { describe, expect, it } from 'vitest';
import {
  formatCalendarDay,
  formatDate,
  formatDateTime,
  formatDayMonthTime,
  formatFullDate,
  formatLongDateTime,
} from '../../src/platform/format-date.ts';

// 1 December 2026, 10:00 in Paris (09:00 UTC) and 15 December 2026, 18:05 in Paris.
const first = new Date('2026-12-01T09:00:00Z');
const fifteenth = new Date('2026-12-15T17:05:00Z');

describe('French dates', () => {
  it('writes the first day of a month « 1er », in every long format', () => {
    expect(formatDate(first)).toBe('1er décembre 2026');
    expect(formatFullDate(first)).toBe('mardi 1er décembre 2026');
    expect(formatDateTime(first)).toBe('mardi 1er décembre 2026 à 10 h 00');
    expect(formatLongDateTime(first)).toBe('1er décembre 2026 à 10 h 00');
    expect(formatDayMonthTime(first)).toBe('1er décembre à 10 h 00');
    expect(formatCalendarDay('2027-01-01')).toBe('vendredi 1er janvier 2027');
  });

  it('leaves the other days as numbers (« 11 », « 21 », « 31 » take no « er »)', () => {
    expect(formatDate(fifteenth)).toBe('15 décembre 2026');
    expect(formatDateTime(fifteenth)).toBe('mardi 15 décembre 2026 à 18 h 05');
    expect(formatDate(new Date('2026-12-11T12:00:00Z'))).toBe('11 décembre 2026');
    expect(formatDate(new Date('2026-12-21T12:00:00Z'))).toBe('21 décembre 2026');
    expect(formatCalendarDay('2026-12-31')).toBe('jeudi 31 décembre 2026');
  });

  it('reads the day in Paris: 30 November at 23:30 UTC is already the 1st', () => {
    expect(formatDate(new Date('2026-11-30T23:30:00Z'))).toBe('1er décembre 2026');
  });
});
