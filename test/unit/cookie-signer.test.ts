import { signerFactory } from '@fastify/cookie';
import { describe, expect, it } from 'vitest';
import { rememberingSigner } from '../../src/platform/http/cookie-signer.ts';

const SECRET = 'test-secret-test-secret-test-secret-0123';

describe('the session cookie’s signer, remembering the cookies it verified', () => {
  it('signs and checks exactly as @fastify/cookie’s own signer', () => {
    const signer = rememberingSigner(SECRET);
    const plain = signerFactory(SECRET);
    expect(signer.sign('abc')).toBe(plain.sign('abc'));
    for (let round = 0; round < 2; round++) expect(signer.unsign(plain.sign('abc'))).toEqual({ valid: true, renew: false, value: 'abc' }); // checked, then remembered
    expect(signer.unsign('abc')).toEqual({ valid: false, renew: false, value: null });
  });

  it('refuses an altered or forged cookie, even right after the genuine one was remembered', () => {
    const signer = rememberingSigner(SECRET);
    const genuine = signer.sign('session-of-camille');
    expect(signer.unsign(genuine).valid).toBe(true); // now remembered
    const lastChar = genuine.at(-1)!;
    const altered = genuine.slice(0, -1) + (lastChar === 'A' ? 'B' : 'A');
    expect(signer.unsign(altered)).toEqual({ valid: false, renew: false, value: null });
    // another value carrying the remembered signature, and a value signed with another secret
    const signature = genuine.slice(genuine.lastIndexOf('.'));
    expect(signer.unsign(`session-of-julien${signature}`).valid).toBe(false);
    expect(signer.unsign(signerFactory('another-secret-another-secret-012345').sign('session-of-camille')).valid).toBe(false);
    expect(signer.unsign(genuine).value).toBe('session-of-camille');
  });

  it('gives each remembered cookie its own value, never another’s, and a caller cannot change what is remembered', () => {
    const signer = rememberingSigner(SECRET, 2);
    const cookies = ['a', 'b', 'c', 'd'].map((v) => signer.sign(`session-${v}`));
    for (const cookie of [...cookies, ...cookies.reverse()]) {
      const result = signer.unsign(cookie);
      expect(result.value).toBe(cookie.slice(0, cookie.lastIndexOf('.')));
      (result as { value: string | null }).value = 'tampered'; // a caller's mutation stays its own
    }
    expect(signer.unsign(cookies[0]!).value).toBe(cookies[0]!.slice(0, cookies[0]!.lastIndexOf('.')));
  });
});
