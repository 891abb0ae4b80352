import { setKeepingAtMost } from '../bounded-map.ts';

/**
 * What each document did again with the same faces, done once per process instead (issue 20: the
 * three PDFs of a declaration of sale were most of its CPU). Both keep every document's bytes what
 * they would be without them, render after render (the 2D-Doc signs the document).
 *
 * - Text layout (fontkit's shaping of a word: its glyphs and positions) is kept per face for the whole
 *   process, not per document: the fixed texts of every document (headings, labels, legal sentences)
 *   were laid out again for each one. At most MAX_WORDS words per face (variable fields bring new
 *   words: the first kept go first), a few MB at most.
 * - The embedded subset of a face starts with the same glyphs in the same order in every document
 *   (the letters, digits and signs of French text), so the subset of a document that uses no other
 *   glyph is the same font program, encoded once per face (fontkit's CFF subsetting cost ~2.3 ms per
 *   face per document). A document with another glyph (a rare letter in a name) appends it and gets
 *   its own subset, encoded as before. The subsets are larger than the glyphs a document uses
 *   (about 11 KB compressed for a regular or bold face): the price of drawing it once.
 */

/** A parsed face (fontkit). */
export interface Face {
  layout(text: string): { glyphs: Glyph[] };
}
interface Glyph {
  id: number;
  codePoints: number[];
  advanceWidth: number;
}
type Run = object;
/** pdfkit's font of one document for an embedded face: its layout lookup and its subset. */
export interface EmbeddedFont {
  font: Face;
  layoutRun(text: string): Run;
  layoutCached(text: string): Run;
  /** per subset glyph: its width (1000 units) and its characters, for the W array and the ToUnicode map */
  widths: (number | undefined)[];
  unicode: (number[] | undefined)[];
  scale: number;
  subset: { glyphs: number[]; includeGlyph(id: number): number; encode(): Uint8Array };
}

const MAX_WORDS = 2_000;
const layouts = new Map<Face, Map<string, Run>>();

/**
 * pdfkit's `layoutCached`, with the process's words of the face instead of the document's: a layout
 * depends only on the face and the text (no feature is passed on this path), and pdfkit never changes
 * a run it got (it copies a position before widening a space).
 */
function layoutShared(this: EmbeddedFont, text: string): Run {
  let words = layouts.get(this.font);
  if (!words) layouts.set(this.font, (words = new Map()));
  let run = words.get(text);
  if (!run) setKeepingAtMost(words, text, (run = this.layoutRun(text)), MAX_WORDS);
  return run;
}

/** The characters every subset of a face starts with; the italic face only prints the motto. */
const FRENCH = `${Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join('')}\u00A0àâäçéèêëîïôöùûüÿœæÀÂÄÇÉÈÊËÎÏÔÖÙÛÜŸŒÆ’‘“”«»–—…€•°`;
const LIGATURES = ['fi', 'fl', 'ff', 'ffi', 'ffl'];
const presetText = new Map<Face, string>();
/** Which characters the subsets of `face` start with (set by fonts.ts for each face). */
export function presetSubset(face: Face, characters: 'french' | string): void {
  presetText.set(face, characters === 'french' ? FRENCH : characters);
}

interface Preset {
  glyphs: Glyph[];
  encoded: Uint8Array | null;
}
const presets = new Map<Face, Preset>();
function presetOf(face: Face): Preset | null {
  let preset = presets.get(face);
  if (preset) return preset;
  const text = presetText.get(face);
  if (text === undefined) return null;
  const glyphs: Glyph[] = [];
  const seen = new Set<number>([0]);
  for (const piece of [...Array.from(text), ...LIGATURES])
    for (const g of face.layout(piece).glyphs)
      if (!seen.has(g.id) && g.codePoints.length) {
        seen.add(g.id);
        glyphs.push(g);
      }
  presets.set(face, (preset = { glyphs, encoded: null }));
  return preset;
}

/** Makes a document's font use the process's layouts and, for a face with a preset, the shared subset. */
export function reuseAcrossDocuments(font: EmbeddedFont): void {
  if (font.layoutCached === layoutShared) return;
  font.layoutCached = layoutShared;
  const preset = presetOf(font.font);
  if (!preset || font.subset.glyphs.length !== 1) return; // a subset already in use keeps its own order
  // each glyph of the preset is in the subset, so it has a width and characters, as pdfkit gives a glyph it prints
  for (const g of preset.glyphs) {
    const gid = font.subset.includeGlyph(g.id);
    font.widths[gid] = g.advanceWidth * font.scale;
    font.unicode[gid] = g.codePoints;
  }
  const encode = font.subset.encode.bind(font.subset);
  font.subset.encode = () => {
    if (font.subset.glyphs.length !== preset.glyphs.length + 1) return encode(); // a glyph beyond the preset
    preset.encoded ??= encode();
    return preset.encoded;
  };
}
