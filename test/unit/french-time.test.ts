import { describe, expect, it } from 'vitest';
import { readFrenchTime } from '../../src/platform/french-time.ts';

describe('readFrenchTime: a time of day as people write it in France', () => {
  it('reads « 14h30 », « 14 h 30 », « 14:30 », « 14h » and the like as hh:mm', () => {
    const read: Record<string, string> = {
      '14h30': '14:30', '14 h 30': '14:30', '14H30': '14:30', '14:30': '14:30', ' 14 : 30 ': '14:30',
      '14h': '14:00', '14 h': '14:00', '9h05': '09:05', '09:05': '09:05', '0h00': '00:00', '23h59': '23:59', '7:05': '07:05',
    };
    for (const [typed, hhmm] of Object.entries(read)) expect({ typed, reading: readFrenchTime(typed) }).toEqual({ typed, reading: { ok: true, hhmm } });
  });

  it('refuses an hour or minute that does not exist, and what is not a time', () => {
    for (const typed of ['25h', '24:00', '14h60', '14:5']) expect({ typed, reading: readFrenchTime(typed) }).toEqual({ typed, reading: expect.objectContaining({ ok: false }) });
    expect(readFrenchTime('25h')).toEqual({ ok: false, problem: 'range' });
    expect(readFrenchTime('14h60')).toEqual({ ok: false, problem: 'range' });
    for (const typed of ['midi', '14', '1430', '14-30', 'h30', '14h30m', '114h']) expect({ typed, reading: readFrenchTime(typed) }).toEqual({ typed, reading: { ok: false, problem: 'format' } });
    expect(readFrenchTime('  ')).toEqual({ ok: false, problem: 'empty' });
    expect(readFrenchTime(undefined)).toEqual({ ok: false, problem: 'empty' });
  });
});
