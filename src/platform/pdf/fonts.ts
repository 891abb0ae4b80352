import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
// @ts-expect-error fontkit (pdfkit's font parser) ships no types: only `create` is used here
import * as fontkit from 'fontkit';

/**
 * The fonts of every issued document: Marianne, the State's typeface, from the DSFR package
 * (WOFF files; pdfkit reads them through fontkit and embeds a subset of each, as PDF/A requires).
 * Marianne has no narrow no-break space (U+202F): text goes through `printable` (text.ts) first.
 * Each face is parsed once per process and handed to every document as a fontkit font: parsing the
 * WOFF files again for each document cost ~100 ms of CPU per PDF; each document still embeds its own
 * subset.
 */
const require = createRequire(import.meta.url);
const FONTS_DIR = path.dirname(require.resolve('@gouvfr/dsfr/dist/fonts/Marianne-Regular.woff'));

export const FONT = { regular: 'Marianne', bold: 'Marianne-Bold', italic: 'Marianne-Italic' } as const;

/** A parsed font, as pdfkit's `registerFont` accepts it in place of a file. */
type Face = { layout(text: string): unknown };
const open = (file: string): Face => (fontkit as { create(bytes: Buffer): Face }).create(readFileSync(path.join(FONTS_DIR, file)));

let cache: Record<keyof typeof FONT, Face> | null = null;
/** The three faces, parsed on first use. */
export function fontFaces(): Record<keyof typeof FONT, Face> {
  cache ??= {
    regular: open('Marianne-Regular.woff'),
    bold: open('Marianne-Bold.woff'),
    italic: open('Marianne-Regular_Italic.woff'),
  };
  return cache;
}

/** Registers the three faces on a document; the standard font names used by older code map to them too. */
export function registerFonts(doc: PDFKit.PDFDocument): void {
  const f = fontFaces() as unknown as Record<keyof typeof FONT, string>; // pdfkit takes a fontkit font where its types say a path
  doc.registerFont(FONT.regular, f.regular);
  doc.registerFont(FONT.bold, f.bold);
  doc.registerFont(FONT.italic, f.italic);
  doc.registerFont('Helvetica', f.regular);
  doc.registerFont('Helvetica-Bold', f.bold);
  doc.registerFont('Helvetica-Oblique', f.italic);
}
