import { describe, expect, it } from 'vitest';
import { currentTerms, getTerms, parseTerms } from '../../src/domains/site/terms.ts';

describe('terms of use', () => {
  it('parses numbered headings, list items and paragraphs', () => {
    const parsed = parseTerms('Title\n\n1\u00a0\u00a0 General\n1.1\u00a0 Purpose\nSome text.\n-    first item\n•  second item\n');
    expect(parsed.title).toBe('Title');
    expect(parsed.blocks).toEqual([
      { kind: 'heading', level: 2, number: '1', text: 'General' },
      { kind: 'heading', level: 3, number: '1.1', text: 'Purpose' },
      { kind: 'paragraph', text: 'Some text.' },
      { kind: 'item', text: 'first item' },
      { kind: 'item', text: 'second item' },
    ]);
  });

  it('reads three-level article numbers as headings one level down', () => {
    const parsed = parseTerms('T\n1.9.1   Créations graphiques\n');
    expect(parsed.blocks).toEqual([{ kind: 'heading', level: 4, number: '1.9.1', text: 'Créations graphiques' }]);
  });

  it('keeps the English text of version 1, with every article from 1.1 to 1.20', () => {
    const terms = getTerms('1')!;
    expect(terms.lang).toBe('en');
    expect(terms.effectiveFrom).toBe('2026-11-25');
    const numbers = terms.blocks.filter((b) => b.kind === 'heading').map((b) => b.number);
    for (let i = 1; i <= 20; i++) expect(numbers).toContain(`1.${i}`);
    expect(terms.blocks.find((b) => b.number === '1.17')?.text).toBe('Agreement on proof');
  });

  it('serves the French text, which governs, as version 2 from 1 December 2026 with the same articles', () => {
    expect(currentTerms(new Date('2026-11-30T12:00:00Z')).version).toBe('1');
    const terms = currentTerms(new Date('2026-12-01T00:00:00Z'));
    expect(terms.version).toBe('2');
    expect(terms.lang).toBe('fr');
    expect(terms.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(terms.sha256).not.toBe(getTerms('1')!.sha256);
    const english = getTerms('1')!.blocks.filter((b) => b.kind === 'heading').map((b) => b.number);
    const french = terms.blocks.filter((b) => b.kind === 'heading').map((b) => b.number);
    expect(french).toEqual(english);
    expect(terms.blocks.find((b) => b.number === '1.17')?.text).toBe('Convention de preuve');
    const text = terms.blocks.map((b) => b.text).join('\n');
    expect(text).toContain('toute reproduction totale ou partielle de ce site ou de l’un de ses éléments est strictement interdite');
    expect(text).toContain('article 441-1 du code pénal');
    expect(text).toContain('les CGU rédigées en langue française prévalent sur toute traduction en langue étrangère');
    expect(text).not.toMatch(/\b(the|and|of)\b/);
  });

  it('knows no version that was not published', () => {
    expect(getTerms('99')).toBeNull();
  });
});
