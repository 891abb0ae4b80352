/**
 * pdfkit, bwip-js and qrcode (~0.4 s of CPU to load together) are imported when the first document
 * is made, not at start: a first page never needs them.
 */
type Libraries = {
  PDFDocument: typeof import('pdfkit');
  bwipjs: typeof import('bwip-js');
  QRCode: typeof import('qrcode');
};

let loaded: Promise<Libraries> | null = null;

export function pdfLibraries(): Promise<Libraries> {
  loaded ??= Promise.all([import('pdfkit'), import('bwip-js'), import('qrcode')]).then(([pdfkit, bwip, qrcode]) => ({
    PDFDocument: pdfkit.default,
    bwipjs: bwip.default,
    QRCode: qrcode.default,
  }));
  return loaded;
}
