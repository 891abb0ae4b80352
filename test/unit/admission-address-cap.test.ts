import { describe, expect, it } from 'vitest';
import { mustWaitForAddress } from '../../src/platform/http/admission.ts';

describe('places held by one address among people not signed in', () => {
  it('are not capped while the node is less than half full (many people behind one shared address)', () => {
    expect(mustWaitForAddress(7, 16, 7, 4)).toBe(false);
    expect(mustWaitForAddress(0, 16, 0, 4)).toBe(false);
  });

  it('are capped at the per-address number once the node is half full', () => {
    expect(mustWaitForAddress(8, 16, 3, 4)).toBe(false);
    expect(mustWaitForAddress(8, 16, 4, 4)).toBe(true);
    expect(mustWaitForAddress(15, 16, 8, 4)).toBe(true);
  });
});
