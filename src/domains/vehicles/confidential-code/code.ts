import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Confidential codes: 5 digits, tied to the vehicle's current certificate, stored as an HMAC keyed
 * by a key derived from the server secret (a plain hash of 100,000 possible codes would be reversed
 * in a second by anyone holding the table). Compared in constant time.
 */
// Wrong codes are limited per account and address, with a per-vehicle cap as a last line: guess-limits.ts.

function key(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', secret, 'confidential-code', 'portail-titres', 32));
}

export function hashConfidentialCode(secret: string, vehicleId: number, certificate: string | null, code: string): string {
  return createHmac('sha256', key(secret)).update(`${vehicleId}:${certificate ?? ''}:${code}`).digest('hex');
}

export function confidentialCodeMatches(secret: string, stored: string, vehicleId: number, certificate: string | null, code: string): boolean {
  const given = Buffer.from(hashConfidentialCode(secret, vehicleId, certificate, code), 'hex');
  const expected = Buffer.from(stored, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export const newConfidentialCode = (): string => String(randomInt(0, 100_000)).padStart(5, '0');
export const isCodeShape = (code: string): boolean => /^\d{5}$/.test(code);
