/**
 * pdfkit, fontkit (its font parser: Marianne's faces) and qrcode (~0.4 s of CPU to load
 * together) are not loaded at start: a first page never needs them. The server loads them in the
 * background once it listens (`preloadPdfLibraries`), so that a first document does not wait for
 * them either; a document asked before that loads them itself.
 */
import { fontFaces } from './fonts.ts';

export type Libraries = {
  PDFDocument: typeof import('pdfkit');
  fontkit: Fontkit;
  QRCode: typeof import('qrcode');
};

/** What the portal uses of fontkit's module (it ships no types). */
export type Fontkit = { create(bytes: Buffer): unknown };

let loaded: Promise<Libraries> | null = null;

export function pdfLibraries(): Promise<Libraries> {
  loaded ??= Promise.all([
    import('pdfkit'),
    // @ts-expect-error fontkit ships no types: only `create` is used (Fontkit above)
    import('fontkit') as Promise<Fontkit>,
    import('qrcode'),
  ]).then(([pdfkit, fontkit, qrcode]) => ({
    PDFDocument: pdfkit.default,
    fontkit,
    QRCode: qrcode.default,
  }));
  return loaded;
}

/** Whether the libraries were loaded already (by `preloadPdfLibraries` or a first document). */
export const pdfLibrariesLoaded = (): boolean => loaded !== null;

/** Loads the libraries and parses Marianne's faces (fonts.ts): what a first document would otherwise wait for. */
export async function preloadPdfLibraries(): Promise<void> {
  const { fontkit } = await pdfLibraries();
  fontFaces(fontkit);
}

/**
 * After listening, the server waits this long before `preloadPdfLibraries` (one turn of ~0.4 s of
 * CPU: packages are evaluated in one go): the first visitors, who come right after the node answers
 * /healthz, get their pages first; nobody asks for a document within a second of a start.
 */
export const PDF_PRELOAD_DELAY_MS = 1000;
