import { describe, expect, it } from 'vitest';
import { checkPlate, isValidCertificateNumber, isValidVin } from '../../src/domains/vehicles/registry/identifiers.ts';
import { codeDelivery, requirementsFor, type AccountKind, type Initiator } from '../../src/domains/vehicles/procedures/requirements.ts';
import type { ProcedureKind } from '../../src/domains/vehicles/tables.ts';

describe('plates', () => {
  it('normalises SIV plates however they are typed', () => {
    for (const typed of ['ab-123-cd', 'AB123CD', ' ab 123 cd ', 'AB-123-CD']) expect(checkPlate(typed)).toEqual({ ok: true, plate: 'AB-123-CD', kind: 'siv' });
  });
  it('refuses I, O and U, SS in either block, WW on the left and 000', () => {
    expect(checkPlate('AI-123-CD')).toMatchObject({ ok: false, message: expect.stringContaining('I, O ou U') });
    expect(checkPlate('AB-123-OU')).toMatchObject({ ok: false });
    expect(checkPlate('SS-123-AB')).toMatchObject({ ok: false, message: 'Les lettres SS ne sont jamais attribuées' });
    expect(checkPlate('AB-123-SS')).toMatchObject({ ok: false, message: 'Les lettres SS ne sont jamais attribuées' });
    expect(checkPlate('WW-123-AB')).toMatchObject({ ok: false, message: expect.stringContaining('provisoires') });
    expect(checkPlate('AB-123-WW')).toMatchObject({ ok: true });
    expect(checkPlate('AB-000-CD')).toMatchObject({ ok: false, message: 'Le nombre 000 n’est jamais attribué' });
  });
  it('reads old FNI plates with a département, Corsica and overseas included', () => {
    expect(checkPlate('1234 ab 75')).toEqual({ ok: true, plate: '1234 AB 75', kind: 'fni' });
    expect(checkPlate('123ABC2A')).toEqual({ ok: true, plate: '123 ABC 2A', kind: 'fni' });
    expect(checkPlate('56 X 974')).toEqual({ ok: true, plate: '56 X 974', kind: 'fni' });
    expect(checkPlate('1234 AB 96')).toMatchObject({ ok: false });
  });
  it('explains the expected form for anything else', () => {
    expect(checkPlate('n’importe quoi')).toEqual({ ok: false, message: 'Le numéro d’immatriculation doit être de la forme AB-123-CD (ou 1234 AB 75 pour un ancien numéro)' });
    expect(checkPlate('')).toEqual({ ok: false, message: 'Saisissez le numéro d’immatriculation' });
  });
});

describe('VIN and certificate number', () => {
  it('accepts 17 characters without I, O, Q', () => {
    expect(isValidVin('VF1RFB00X56789012')).toBe(true);
    expect(isValidVin('VF1RFB00X5678901')).toBe(false);
    expect(isValidVin('VF1RFB00O56789012')).toBe(false);
  });
  it('reads a numéro de formule like 2017RV48832', () => {
    expect(isValidCertificateNumber('2017RV48832')).toBe(true);
    expect(isValidCertificateNumber('2017 rv 48832')).toBe(true);
    expect(isValidCertificateNumber('2005RV48832')).toBe(false);
    expect(isValidCertificateNumber('2017R48832')).toBe(false);
  });
  it('takes the year of the certificate up to the app clock’s year in Paris, never the machine’s', () => {
    // the test clock (1 Dec 2026): a 2027 certificate is not printed yet
    expect(isValidCertificateNumber('2026RV48832')).toBe(true);
    expect(isValidCertificateNumber('2027RV48832')).toBe(false);
    // New Year's Eve 23:30 UTC is already 1 January 2027 in Paris
    expect(isValidCertificateNumber('2027RV48832', new Date('2026-12-31T23:30:00Z'))).toBe(true);
    expect(isValidCertificateNumber('2027RV48832', new Date('2026-12-31T22:30:00Z'))).toBe(false);
    expect(isValidCertificateNumber('2019RV48832', new Date('2018-06-01T10:00:00Z'))).toBe(false);
  });
});

describe('the requirement matrix of the training slides, cell by cell', () => {
  // procedure, account, initiator → [plate, confidential code, card, code de cession] as in the slide ("OUI"/"NON")
  const SLIDE: [ProcedureKind, AccountKind, Initiator, string][] = [
    ['duplicate', 'ants', 'self', 'OUI OUI OUI NON'],
    ['duplicate', 'ants', 'other', 'OUI OUI OUI NON'],
    ['duplicate', 'certified', 'self', 'OUI NON OUI NON'],
    ['duplicate', 'certified', 'other', 'OUI OUI OUI NON'],
    ['address_change', 'ants', 'self', 'OUI OUI OUI NON'],
    ['address_change', 'ants', 'other', 'OUI OUI OUI NON'],
    ['address_change', 'certified', 'self', 'OUI NON OUI NON'],
    ['address_change', 'certified', 'other', 'OUI OUI OUI NON'],
    ['sale_declaration', 'ants', 'self', 'OUI OUI NON NON'],
    ['sale_declaration', 'ants', 'other', 'OUI OUI NON NON'],
    ['sale_declaration', 'certified', 'self', 'OUI NON NON NON'],
    ['sale_declaration', 'certified', 'other', 'OUI OUI NON NON'],
    ['holder_change', 'certified', 'self', 'OUI NON OUI OUI'],
    ['holder_change', 'certified', 'other', 'OUI NON OUI OUI'],
  ];
  it.each(SLIDE)('%s, %s account, for %s: %s', (kind, account, initiator, cells) => {
    const req = requirementsFor(kind, account, initiator)!;
    expect([req.plate, req.confidentialCode, req.cardPayment, req.cessionCode].map((b) => (b ? 'OUI' : 'NON')).join(' ')).toBe(cells);
  });
  it('opens the change of holder to certified accounts only', () => {
    expect(requirementsFor('holder_change', 'ants', 'self')).toBeNull();
    expect(requirementsFor('holder_change', 'ants', 'other')).toBeNull();
  });
});

describe('delivery of a new confidential code (mode d’acheminement)', () => {
  it('goes to the holder only: a letter always, the code by email only to the holder’s own certified account (decision 0014)', () => {
    expect(codeDelivery({ link: 'proven', longTermLease: false })).toEqual({ email: 'code', letter: 'holder_address' });
    expect(codeDelivery({ link: 'declared', longTermLease: false })).toEqual({ email: 'notice', letter: 'holder_address' });
    expect(codeDelivery({ link: null, longTermLease: false })).toEqual({ email: null, letter: 'holder_address' });
    expect(codeDelivery({ link: null, longTermLease: true })).toEqual({ email: null, letter: 'previous_title_address' });
  });
});

describe('the demo registry', () => {
  it('has a few hundred vehicles with valid, unique plates, VINs and certificate numbers, covering every case', async () => {
    const { demoRegistry } = await import('../../src/domains/vehicles/registry/demo-registry.ts');
    const entries = demoRegistry({ individual: 1, legalEntity: 2 });
    expect(entries.length).toBeGreaterThanOrEqual(250);
    expect(new Set(entries.map((e) => e.plate)).size).toBe(entries.length);
    for (const e of entries) {
      expect(checkPlate(e.plate), e.plate).toMatchObject({ ok: true, plate: e.plate, kind: e.plateKind });
      expect(isValidVin(e.vin), e.vin).toBe(true);
      if (e.certificateNumber) expect(isValidCertificateNumber(e.certificateNumber), e.certificateNumber).toBe(true);
    }
    const has = (f: (e: (typeof entries)[number]) => boolean) => entries.some(f);
    expect(has((e) => e.plateKind === 'fni')).toBe(true);
    expect(has((e) => e.holder.kind === 'legal')).toBe(true);
    expect(has((e) => !!e.coHolders?.length)).toBe(true);
    expect(has((e) => !!e.longTermLease)).toBe(true);
    expect(has((e) => !!e.encumbrances?.some((x) => x.kind === 'gage'))).toBe(true);
    expect(has((e) => !!e.encumbrances?.some((x) => x.kind.startsWith('otci')))).toBe(true);
    expect(has((e) => e.addressChangesSinceSiv === 3)).toBe(true);
    expect(entries.filter((e) => e.accountId === 1).map((e) => e.plate)).toEqual(['AB-123-CD', '1234 AB 75', 'VW-654-XY']);
  });
});
