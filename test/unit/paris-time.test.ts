import { describe, expect, it } from 'vitest';
import { parisInstant } from '../../src/domains/vehicles/sale/model.ts';
import { parseParisTime } from '../../src/platform/time.ts';

/** The former way, a formatter built per call: the reference the cached offsets must match. */
function referenceOffsetMs(instant: Date): number {
  return new Date(instant.toLocaleString('en-US', { timeZone: 'Europe/Paris' })).getTime() - new Date(instant.toLocaleString('en-US', { timeZone: 'UTC' })).getTime();
}

describe('Paris wall-clock time read without a formatter per call', () => {
  it('reads winter and summer times, and both sides of each change of time', () => {
    expect(parseParisTime('2026-12-01T10:00').toISOString()).toBe('2026-12-01T09:00:00.000Z');
    expect(parseParisTime('2026-07-14T10:00').toISOString()).toBe('2026-07-14T08:00:00.000Z');
    expect(parseParisTime('2026-03-29T01:59').toISOString()).toBe('2026-03-29T00:59:00.000Z'); // last minute of winter time
    expect(parseParisTime('2026-03-29T03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z'); // first of summer time
    expect(parseParisTime('2026-10-25T01:59').toISOString()).toBe('2026-10-24T23:59:00.000Z');
    expect(parseParisTime('2026-10-25T03:00').toISOString()).toBe('2026-10-25T02:00:00.000Z');
    expect(parisInstant('2026-11-21', '14:30').toISOString()).toBe('2026-11-21T13:30:00.000Z');
  });

  it('agrees with the former computation every 37 minutes over two years', () => {
    const start = Date.UTC(2026, 0, 1);
    for (let t = start; t < start + 2 * 366 * 86_400_000; t += 37 * 60_000) {
      const local = new Date(t + referenceOffsetMs(new Date(t))).toISOString().slice(0, 16);
      const back = parseParisTime(local).getTime();
      // an hour that happens twice (October) may resolve to either instant; every other time maps back exactly
      if (back !== t) expect(Math.abs(back - t), local).toBe(3_600_000);
      else expect(back).toBe(t);
    }
  });

  it('is fast: 200,000 conversions well under a second', () => {
    const started = performance.now();
    for (let i = 0; i < 200_000; i++) parisInstant('2026-11-21', `${String(i % 24).padStart(2, '0')}:30`);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
