import { describe, expect, it } from 'vitest';
import { computeTaxes, regionOfPostcode, type RateLookup, type TaxInput } from '../../src/domains/vehicles/taxes/model.ts';

/** The rates of migrations/0006 that these tests use. */
const RATES: Record<string, [string, number, boolean][]> = {
  'regional_per_cv:IDF': [['2024-01-01', 5495, false]],
  'regional_per_cv:BRE': [['2024-01-01', 5500, false], ['2025-02-01', 6000, false]],
  'regional_per_cv:ARA': [['2024-01-01', 4300, false]],
  'regional_per_cv:TST': [['2024-01-01', 7500, true]],
  'regional_ev_reduction:BRE': [['2024-01-01', 100, false], ['2025-05-01', 50, false]],
  'regional_ev_reduction:IDF': [['2024-01-01', 100, false], ['2025-05-01', 0, false]],
  'transport:upto_3_5t': [['2024-01-01', 3400, false]],
  'fixed:': [['2024-01-01', 1100, true]],
  'delivery:': [['2024-01-01', 276, true]],
};
const rate: RateLookup = (kind, key, at) => {
  const rows = (RATES[`${kind}:${key}`] ?? []).filter(([from]) => from <= at);
  const last = rows.at(-1);
  return last ? { amountCents: last[1], verified: last[2] } : null;
};
const car: TaxInput = { procedure: 'holder_change', category: 'M1', fiscalPower: 5, energy: 'ES', firstRegistrationDate: '2020-03-01', region: 'IDF', at: '2026-11-25' };
const amounts = (input: TaxInput) => Object.fromEntries(computeTaxes(input, rate).map((l) => [l.field, l.amountCents]));

describe('carte-grise taxes', () => {
  it('change of holder of a 5 CV car in Île-de-France: 5 × 54,95 € + 11 € + 2,76 €, Y1–Y4 rounded to the euro', () => {
    expect(amounts(car)).toEqual({ 'Y.1': 27475, 'Y.2': 0, 'Y.3': 0, 'Y.4': 1100, 'Y.5': 276, 'Y.6': 28876 });
  });
  it('halves the regional tax for a vehicle first registered 10 years ago or more', () => {
    expect(amounts({ ...car, firstRegistrationDate: '2016-11-25' })['Y.1']).toBe(13738);
    expect(amounts({ ...car, firstRegistrationDate: '2016-11-26' })['Y.1']).toBe(27475);
  });
  it('uses the rate in force at the date, and caps it at 60 € per CV', () => {
    expect(amounts({ ...car, region: 'BRE', at: '2025-01-31' })['Y.1']).toBe(27500);
    expect(amounts({ ...car, region: 'BRE', at: '2025-02-01' })['Y.1']).toBe(30000);
    const capped = computeTaxes({ ...car, region: 'TST' }, rate)[0]!;
    expect(capped.amountCents).toBe(30000);
    expect(capped.rule).toContain('plafonné à 60 € par CV');
  });
  it('applies the region’s vote for electric cars after 30 April 2025', () => {
    const ev = { ...car, energy: 'EL', region: 'BRE' };
    expect(amounts({ ...ev, at: '2025-04-30' })['Y.1']).toBe(0);
    expect(amounts({ ...ev, at: '2026-11-25' })['Y.1']).toBe(15000);
    expect(amounts({ ...ev, region: 'IDF' })['Y.1']).toBe(27475);
  });
  it('charges motorcycles half and mopeds nothing; transport vehicles pay Y.2', () => {
    expect(amounts({ ...car, category: 'L3e' })['Y.1']).toBe(13738);
    expect(amounts({ ...car, category: 'L1e' })['Y.1']).toBe(0);
    expect(amounts({ ...car, category: 'N1' })['Y.2']).toBe(3400);
  });
  it('a duplicate costs 11 € + 2,76 € = 13,76 € (no regional tax)', () => {
    expect(amounts({ ...car, procedure: 'duplicate' })).toEqual({ 'Y.1': 0, 'Y.2': 0, 'Y.3': 0, 'Y.4': 1100, 'Y.5': 276, 'Y.6': 1376 });
  });
  it('address change: a free label for the 1st to 3rd, then a new certificate exempt of Y.4 with delivery; FNI moves to SIV', () => {
    expect(amounts({ ...car, procedure: 'address_change', addressChangesSinceSiv: 2 })['Y.6']).toBe(0);
    expect(amounts({ ...car, procedure: 'address_change', addressChangesSinceSiv: 3 })).toEqual({ 'Y.1': 0, 'Y.2': 0, 'Y.3': 0, 'Y.4': 0, 'Y.5': 276, 'Y.6': 276 });
    const fni = computeTaxes({ ...car, procedure: 'address_change', fni: true }, rate);
    expect(fni.find((l) => l.field === 'Y.4')!.rule).toContain('passer au format SIV');
  });
  it('says which values are unverified', () => {
    const lines = computeTaxes(car, rate);
    expect(lines.find((l) => l.field === 'Y.1')!.unverified).toBe(true);
    expect(lines.find((l) => l.field === 'Y.4')!.unverified).toBe(false);
  });
  it('finds the region of a postcode, Corsica and overseas included', () => {
    expect(regionOfPostcode('75011')).toBe('IDF');
    expect(regionOfPostcode('20000')).toBe('COR');
    expect(regionOfPostcode('97400')).toBe('REU');
    expect(regionOfPostcode('35000')).toBe('BRE');
    expect(regionOfPostcode('99999')).toBeNull();
  });
});
