/**
 * A DataMatrix (ECC 200, ISO/IEC 16022) of an ASCII message, as modules: what a 2D-Doc seal is
 * printed as. Written here because bwip-js, which emulates the PostScript of BWIPP to draw it, took
 * ~10 ms of CPU per seal (17 % of a sale's three documents); this takes well under a millisecond.
 *
 * The message is encoded in C40 (the 2D-Doc's own choice: upper-case letters, digits and space in
 * 2 bytes per 3 characters, anything else of ASCII through a shift), in the smallest square symbol
 * that holds it, padded, with its Reed–Solomon error correction interleaved as the standard lays
 * out, and placed by the standard's algorithm (annex F). ZXing reads it in the tests.
 */

/** The modules of a 2D code: `dark(row, column)`, row 0 on top. */
export interface Modules {
  columns: number;
  rows: number;
  dark: (row: number, column: number) => boolean;
}

/** A square ECC 200 symbol: its side, the side of each data region, its data and error-correction codewords, in how many blocks. */
interface Symbol {
  size: number;
  region: number;
  data: number;
  ecc: number;
  blocks: number;
}

// ISO/IEC 16022, table 7 (square symbols)
const SYMBOLS: readonly Symbol[] = [
  [10, 8, 3, 5, 1],
  [12, 10, 5, 7, 1],
  [14, 12, 8, 10, 1],
  [16, 14, 12, 12, 1],
  [18, 16, 18, 14, 1],
  [20, 18, 22, 18, 1],
  [22, 20, 30, 20, 1],
  [24, 22, 36, 24, 1],
  [26, 24, 44, 28, 1],
  [32, 14, 62, 36, 1],
  [36, 16, 86, 42, 1],
  [40, 18, 114, 48, 1],
  [44, 20, 144, 56, 1],
  [48, 22, 174, 68, 1],
  [52, 24, 204, 84, 2],
  [64, 14, 280, 112, 2],
  [72, 16, 368, 144, 4],
  [80, 18, 456, 192, 4],
  [88, 20, 576, 224, 4],
  [96, 22, 696, 272, 4],
  [104, 24, 816, 336, 6],
  [120, 18, 1050, 408, 6],
  [132, 20, 1304, 496, 8],
  [144, 22, 1558, 620, 10],
].map(([size, region, data, ecc, blocks]) => ({ size: size!, region: region!, data: data!, ecc: ecc!, blocks: blocks! }));

const LATCH_C40 = 230;
const UNLATCH = 254;
const PAD = 129;

/** The C40 values of one ASCII character: 1 for space, digits and capitals, 2 (a shift, then the value) for the rest. */
function c40Values(code: number): number[] {
  if (code === 32) return [3];
  if (code >= 48 && code <= 57) return [code - 44];
  if (code >= 65 && code <= 90) return [code - 51];
  if (code < 32) return [0, code]; // Shift 1: control characters (the 2D-Doc's GS and US)
  if (code <= 47) return [1, code - 33]; // Shift 2: ! " # $ % & ' ( ) * + , - . /
  if (code <= 64) return [1, code - 43]; // : ; < = > ? @
  if (code <= 95) return [1, code - 69]; // [ \ ] ^ _
  if (code <= 127) return [2, code - 96]; // Shift 3: ` a–z { | } ~ DEL
  throw new RangeError('DataMatrix : caractère hors de l’ASCII');
}

/** The data codewords of `text`: C40 from the start; a last character left alone in its triplet goes after an unlatch, in ASCII. */
function encode(text: string): number[] {
  const values = [...text].map((c) => c40Values(c.charCodeAt(0)));
  let c40Count = values.reduce((n, v) => n + v.length, 0);
  let tail = '';
  if (c40Count % 3 === 1) {
    // a lone last value cannot make a triplet: its character is written in ASCII after the unlatch
    tail = text.slice(-1);
    c40Count -= values.pop()!.length;
  }
  const flat = values.flat();
  while (flat.length % 3) flat.push(0); // two values left: completed with a Shift 1, which decodes to nothing
  const out = [LATCH_C40];
  for (let i = 0; i < flat.length; i += 3) {
    const v = 1600 * flat[i]! + 40 * flat[i + 1]! + flat[i + 2]! + 1;
    out.push(v >> 8, v & 255);
  }
  out.push(UNLATCH); // always: the codewords after it (the tail, the padding) are ASCII
  for (const c of tail) out.push(c.charCodeAt(0) + 1);
  return out;
}

/** Pads the data to the symbol's capacity: 129, then the standard's pseudo-random pads (253-state algorithm). */
function pad(data: number[], capacity: number): number[] {
  const out = data.slice();
  if (out.length < capacity) out.push(PAD);
  while (out.length < capacity) {
    const position = out.length + 1;
    const value = PAD + ((149 * position) % 253) + 1;
    out.push(value > 254 ? value - 254 : value);
  }
  return out;
}

// GF(256) with the polynomial x^8 + x^5 + x^3 + x^2 + 1 (301), α = 2
const EXP = new Uint8Array(512);
const LOG = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    EXP[i] = x;
    LOG[x] = i;
    x <<= 1;
    if (x & 256) x ^= 301;
  }
  for (let i = 255; i < 512; i++) EXP[i] = EXP[i - 255]!;
}
const multiply = (a: number, b: number) => (a && b ? EXP[LOG[a]! + LOG[b]!]! : 0);

const generators = new Map<number, number[]>();
/** The generator polynomial (x − α)(x − α²)…(x − α^n), coefficients from the highest degree, the leading 1 left out. */
function generator(n: number): number[] {
  let g = generators.get(n);
  if (g) return g;
  let poly = [1];
  for (let i = 1; i <= n; i++) {
    const next = new Array<number>(poly.length + 1).fill(0);
    for (let j = 0; j < poly.length; j++) {
      next[j] = next[j]! ^ poly[j]!;
      next[j + 1] = next[j + 1]! ^ multiply(poly[j]!, EXP[i]!);
    }
    poly = next;
  }
  g = poly.slice(1);
  generators.set(n, g);
  return g;
}

/** The error-correction codewords of one block: the remainder of its data divided by the generator. */
function reedSolomon(data: number[], n: number): number[] {
  const g = generator(n);
  const remainder = new Array<number>(n).fill(0);
  for (const d of data) {
    const factor = d ^ remainder[0]!;
    remainder.shift();
    remainder.push(0);
    if (factor) for (let i = 0; i < n; i++) remainder[i] = remainder[i]! ^ multiply(g[i]!, factor);
  }
  return remainder;
}

/** Data then error correction, each block taking every `blocks`-th codeword (interleaved). */
function withErrorCorrection(data: number[], s: Symbol): number[] {
  const out = data.slice();
  const perBlock = s.ecc / s.blocks;
  for (let b = 0; b < s.blocks; b++) {
    const block = data.filter((_, i) => i % s.blocks === b);
    reedSolomon(block, perBlock).forEach((e, j) => (out[s.data + j * s.blocks + b] = e));
  }
  return out;
}

/**
 * Annex F: which codeword bit each module of the mapping matrix (the data regions put together)
 * holds, as 8 × codeword index + bit (bit 0 the most significant); -1 for the fixed pattern's dark
 * module, -2 for its light one.
 */
function placement(rows: number, columns: number): Int32Array {
  const cells = new Int32Array(rows * columns).fill(-3); // -3: not placed yet
  const module = (row: number, column: number, codeword: number, bit: number) => {
    if (row < 0) {
      row += rows;
      column += 4 - ((rows + 4) % 8);
    }
    if (column < 0) {
      column += columns;
      row += 4 - ((columns + 4) % 8);
    }
    cells[row * columns + column] = 8 * codeword + bit;
  };
  const utah = (row: number, column: number, cw: number) => {
    module(row - 2, column - 2, cw, 0);
    module(row - 2, column - 1, cw, 1);
    module(row - 1, column - 2, cw, 2);
    module(row - 1, column - 1, cw, 3);
    module(row - 1, column, cw, 4);
    module(row, column - 2, cw, 5);
    module(row, column - 1, cw, 6);
    module(row, column, cw, 7);
  };
  const corner = (cw: number, places: [number, number][]) => places.forEach(([r, c], bit) => module(r, c, cw, bit));
  const R = rows;
  const C = columns;
  let cw = 0;
  let row = 4;
  let column = 0;
  do {
    if (row === R && column === 0) corner(cw++, [[R - 1, 0], [R - 1, 1], [R - 1, 2], [0, C - 2], [0, C - 1], [1, C - 1], [2, C - 1], [3, C - 1]]);
    if (row === R - 2 && column === 0 && C % 4) corner(cw++, [[R - 3, 0], [R - 2, 0], [R - 1, 0], [0, C - 4], [0, C - 3], [0, C - 2], [0, C - 1], [1, C - 1]]);
    if (row === R - 2 && column === 0 && C % 8 === 4) corner(cw++, [[R - 3, 0], [R - 2, 0], [R - 1, 0], [0, C - 2], [0, C - 1], [1, C - 1], [2, C - 1], [3, C - 1]]);
    if (row === R + 4 && column === 2 && !(C % 8)) corner(cw++, [[R - 1, 0], [R - 1, C - 1], [0, C - 3], [0, C - 2], [0, C - 1], [1, C - 3], [1, C - 2], [1, C - 1]]);
    do {
      if (row < R && column >= 0 && cells[row * C + column] === -3) utah(row, column, cw++);
      row -= 2;
      column += 2;
    } while (row >= 0 && column < C);
    row += 1;
    column += 3;
    do {
      if (row >= 0 && column < C && cells[row * C + column] === -3) utah(row, column, cw++);
      row += 2;
      column -= 2;
    } while (row < R && column >= 0);
    row += 3;
    column += 1;
  } while (row < R || column < C);
  if (cells[R * C - 1] === -3) {
    // the fixed pattern of the bottom-right corner when no codeword reaches it
    cells[R * C - 1] = cells[(R - 1) * C - 2] = -1;
    cells[R * C - 2] = cells[(R - 1) * C - 1] = -2;
  }
  return cells;
}

const placements = new Map<number, Int32Array>();

/** The DataMatrix of `text` (ASCII), as modules of the smallest square symbol that holds it. */
export function dataMatrix(text: string): Modules {
  const data = encode(text);
  const s = SYMBOLS.find((x) => x.data >= data.length);
  if (!s) throw new RangeError('DataMatrix : message trop long');
  const codewords = withErrorCorrection(pad(data, s.data), s);
  const regions = s.size / (s.region + 2);
  const side = regions * s.region;
  let cells = placements.get(s.size);
  if (!cells) placements.set(s.size, (cells = placement(side, side)));
  const grid = new Uint8Array(s.size * s.size);
  for (let row = 0; row < s.size; row++)
    for (let column = 0; column < s.size; column++) {
      const r = row % (s.region + 2);
      const c = column % (s.region + 2);
      let dark: boolean;
      if (c === 0 || r === s.region + 1) dark = true; // the finder: a solid left edge and bottom edge per region
      else if (r === 0) dark = c % 2 === 0; // the clock track: alternating top edge
      else if (c === s.region + 1) dark = r % 2 === 1; // and right edge
      else {
        const cell = cells[(Math.floor(row / (s.region + 2)) * s.region + r - 1) * side + Math.floor(column / (s.region + 2)) * s.region + c - 1]!;
        dark = cell === -1 || (cell >= 0 && ((codewords[cell >> 3]! >> (7 - (cell & 7))) & 1) === 1);
      }
      grid[row * s.size + column] = dark ? 1 : 0;
    }
  return { columns: s.size, rows: s.size, dark: (row, column) => grid[row * s.size + column] === 1 };
}
