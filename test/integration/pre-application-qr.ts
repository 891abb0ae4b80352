import { inflateSync } from 'node:zlib';
import jsQRModule from 'jsqr';

// jsqr is a CommonJS bundle: its function is the module itself or its `default`, depending on the loader.
type JsQR = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR: JsQR = ((jsQRModule as unknown as { default?: JsQR }).default ?? jsQRModule) as unknown as JsQR;

/**
 * Decodes the QR code printed on a PDF made by pdfkit: finds each embedded image XObject, inflates
 * its pixels (undoing the PNG row filters when pdfkit kept them), and reads it with jsQR.
 * Returns the first QR text found, or null.
 */
export function decodeQrFromPdf(pdf: Buffer): string | null {
  const raw = pdf.toString('latin1');
  for (const m of raw.matchAll(/<<((?:(?!>>\s*stream)[\s\S])*?\/Subtype \/Image[\s\S]*?)>>\s*stream\r?\n/g)) {
    const dict = m[1]!;
    const num = (key: string) => Number(new RegExp(`/${key} (\\d+)`).exec(dict)?.[1]);
    const width = num('Width');
    const height = num('Height');
    const length = num('Length');
    const colors = /\/DeviceRGB/.test(dict) ? 3 : 1;
    if (num('BitsPerComponent') !== 8 || !width || !height || !length) continue;
    const start = m.index! + m[0].length;
    let data: Buffer;
    try {
      data = inflateSync(pdf.subarray(start, start + length));
    } catch {
      continue;
    }
    if (/\/Predictor (1[0-5])/.test(dict)) data = unfilterPng(data, width, height, colors);
    if (data.length < width * height * colors) continue;
    const rgba = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) rgba[i * 4 + c] = data[i * colors + (colors === 3 ? c : 0)]!;
      rgba[i * 4 + 3] = 255;
    }
    const code = jsQR(rgba, width, height);
    if (code) return code.data;
  }
  return null;
}

/** PNG row filters (None, Sub, Up, Average, Paeth) undone, 8 bits per sample. */
function unfilterPng(data: Buffer, width: number, height: number, bpp: number): Buffer {
  const stride = width * bpp;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = data[y * (stride + 1)]!;
    const row = data.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? out[y * stride + x - bpp]! : 0;
      const b = y > 0 ? out[(y - 1) * stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp]! : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const predictor = [0, a, b, (a + b) >> 1, paeth][filter] ?? 0;
      out[y * stride + x] = (row[x]! + predictor) & 0xff;
    }
  }
  return out;
}
