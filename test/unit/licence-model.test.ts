import { describe, expect, it } from 'vitest';
import {
  ageOn,
  canFire,
  categoryTooYoung,
  decisionsFrom,
  formatNeph,
  nephField,
  requiredPieces,
  sixMonthsBefore,
  stampAmountCents,
  STATUS_KEYS,
  TRANSITIONS,
  type Transition,
} from '../../src/domains/licences/model.ts';

describe('driving-licence rules', () => {
  it('computes the age in full years and refuses a category before its minimum age', () => {
    expect(ageOn('2009-03-12', '2026-03-11')).toBe(16);
    expect(ageOn('2009-03-12', '2026-03-12')).toBe(17);
    expect(categoryTooYoung(['B'], '2009-03-12', '2026-03-11')).toEqual({ category: 'B', minAge: 17, age: 16 });
    expect(categoryTooYoung(['AM', 'B'], '2009-03-12', '2026-03-12')).toBeNull();
    expect(categoryTooYoung(['C'], '2006-01-01', '2026-03-12')).toEqual({ category: 'C', minAge: 21, age: 20 });
    expect(categoryTooYoung(['D'], '2003-01-01', '2026-03-12')).toEqual({ category: 'D', minAge: 24, age: 23 });
    expect(categoryTooYoung(['AM'], '2012-03-12', '2026-03-12')).toBeNull();
  });

  it('accepts an empty or 12-digit NEPH and refuses anything else', () => {
    expect(nephField.safeParse('').success).toBe(true);
    expect(nephField.safeParse('2403 7501 0123').data).toBe('240375010123');
    expect(nephField.safeParse('24037501012').success).toBe(false);
    expect(nephField.safeParse('24037501012A').success).toBe(false);
    expect(formatNeph(new Date('2026-11-25T10:00:00Z'), '75', 12)).toBe('261175010012');
    expect(formatNeph(new Date('2026-01-05T10:00:00Z'), '2A', 1)).toBe('260120010001');
  });

  it('charges 25 € for loss, theft and damage, 12,50 € in Guyane, nothing otherwise', () => {
    expect(stampAmountCents('loss', '75011')).toBe(2500);
    expect(stampAmountCents('theft', '97300')).toBe(1250);
    expect(stampAmountCents('damage', undefined)).toBe(2500);
    expect(stampAmountCents('registration', '75011')).toBe(0);
    expect(stampAmountCents('renewal', '75011')).toBe(0);
  });

  it('asks for the pieces of each reason', () => {
    expect(requiredPieces('registration', ['B'])).toEqual(['identity', 'address']);
    expect(requiredPieces('registration', ['C'])).toEqual(['identity', 'address', 'medical']);
    expect(requiredPieces('theft', [])).toEqual(['identity', 'address', 'police_report']);
    expect(requiredPieces('title_suspension', ['B'])).toEqual(['identity', 'address', 'medical']);
    expect(requiredPieces('foreign_exchange', ['B'])).toEqual(['identity', 'address', 'foreign_licence', 'rights_certificate']);
  });

  it('six months before, clamped to the end of a shorter month', () => {
    expect(sixMonthsBefore('2026-11-25')).toBe('2026-05-25');
    expect(sixMonthsBefore('2026-03-15')).toBe('2025-09-15');
    expect(sixMonthsBefore('2026-08-31')).toBe('2026-02-28');
  });

  it('follows the FAQ table: each status allows only its transitions, validated is final', () => {
    expect(canFire('submit', 'draft')).toBe(true);
    expect(canFire('validate', 'images_check')).toBe(false);
    expect(decisionsFrom('images_check')).toEqual(['accept_images', 'reject_images']);
    expect(decisionsFrom('instruction')).toEqual(['request_complement', 'reject', 'validate']);
    for (const final of ['validated', 'rejected', 'images_rejected'] as const) expect((Object.keys(TRANSITIONS) as Transition[]).filter((tr) => canFire(tr, final))).toEqual([]);
    expect(STATUS_KEYS).toEqual(['draft', 'sent', 'images_check', 'instruction', 'to_complete', 'images_rejected', 'rejected', 'validated']);
  });
});
