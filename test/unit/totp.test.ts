import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  decryptTotpSecret,
  encryptTotpSecret,
  generateTotpSecret,
  groupSecret,
  hotp,
  matchingStep,
  otpauthUri,
  totpAt,
  totpStep,
} from '../../src/domains/agents/totp.ts';
import { parseFormDateTime } from '../../src/platform/time.ts';

// RFC 6238 appendix B, SHA-1 key "12345678901234567890"; the RFC prints 8 digits, apps show the last 6.
const RFC_KEY = base32Encode(Buffer.from('12345678901234567890'));
const RFC_VECTORS: [number, string][] = [
  [59, '94287082'],
  [1_111_111_109, '07081804'],
  [1_111_111_111, '14050471'],
  [1_234_567_890, '89005924'],
  [2_000_000_000, '69279037'],
  [20_000_000_000, '65353130'],
];

describe('TOTP (RFC 6238)', () => {
  it('computes the RFC 6238 test vectors (SHA-1), 8 and 6 digits', () => {
    for (const [seconds, code] of RFC_VECTORS) {
      expect(hotp(base32Decode(RFC_KEY), totpStep(seconds * 1000), 8), `T=${seconds}`).toBe(code);
      expect(totpAt(RFC_KEY, seconds * 1000), `T=${seconds}`).toBe(code.slice(2));
    }
  });

  it('computes the RFC 4226 HOTP test vectors', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, i) => hotp(Buffer.from('12345678901234567890'), i))).toEqual(expected);
  });

  it('encodes and decodes base32 (RFC 4648), ignoring case, spaces and padding', () => {
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow('Clé base32 invalide');
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(base32Decode(groupSecret(secret))).toEqual(base32Decode(secret));
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });

  it('accepts the codes of the previous, current and next 30-second steps only', () => {
    const now = 1_790_000_015_000;
    const step = totpStep(now);
    expect(matchingStep(RFC_KEY, totpAt(RFC_KEY, now), now)).toBe(step);
    expect(matchingStep(RFC_KEY, totpAt(RFC_KEY, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(RFC_KEY, totpAt(RFC_KEY, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(RFC_KEY, totpAt(RFC_KEY, now - 60_000), now)).toBeNull();
    expect(matchingStep(RFC_KEY, totpAt(RFC_KEY, now + 60_000), now)).toBeNull();
    expect(matchingStep(RFC_KEY, '12345', now)).toBeNull();
    expect(matchingStep(RFC_KEY, 'abcdef', now)).toBeNull();
  });

  it('builds the otpauth:// URI authenticator apps import', () => {
    const uri = new URL(otpauthUri('JBSWY3DPEHPK3PXP', 'agent@example.fr'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Portail des titres sécurisés:agent@example.fr');
    expect(Object.fromEntries(uri.searchParams)).toEqual({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'Portail des titres sécurisés', algorithm: 'SHA1', digits: '6', period: '30' });
  });

  it('stores the secret encrypted (AES-256-GCM): not readable, bound to the agent and to the session secret', () => {
    const key = 'a-session-secret-of-at-least-32-characters';
    const sealed = encryptTotpSecret(key, 7, 'JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(encryptTotpSecret(key, 7, 'JBSWY3DPEHPK3PXP')).not.toBe(sealed); // a fresh IV each time
    expect(decryptTotpSecret(key, 7, sealed)).toBe('JBSWY3DPEHPK3PXP');
    expect(() => decryptTotpSecret(key, 8, sealed)).toThrow(); // copied to another agent's row
    expect(() => decryptTotpSecret(`${key}-rotated`, 7, sealed)).toThrow();
    const [v, iv, ct, tag] = sealed.split('.');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0]! ^= 1;
    expect(() => decryptTotpSecret(key, 7, [v, iv, flipped.toString('base64url'), tag].join('.'))).toThrow();
  });
});

describe('date and time typed in a form, in Paris time', () => {
  it('reads the datetime-local value and the French format, winter and summer', () => {
    expect(parseFormDateTime('2026-12-01T22:00')?.toISOString()).toBe('2026-12-01T21:00:00.000Z');
    expect(parseFormDateTime('01/12/2026 22:00')?.toISOString()).toBe('2026-12-01T21:00:00.000Z');
    expect(parseFormDateTime('1/7/2026 à 8h30')?.toISOString()).toBe('2026-07-01T06:30:00.000Z');
  });

  it('refuses what is not a real date and time', () => {
    for (const bad of ['', 'demain', '2026-02-30T10:00', '31/04/2026 10:00', '2026-12-01T24:00', '2026-12-01T22:60', '2026-12-01'])
      expect(parseFormDateTime(bad), bad).toBeNull();
  });
});
