import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { presetSubset, reuseAcrossDocuments, type EmbeddedFont, type Face } from './font-reuse.ts';
import type { Fontkit } from './libraries.ts';

/**
 * The fonts of every issued document: Marianne, the State's typeface, from the DSFR package
 * (WOFF files; pdfkit reads them through fontkit and embeds a subset of each, as PDF/A requires).
 * Marianne has no narrow no-break space (U+202F): text goes through `printable` (text.ts) first.
 * Each face is parsed once per process and handed to every document as a fontkit font: parsing the
 * WOFF files again for each document cost ~100 ms of CPU per PDF; each document still embeds its own
 * subset, made from the same first glyphs (font-reuse.ts: layouts and subsets reused across documents).
 * fontkit comes from pdfLibraries() (libraries.ts): the same module pdfkit imports, loaded with it.
 */
const require = createRequire(import.meta.url);
const FONTS_DIR = path.dirname(require.resolve('@gouvfr/dsfr/dist/fonts/Marianne-Regular.woff'));

export const FONT = { regular: 'Marianne', bold: 'Marianne-Bold', italic: 'Marianne-Italic' } as const;

let cache: Record<keyof typeof FONT, Face> | null = null;
/** The three faces, parsed on first use. */
export function fontFaces(fontkit: Fontkit): Record<keyof typeof FONT, Face> {
  const open = (file: string) => fontkit.create(readFileSync(path.join(FONTS_DIR, file))) as Face;
  cache ??= {
    regular: open('Marianne-Regular.woff'),
    bold: open('Marianne-Bold.woff'),
    italic: open('Marianne-Regular_Italic.woff'),
  };
  presetSubset(cache.regular, 'french');
  presetSubset(cache.bold, 'french');
  presetSubset(cache.italic, 'Liberté Égalité Fraternité');
  return cache;
}

/**
 * Registers the three faces on a document and selects the regular one; the standard font names used
 * by older code map to them too. The document is made with no font (`font: null`): a face given
 * there was a font under no name, so each later `font('Marianne')` made pdfkit build its font (a
 * subset, a glyph read) again and compare the two by their name tables before using the first.
 */
export function registerFonts(doc: PDFKit.PDFDocument, fontkit: Fontkit): void {
  const select = doc.font.bind(doc);
  doc.font = ((...args: Parameters<typeof select>) => {
    select(...args);
    const current = (doc as unknown as { _font?: Partial<EmbeddedFont> })._font;
    if (current?.layoutRun && current.subset) reuseAcrossDocuments(current as EmbeddedFont);
    return doc;
  }) as typeof doc.font;
  const f = fontFaces(fontkit) as unknown as Record<keyof typeof FONT, string>; // pdfkit takes a fontkit font where its types say a path
  doc.registerFont(FONT.regular, f.regular);
  doc.registerFont(FONT.bold, f.bold);
  doc.registerFont(FONT.italic, f.italic);
  doc.registerFont('Helvetica', f.regular);
  doc.registerFont('Helvetica-Bold', f.bold);
  doc.registerFont('Helvetica-Oblique', f.italic);
  doc.font(FONT.regular);
}
