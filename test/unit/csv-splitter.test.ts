import { createHmac, hkdfSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashConfidentialCode } from '../../src/domains/vehicles/confidential-code/code.ts';
import { CsvRecordTooLong, CsvSplitter, MAX_RECORD_LENGTH, parseCsv } from '../../src/platform/csv.ts';

const records = (pieces: string[]) => {
  const splitter = new CsvSplitter();
  return [...pieces.flatMap((p) => splitter.push(p)), ...splitter.end()];
};

describe('CSV read as a stream (registry import)', () => {
  const text = 'a;b;c\r\n1;"x;\r\ny ""z""";3\r\n\r\n  ;  \n4;5;6\r7;8;"9"';

  it('gives the same records wherever the stream is cut, with the line each starts on', () => {
    const whole = records([text]);
    expect(whole).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', 'x;\ny "z"', '3'] },
      { line: 6, cells: ['4', '5', '6'] },
      { line: 7, cells: ['7', '8', '9'] },
    ]);
    for (let cut = 1; cut < text.length; cut++) expect(records([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    expect(records(text.split(''))).toEqual(whole);
  });

  it('takes the separator from the first line, and keeps a quote never closed to the end', () => {
    expect(parseCsv('a,b\n1;2,3')).toEqual([['a', 'b'], ['1;2', '3']]);
    expect(parseCsv('a,b\n1,"2\n3')).toEqual([['a', 'b'], ['1', '2\n3']]);
  });
});

describe('CSV record length limit (issue 20: a file without line breaks)', () => {
  /** Feeds the chunks one by one; the index of the chunk that threw, and the error. */
  const firstThrow = (splitter: CsvSplitter, chunks: string[]) => {
    for (let i = 0; i < chunks.length; i++) {
      try {
        splitter.push(chunks[i]!);
      } catch (error) {
        return { at: i, error: error as Error };
      }
    }
    try {
      splitter.end();
    } catch (error) {
      return { at: chunks.length, error: error as Error };
    }
    return undefined;
  };

  it('stops at the first chunk taking a line past the limit, naming the line, instead of keeping the text', () => {
    const chunks = Array.from({ length: 50 }, () => 'x'.repeat(1000));
    const thrown = firstThrow(new CsvSplitter(4096), ['a,b\n1,2\n', ...chunks]);
    expect(thrown?.at).toBe(5); // 4,000 characters pending after chunk 4, 5,000 after chunk 5
    expect(thrown?.error).toBeInstanceOf(CsvRecordTooLong);
    expect(thrown?.error.message).toBe('Ligne 3 : plus de 4\u202f096 caractères sans fin de ligne (saut de ligne ou guillemet fermant manquant ?)');
  });

  it('names the line a quoted field opened on when the quote is never closed', () => {
    const thrown = firstThrow(new CsvSplitter(4096), ['a,b\n1,2\n3,"x\n', ...Array.from({ length: 20 }, () => `${'y'.repeat(500)}\n`)]);
    expect(thrown?.error.message).toMatch(/^Ligne 3 : plus de 4.096 caractères/u);
    expect(thrown?.at).toBeLessThanOrEqual(10);
  });

  it('refuses one complete line too long, and reads a line of exactly the limit', () => {
    expect(() => parseCsv(`a\n${'z'.repeat(MAX_RECORD_LENGTH + 1)}\n`)).toThrow(/^Ligne 2 : plus de 65.536 caractères/u);
    expect(parseCsv(`a\n${'z'.repeat(MAX_RECORD_LENGTH)}\n`)[1]![0]).toHaveLength(MAX_RECORD_LENGTH);
  });
});

describe('confidential code hash', () => {
  it('is the HMAC-SHA256 of the vehicle, certificate and code under the key derived from the secret', () => {
    for (const secret of ['a'.repeat(40), 'b'.repeat(64), 'a'.repeat(40)]) {
      const key = Buffer.from(hkdfSync('sha256', secret, 'confidential-code', 'portail-titres', 32));
      for (const [vehicle, certificate, code] of [[1, null, '00000'], [987654, '2017RV48832', '12345']] as const)
        expect(hashConfidentialCode(secret, vehicle, certificate, code)).toBe(createHmac('sha256', key).update(`${vehicle}:${certificate ?? ''}:${code}`).digest('hex'));
    }
  });
});
