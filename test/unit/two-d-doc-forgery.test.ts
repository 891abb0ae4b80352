import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ephemeralSigner } from '../../src/platform/seal/keys.ts';
import { createSeal, parseSeal, SealFormatError, signatureValid } from '../../src/platform/seal/two-d-doc.ts';

/**
 * Forgeries an outside attacker found (issue 17's outsider check): a character swapped for another
 * of the same low byte (A → Ł U+0141) kept a latin1 signature valid, and escape sequences in a value
 * reached the verify CLI's terminal. Each must be refused before any signature check.
 */
describe('2D-Doc seals refuse forged characters', () => {
  const signer = ephemeralSigner();
  const seal = createSeal(signer, 'P7', { F0: 'P26-DEMO2345', F4: 'CAMILLE MARTIN', F5: '01122026' }, new Date('2026-12-01T10:00:00Z'), new Date('2026-12-01T10:00:00Z'));

  it('verifies the genuine seal', () => {
    const parsed = parseSeal(seal);
    expect(parsed.fields.F4).toBe('CAMILLE MARTIN');
    expect(signatureValid(parsed, createPublicKey(signer.privateKey))).toBe(true);
  });

  it('refuses a value whose letters were swapped for characters with the same low byte', () => {
    const forged = seal.replace('CAMILLE MARTIN', 'C\u0141MILLE M\u0141RTIN').replace('01122026', '0\u0431\u0431\u0432\u04322026'.slice(0, 8));
    expect(() => parseSeal(forged)).toThrow(SealFormatError);
    expect(() => parseSeal(forged)).toThrow('caractère non autorisé dans un 2D-Doc');
  });

  it('refuses terminal escape sequences in a value', () => {
    const forged = seal.replace('CAMILLE MARTIN', '\u001b[2K\u001b[1ACAMILLE');
    expect(() => parseSeal(forged)).toThrow(SealFormatError);
  });

  it('a changed letter within the allowed set breaks the signature', () => {
    const parsed = parseSeal(seal.replace('CAMILLE MARTIN', 'CAMILLE MARTIM'));
    expect(signatureValid(parsed, createPublicKey(signer.privateKey))).toBe(false);
  });
});
