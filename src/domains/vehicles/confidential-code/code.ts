import { createHash, hkdfSync, randomInt, timingSafeEqual, type Hash } from 'node:crypto';

/**
 * Confidential codes: 5 digits, tied to the vehicle's current certificate, stored as an HMAC keyed
 * by a key derived from the server secret (a plain hash of 100,000 possible codes would be reversed
 * in a second by anyone holding the table). Compared in constant time.
 */
// Wrong codes are limited per account and address, with a per-vehicle cap as a last line: guess-limits.ts.

/**
 * HMAC-SHA256 (RFC 2104) under the key derived from the secret, with the key's two padded blocks
 * hashed once and their states copied for each code: the same digest as `createHmac`, a third of its
 * cost (an import hashes a million codes). Kept for the last secret seen (one per process in practice).
 */
let keyed: { secret: string; inner: Hash; outer: Hash } | undefined;

function states(secret: string): { inner: Hash; outer: Hash } {
  if (keyed?.secret !== secret) {
    const key = Buffer.from(hkdfSync('sha256', secret, 'confidential-code', 'portail-titres', 32));
    const pad = (byte: number) => Buffer.from(Array.from({ length: 64 }, (_, i) => (key[i] ?? 0) ^ byte));
    keyed = { secret, inner: createHash('sha256').update(pad(0x36)), outer: createHash('sha256').update(pad(0x5c)) };
  }
  return keyed;
}

export function hashConfidentialCode(secret: string, vehicleId: number, certificate: string | null, code: string): string {
  const { inner, outer } = states(secret);
  return outer.copy().update(inner.copy().update(`${vehicleId}:${certificate ?? ''}:${code}`).digest()).digest('hex');
}

export function confidentialCodeMatches(secret: string, stored: string, vehicleId: number, certificate: string | null, code: string): boolean {
  const given = Buffer.from(hashConfidentialCode(secret, vehicleId, certificate, code), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const newConfidentialCode = (): string => String(randomInt(0, 100_000)).padStart(5, '0');
export const isCodeShape = (code: string): boolean => /^\d{5}$/.test(code);
