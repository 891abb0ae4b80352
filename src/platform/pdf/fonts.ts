import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * The fonts of every issued document: Marianne, the State's typeface, from the DSFR package
 * (WOFF files; pdfkit reads them through fontkit and embeds a subset of each, as PDF/A requires).
 * Marianne has no narrow no-break space (U+202F): text goes through `printable` (text.ts) first.
 */
const require = createRequire(import.meta.url);
const FONTS_DIR = path.dirname(require.resolve('@gouvfr/dsfr/dist/fonts/Marianne-Regular.woff'));

export const FONT = { regular: 'Marianne', bold: 'Marianne-Bold', italic: 'Marianne-Italic' } as const;

let cache: Record<keyof typeof FONT, Buffer> | null = null;
export function fontFiles(): Record<keyof typeof FONT, Buffer> {
  cache ??= {
    regular: readFileSync(path.join(FONTS_DIR, 'Marianne-Regular.woff')),
    bold: readFileSync(path.join(FONTS_DIR, 'Marianne-Bold.woff')),
    italic: readFileSync(path.join(FONTS_DIR, 'Marianne-Regular_Italic.woff')),
  };
  return cache;
}

/** Registers the three faces on a document; the standard font names used by older code map to them too. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const f = fontFiles();
  doc.registerFont(FONT.regular, f.regular);
  doc.registerFont(FONT.bold, f.bold);
  doc.registerFont(FONT.italic, f.italic);
  doc.registerFont('Helvetica', f.regular);
  doc.registerFont('Helvetica-Bold', f.bold);
  doc.registerFont('Helvetica-Oblique', f.italic);
}
