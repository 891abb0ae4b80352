import { describe, expect, it } from 'vitest';
import { setKeepingAtMost } from '../../src/platform/bounded-map.ts';

describe('a map kept to at most N entries', () => {
  it('forgets the entry put first once full, and never grows past N', () => {
    const map = new Map<string, number>();
    for (let i = 0; i < 5; i++) setKeepingAtMost(map, `k${i}`, i, 3);
    expect([...map]).toEqual([
      ['k2', 2],
      ['k3', 3],
      ['k4', 4],
    ]);
  });
});
