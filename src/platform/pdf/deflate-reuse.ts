import { hash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { streamBytes } from './text-writes.ts';

/**
 * The streams every document embeds identically (the subsets of the Marianne faces, which start with
 * the same glyphs, their ToUnicode maps, the sRGB profile of PDF/A) were compressed again for each
 * document: deflate was ~13 % of a document's CPU, a third of it on those streams. pdfkit's streams
 * are compressed here instead, with the same call (`deflateSync` with its defaults), and the result
 * of each content is kept by the SHA-1 of that content: a stream seen lately is not compressed again.
 * The same bytes in give the same bytes out, so every document is byte for byte what it was.
 *
 * At most KEPT contents, the one used least lately forgotten first (a document's own page contents
 * come and go, the shared streams are used by every document and stay): well under 1 MB.
 */
const KEPT = 32;
const deflated = new Map<string, Buffer>();
let compressions = 0;

/** `raw` compressed as pdfkit compresses a stream, from the result kept when the same content was compressed lately. */
export function deflateStream(raw: Buffer): Buffer {
  const key = hash('sha1', raw, 'base64');
  const kept = deflated.get(key);
  if (kept) {
    deflated.delete(key); // used again: the last one to forget
    deflated.set(key, kept);
    return kept;
  }
  compressions++;
  const out = deflateSync(raw);
  if (deflated.size >= KEPT) deflated.delete(deflated.keys().next().value!);
  deflated.set(key, out);
  return out;
}

/** How many streams this process has compressed (not taken from the ones kept): for tests. */
export const streamCompressions = (): number => compressions;

/** pdfkit's PDFReference: an object of the file, with its stream (chunks) compressed when it is finalized. */
interface Reference {
  compress: boolean;
  buffer: (Uint8Array | string)[] | Uint8Array;
  finalize(): void;
}

const patched = new WeakSet<object>();

/**
 * Makes pdfkit compress its streams through `deflateStream` (called with each document: the first
 * one patches pdfkit's reference class, once). A reference to compress gets its stream compressed
 * here and is then finalized as a stream already compressed: its `/Filter /FlateDecode` was set
 * when it was written, its `/Length` is that of the bytes written.
 */
export function reuseDeflatedStreams(doc: PDFKit.PDFDocument): void {
  const proto = Object.getPrototypeOf((doc as unknown as { _root: object })._root) as Reference;
  if (patched.has(proto)) return;
  patched.add(proto);
  const finalize = proto.finalize;
  proto.finalize = function (this: Reference) {
    if (this.compress && Array.isArray(this.buffer) && this.buffer.length) {
      this.buffer = [deflateStream(streamBytes(this.buffer))]; // its lines of text too (text-writes.ts)
      this.compress = false;
    }
    finalize.call(this);
  };
}
