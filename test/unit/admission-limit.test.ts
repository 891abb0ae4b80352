import { describe, expect, it } from 'vitest';
import { AdaptiveLimit } from '../../src/platform/http/admission-limit.ts';

/** Feeds one window of `count` answers of `ms` each, the window closing at `at` + 1 s. */
function window(limit: AdaptiveLimit, at: number, ms: number, { count = 20, full = false } = {}): number {
  if (full) limit.full();
  for (let i = 0; i < count; i++) limit.record(ms, at + (i === count - 1 ? 1000 : i));
  return at + 1000;
}

describe('the waiting room’s adaptive limit', () => {
  it('starts at the ceiling and stays there while admitted pages are fast', () => {
    const limit = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    expect(limit.current()).toBe(16);
    let t = 0;
    for (let i = 0; i < 5; i++) t = window(limit, t, 50, { full: true });
    expect(limit.current()).toBe(16);
  });

  it('shrinks by a fifth for each window whose slowest tenth is over the target, never under the floor', () => {
    const limit = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    let t = 0;
    t = window(limit, t, 900);
    expect(limit.current()).toBe(12);
    t = window(limit, t, 900);
    expect(limit.current()).toBe(9);
    for (let i = 0; i < 10; i++) t = window(limit, t, 900);
    expect(limit.current()).toBe(4);
  });

  it('judges on the slowest tenth: a few slow answers among fast ones shrink it, one does not', () => {
    const one = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    for (let i = 0; i < 19; i++) one.record(50, i);
    one.record(5000, 1000);
    expect(one.current()).toBe(16);
    const three = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    for (let i = 0; i < 3; i++) three.record(5000, i);
    for (let i = 0; i < 17; i++) three.record(50, i === 16 ? 1000 : 10 + i);
    expect(three.current()).toBe(12);
  });

  it('grows back when pages are fast again and newcomers were kept waiting, up to the ceiling', () => {
    const limit = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    let t = 0;
    for (let i = 0; i < 10; i++) t = window(limit, t, 900);
    expect(limit.current()).toBe(4);
    t = window(limit, t, 100, { full: true });
    expect(limit.current()).toBe(5);
    for (let i = 0; i < 40; i++) t = window(limit, t, 100, { full: true });
    expect(limit.current()).toBe(16);
  });

  it('does not grow without newcomers kept waiting, nor when pages are near the target', () => {
    const limit = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    let t = window(limit, 0, 900);
    expect(limit.current()).toBe(12);
    t = window(limit, t, 100); // nobody waited: no sign that more places would be used
    expect(limit.current()).toBe(12);
    t = window(limit, t, 300, { full: true }); // under the target but not by half: holds
    expect(limit.current()).toBe(12);
  });

  it('closes a window only after enough answers and enough time', () => {
    const limit = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    for (let i = 0; i < 5; i++) limit.record(900, 5000 + i); // 5 answers, a long time: too few
    limit.record(900, 8000);
    expect(limit.current()).toBe(16);
    const quick = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 400 });
    for (let i = 0; i < 50; i++) quick.record(900, i); // many answers within 50 ms: too soon
    expect(quick.current()).toBe(16);
  });

  it('is fixed at the ceiling with a target of 0, and never above a small ceiling', () => {
    const fixed = new AdaptiveLimit({ max: 16, floor: 4, targetMs: 0 });
    let t = 0;
    for (let i = 0; i < 5; i++) t = window(fixed, t, 5000);
    expect(fixed.current()).toBe(16);
    const small = new AdaptiveLimit({ max: 2, floor: 4, targetMs: 400 });
    for (let i = 0; i < 5; i++) t = window(small, t, 5000);
    expect(small.current()).toBe(2);
  });
});
