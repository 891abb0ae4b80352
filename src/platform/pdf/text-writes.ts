/**
 * pdfkit writes a document as many short lines of text: each operator of a page's content ("BT",
 * "/F1 10 Tf", a glyph run…) into its stream, each line of an object ("12 0 obj", its dictionary)
 * into the file. It turned every line into a Uint8Array at once, one character at a time
 * (`fromBinaryString`), and pushed every line of the file through its Readable stream: thousands of
 * small arrays and stream chunks per document, their garbage, ~8 % of a document's CPU.
 *
 * Here the lines stay text until bytes are needed: a stream's lines are converted together when the
 * stream is finalized, the file's lines when a stream's bytes or the end of the file come. Latin-1
 * keeps the low byte of each character, as `fromBinaryString` did (`& 0xff`; pdfkit's strings
 * hold one byte per character), so every document is byte for byte what it was.
 */

/** pdfkit's PDFReference: an object of the file, with its stream as chunks (lines of text here, until finalized). */
interface Reference {
  compress: boolean;
  buffer: (Uint8Array | string)[] | Uint8Array;
  uncompressedLength: number;
  data: { Length?: number; Filter?: string };
  write(chunk: unknown): void;
  finalize(): void;
}

/** pdfkit's PDFDocument as a Readable stream: the file's lines, its offset (counted in bytes). */
interface DocumentStream {
  _offset: number;
  _write(data: unknown): void;
  push(chunk: Uint8Array | null): boolean;
  /** lines written to the file since the last chunk pushed */
  pendingText?: string;
}

/** The bytes of a stream's chunks, lines of text and binary parts (a picture's rows) in their order. */
export function streamBytes(chunks: readonly (Uint8Array | string)[]): Buffer {
  const parts: Uint8Array[] = [];
  let text = '';
  for (const chunk of chunks) {
    if (typeof chunk === 'string') {
      text += chunk;
      continue;
    }
    if (text) parts.push(Buffer.from(text, 'latin1'));
    text = '';
    parts.push(chunk);
  }
  if (text) parts.push(Buffer.from(text, 'latin1'));
  return parts.length === 1 && Buffer.isBuffer(parts[0]) ? parts[0] : Buffer.concat(parts);
}

const patched = new WeakSet<object>();

/** Keeps pdfkit's writes as text until bytes are needed (called with each document: the first one patches pdfkit's classes, once). */
export function keepTextWrites(doc: PDFKit.PDFDocument): void {
  const reference = Object.getPrototypeOf((doc as unknown as { _root: object })._root) as Reference;
  if (!patched.has(reference)) {
    patched.add(reference);
    reference.write = function (this: Reference, chunk: unknown) {
      const part = chunk instanceof Uint8Array ? chunk : `${String(chunk)}\n`;
      this.uncompressedLength += part.length; // a line's length in characters is its length in bytes
      this.data.Length = (this.data.Length ?? 0) + part.length;
      (this.buffer as (Uint8Array | string)[]).push(part);
      if (this.compress) this.data.Filter = 'FlateDecode';
    };
    const finalize = reference.finalize;
    reference.finalize = function (this: Reference) {
      if (Array.isArray(this.buffer) && this.buffer.some((c) => typeof c === 'string')) this.buffer = [streamBytes(this.buffer)];
      finalize.call(this);
    };
  }
  const file = Object.getPrototypeOf(doc) as DocumentStream;
  if (!patched.has(file)) {
    patched.add(file);
    const push = file.push;
    file._write = function (this: DocumentStream, data: unknown) {
      if (data instanceof Uint8Array) {
        this.push(data);
        this._offset += data.length;
        return;
      }
      const line = `${String(data)}\n`;
      this.pendingText = (this.pendingText ?? '') + line;
      this._offset += line.length;
    };
    file.push = function (this: DocumentStream, chunk: Uint8Array | null) {
      if (this.pendingText) {
        const text = this.pendingText;
        this.pendingText = '';
        push.call(this, Buffer.from(text, 'latin1'));
      }
      return push.call(this, chunk);
    };
  }
}
