/**
 * CSV read as a stream of records (the registry and directory imports): comma- or
 * semicolon-separated (the first line decides), quotes honoured ("a, b", "" inside, line breaks
 * inside a quoted field), CRLF, LF or CR line ends, blank records skipped. Each record carries the
 * number of the line it starts on, as an editor shows it. A record longer than `maxRecordLength`
 * characters (a file without line breaks, a quote never closed) stops the reading with a
 * `CsvRecordTooLong` naming its line: the text kept between chunks never exceeds that length, so
 * each chunk costs its own length, whatever the file.
 */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/** Characters a record may hold, quoted line breaks included (64 Ki). */
export const MAX_RECORD_LENGTH = 65_536;

export class CsvRecordTooLong extends Error {
  constructor(
    readonly line: number,
    maxLength: number,
  ) {
    super(`Ligne ${line} : plus de ${maxLength.toLocaleString('fr-FR')} caractères sans fin de ligne (saut de ligne ou guillemet fermant manquant ?)`);
  }
}

export class CsvSplitter {
  constructor(private readonly maxRecordLength = MAX_RECORD_LENGTH) {}

  private separator: string | undefined;
  /** the text after the last complete line of the previous chunk */
  private rest = '';
  private lineNumber = 0;
  /** a record whose quoted field is still open: its first line and its text so far */
  private open: { line: number; text: string } | undefined;

  /** Feeds a chunk of text; returns the records it completes. */
  push(chunk: string): CsvRecord[] {
    let text = this.rest + chunk;
    if (text.includes('\r')) {
      // a CR at the very end may be the first half of a CRLF split across chunks: keep it for the next one
      const trailing = text.endsWith('\r');
      text = (trailing ? text.slice(0, -1) : text).replace(/\r\n?/g, '\n') + (trailing ? '\r' : '');
    }
    const records: CsvRecord[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      this.line(text.slice(start, end), records);
      start = end + 1;
    }
    this.rest = text.slice(start);
    if (this.rest.length > this.maxRecordLength) throw new CsvRecordTooLong(this.open?.line ?? this.lineNumber + 1, this.maxRecordLength);
    return records;
  }

  /** The last line (without a line break) and a quoted field never closed. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    const last = this.rest.replace(/\r$/, '');
    this.rest = '';
    if (last || this.open) this.line(last, records);
    if (this.open) {
      records.push(...this.record(this.open.line, this.open.text));
      this.open = undefined;
    }
    return records;
  }

  private line(text: string, records: CsvRecord[]): void {
    this.lineNumber++;
    if (text.length + (this.open?.text.length ?? 0) > this.maxRecordLength) throw new CsvRecordTooLong(this.open?.line ?? this.lineNumber, this.maxRecordLength);
    this.separator ??= text.includes(';') ? ';' : ',';
    if (this.open) {
      this.open.text += `\n${text}`;
      if (quoteCount(text) % 2 === 1) {
        records.push(...this.record(this.open.line, this.open.text));
        this.open = undefined;
      }
    } else if (!text.includes('"')) {
      const cells = text.split(this.separator);
      if (cells.some((c) => c.trim())) records.push({ line: this.lineNumber, cells });
    } else if (quoteCount(text) % 2 === 1) this.open = { line: this.lineNumber, text };
    else records.push(...this.record(this.lineNumber, text));
  }

  /** One record with quotes (an unclosed quote runs to the end of the text). */
  private record(line: number, text: string): CsvRecord[] {
    const sep = this.separator!;
    const cells: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
        else if (c === '"') quoted = false;
        else field += c;
      } else if (c === '"') quoted = true;
      else if (c === sep) cells.push(field), (field = '');
      else field += c;
    }
    cells.push(field);
    return cells.some((c) => c.trim()) ? [{ line, cells }] : [];
  }
}

function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/** A whole CSV text as rows of fields (small files: the directory's lists, tests). */
export function parseCsv(text: string): string[][] {
  const splitter = new CsvSplitter();
  return [...splitter.push(text), ...splitter.end()].map((r) => r.cells);
}
