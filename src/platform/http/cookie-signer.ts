import { signerFactory, type UnsignResult } from '@fastify/cookie';
import { setKeepingAtMost } from '../bounded-map.ts';

/** What @fastify/cookie asks of a signer (its `secret` option). */
export interface CookieSigner {
  sign(value: string): string;
  unsign(input: string): UnsignResult;
}

/**
 * @fastify/cookie's signer (HMAC-SHA256 of the value), remembering the signed cookies it found
 * valid: a signed-in browser sends the same session cookie with every request, checked by the
 * waiting room and by the session. Only valid results are remembered, keyed by the whole cookie
 * (value and signature): an unknown, altered or forged cookie is always checked afresh, and a
 * remembered one gives back its own value only. At most `max` cookies, the oldest forgotten first.
 */
export function rememberingSigner(secret: string, max = 10_000): CookieSigner {
  const signer = signerFactory(secret);
  const valid = new Map<string, UnsignResult>();
  return {
    sign: (value: string) => signer.sign(value),
    unsign(input: string) {
      const known = valid.get(input);
      if (known) return { ...known };
      const result = signer.unsign(input);
      if (result.valid) {
        setKeepingAtMost(valid, input, { ...result }, max);
      }
      return result;
    },
  };
}
