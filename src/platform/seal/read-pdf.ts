import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Reading a PDF as a person or a scanner would: pdf.js draws each page on a canvas (skia), and
 * ZXing reads the DataMatrix codes in the picture. Used by the verification page (a PDF sent by
 * a user), `npm run verify-document` and the renders of docs/documents/.
 */
const require = createRequire(import.meta.url);
const PDFJS_DIR = path.dirname(path.dirname(require.resolve('pdfjs-dist/package.json')) + '/x');
// ZXing and skia are imported at the first reading, not at start (a first page never needs them)
type Reader = typeof import('zxing-wasm/reader');
let zxingReady: Promise<Reader> | null = null;
function zxing(): Promise<Reader> {
  zxingReady ??= import('zxing-wasm/reader').then(async (reader) => {
    const wasmBinary = readFileSync(require.resolve('zxing-wasm/reader/zxing_reader.wasm')).buffer as ArrayBuffer;
    await reader.prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
    return reader;
  });
  return zxingReady;
}

/** Each page of a PDF as a PNG, `scale` pixels per point (2 ≈ 144 dpi). */
export async function renderPdfPages(pdf: Uint8Array, scale = 2, maxPages = 20): Promise<Buffer[]> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const { createCanvas } = await import('@napi-rs/canvas');
  const task = pdfjs.getDocument({
    data: new Uint8Array(pdf),
    standardFontDataUrl: path.join(PDFJS_DIR, 'standard_fonts') + path.sep,
    wasmUrl: path.join(PDFJS_DIR, 'wasm') + path.sep,
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  });
  const document = await task.promise;
  try {
    const pages: Buffer[] = [];
    for (let i = 1; i <= Math.min(document.numPages, maxPages); i++) {
      const page = await document.getPage(i);
      const viewport = page.getViewport({ scale });
      const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
      const context = canvas.getContext('2d');
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, canvas.width, canvas.height);
      await page.render({ canvas: canvas as never, canvasContext: context as never, viewport }).promise;
      pages.push(canvas.toBuffer('image/png'));
      page.cleanup();
    }
    return pages;
  } finally {
    await document.destroy();
  }
}

/** The texts of the DataMatrix codes printed on a PDF's pages (first pages only). */
export async function readDataMatrixCodes(pdf: Uint8Array, maxPages = 3): Promise<string[]> {
  const pages = await renderPdfPages(pdf, 3, maxPages);
  return readDataMatrixInImages(pages);
}

/** The texts of the DataMatrix codes in PNG or JPEG pictures (a photo or a scan of the paper). */
export async function readDataMatrixInImages(images: Uint8Array[]): Promise<string[]> {
  const { readBarcodes } = await zxing();
  const found: string[] = [];
  for (const image of images) {
    const results = await readBarcodes(new Uint8Array(image), { formats: ['DataMatrix'], tryHarder: true, maxNumberOfSymbols: 4, textMode: 'Plain' });
    for (const r of results) if (r.isValid) found.push(r.text);
  }
  return found;
}
