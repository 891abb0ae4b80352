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

  it('serves the agency text as version 1, with every article from 1.1 to 1.20', () => {
    const terms = currentTerms(new Date('2026-12-01T00:00:00Z'));
    expect(terms.version).toBe('1');
    expect(terms.sha256).toMatch(/^[0-9a-f]{64}$/);
    const numbers = terms.blocks.filter((b) => b.kind === 'heading').map((b) => b.number);
    for (let i = 1; i <= 20; i++) expect(numbers).toContain(`1.${i}`);
    expect(terms.blocks.find((b) => b.number === '1.17')?.text).toBe('Agreement on proof');
  });

  it('knows no version that was not published', () => {
    expect(getTerms('99')).toBeNull();
  });
});
