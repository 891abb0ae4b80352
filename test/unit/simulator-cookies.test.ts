import { describe, expect, it } from 'vitest';
import { withoutExpiry } from '../../src/web/franceconnect-simulator.tsx';

/**
 * The FranceConnect simulator's cookies are session cookies: their Expires, computed from the app
 * clock (fixed in tests, movable by APP_CLOCK_START), would be judged by the browser's own clock and
 * drop the cookie at once (the browser tests failed after 09:15 UTC on the real 1 December 2026).
 */
describe('simulator cookies', () => {
  it('drops Expires and Max-Age, keeps every other attribute', () => {
    const cookie = 'fc_sim_interaction=abc; path=/fc-simulateur/interaction/abc; expires=Tue, 01 Dec 2026 09:15:10 GMT; samesite=lax; httponly';
    expect(withoutExpiry(cookie)).toBe('fc_sim_interaction=abc; path=/fc-simulateur/interaction/abc; samesite=lax; httponly');
    expect(withoutExpiry([cookie, 'x=1; Max-Age=600; Path=/'])).toEqual(['fc_sim_interaction=abc; path=/fc-simulateur/interaction/abc; samesite=lax; httponly', 'x=1; Path=/']);
    expect(withoutExpiry(3)).toBe(3);
  });
});
