import { generateKeyPairSync } from 'node:crypto';
import { createCanvas } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { dataMatrix, type Modules } from '../../src/platform/pdf/datamatrix.ts';
import { readDataMatrixInImages } from '../../src/platform/seal/read-pdf.ts';
import { createSeal } from '../../src/platform/seal/two-d-doc.ts';

/**
 * The portal's own DataMatrix encoder (src/platform/pdf/datamatrix.ts, which replaced bwip-js) is
 * read back by ZXing, an independent reader: every message it is given comes back exactly, across
 * the symbol sizes (one block, two, several), and a broken bit of the error correction or of the
 * placement would make ZXing read nothing or something else.
 */
function picture(m: Modules, scale = 5, quiet = 3): Buffer {
  const canvas = createCanvas((m.columns + 2 * quiet) * scale, (m.rows + 2 * quiet) * scale);
  const g = canvas.getContext('2d');
  g.fillStyle = '#ffffff';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.fillStyle = '#000000';
  for (let r = 0; r < m.rows; r++) for (let c = 0; c < m.columns; c++) if (m.dark(r, c)) g.fillRect((c + quiet) * scale, (r + quiet) * scale, scale, scale);
  return canvas.toBuffer('image/png');
}

const read = async (text: string) => (await readDataMatrixInImages([picture(dataMatrix(text))]))[0];

describe('the DataMatrix of a message', () => {
  it('is read back exactly by ZXing: a signed 2D-Doc seal of a certificate of sale, in the smallest square that holds it', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const seal = createSeal(
      { caId: 'FR01', certificateId: 'ABCD', privateKey },
      'P1',
      { F0: 'VC2600101000', F1: 'KZ3TQPWJ7NXRBD5HG2FMYA4CUE', F2: 'AB-123-CD', F3: 'VF1RFB00X12345678', F4: 'CAMILLE MARTIN', F9: 'JULIEN L’ÉCUYER', F7: '201120260000', F8: '60000' },
      new Date('2026-12-01T10:00:00Z'),
    );
    const m = dataMatrix(seal);
    expect(m.columns).toBe(52); // ~260 characters: 174 data codewords of 48 × 48 are too few, 204 of 52 × 52 enough
    expect(m.rows).toBe(52);
    expect(await read(seal)).toBe(seal);
  });

  it('writes every ASCII character (shifts for punctuation, control characters and small letters), whatever the length modulo 3', async () => {
    for (const text of ['A', 'AB', 'ABC', 'A\u001D', 'DC04\u001DF1X\u001FZ', 'l’a'.replace('’', "'"), 'Prix : 12,50 € ?'.replace('€', 'E'), '^_`{|}~ #$%&()*+<=>@[\\]', '0123456789'.repeat(3)])
      expect(await read(text), JSON.stringify(text)).toBe(text);
  });

  it('grows with its message, through the sizes of two and more interleaved blocks', async () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -/.,\u001D';
    const sides = new Set<number>();
    for (const length of [40, 130, 300, 420, 700, 1100]) {
      let text = '';
      for (let i = 0; i < length; i++) text += alphabet[(i * 7 + length) % alphabet.length];
      const m = dataMatrix(text);
      sides.add(m.columns);
      expect(await read(text), `${length} characters`).toBe(text);
    }
    expect([...sides].sort((a, b) => a - b)).toEqual([24, 40, 64, 72, 88, 104]); // 1, 1, 2, 4, 4 and 6 blocks
  });

  it('refuses what it cannot write rather than print a wrong code', () => {
    expect(() => dataMatrix('é')).toThrow(RangeError);
    expect(() => dataMatrix('A'.repeat(2400))).toThrow(RangeError);
  });
});
