import { inflateSync } from 'node:zlib';

/** WinAnsiEncoding bytes 0x80–0x9F that differ from Latin-1 (typographic quotes, dashes, euro…). */
const WIN_ANSI: Record<number, string> = { 0x80: '€', 0x85: '…', 0x8c: 'Œ', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—', 0x9c: 'œ' };

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

/** The objects of a PDF made by pdfkit (no object streams): dictionary text and inflated stream. */
export function pdfObjects(pdf: Buffer): Map<number, PdfObject> {
  const raw = pdf.toString('latin1');
  const objects = new Map<number, PdfObject>();
  for (const m of raw.matchAll(/(?:^|[\r\n])(\d+) 0 obj\s*/g)) {
    const start = m.index! + m[0].length;
    const end = raw.indexOf('endobj', start);
    const body = raw.slice(start, end);
    const s = /\bstream\r?\n/.exec(body);
    let stream: Buffer | null = null;
    let dict = body;
    if (s) {
      dict = body.slice(0, s.index);
      const length = Number(/\/Length (\d+)/.exec(dict)?.[1] ?? 0);
      const bytes = pdf.subarray(start + s.index + s[0].length, start + s.index + s[0].length + length);
      try {
        stream = /\/FlateDecode/.test(dict) ? inflateSync(bytes) : Buffer.from(bytes);
      } catch {
        stream = null;
      }
    }
    objects.set(Number(m[1]), { dict, stream });
  }
  return objects;
}

/** A ToUnicode CMap (bfchar and bfrange, as pdfkit writes them): code → text. */
function parseCMap(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  const hexText = (h: string) => String.fromCodePoint(...(h.match(/.{4}/g) ?? []).map((u) => parseInt(u, 16))).replace(/[\uD800-\uDFFF]/g, '');
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g)) map.set(parseInt(m[1]!, 16), hexText(m[2]!));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g))
    for (const m of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g)) {
      const from = parseInt(m[1]!, 16);
      const to = parseInt(m[2]!, 16);
      if (m[3]!.startsWith('[')) [...m[3]!.matchAll(/<([0-9a-fA-F]+)>/g)].forEach((d, i) => map.set(from + i, hexText(d[1]!)));
      else {
        const base = parseInt(m[3]!.slice(1, -1), 16);
        for (let c = from; c <= to; c++) map.set(c, String.fromCodePoint(base + c - from));
      }
    }
  return map;
}

/**
 * The text of a PDF made by pdfkit, in content-stream order (the reading order pdfkit writes):
 * embedded (Type0) fonts are decoded through their ToUnicode CMap, standard fonts as WinAnsi.
 * Whitespace is collapsed to single spaces. Enough to check what a document says.
 */
export function pdfText(pdf: Buffer): string {
  const objects = pdfObjects(pdf);
  const raw = pdf.toString('latin1');
  const fontByName = new Map<string, Map<number, string> | null>();
  for (const m of raw.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const font = objects.get(Number(m[2]));
    const toUnicode = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict);
    const cmap = toUnicode ? objects.get(Number(toUnicode[1]))?.stream : null;
    fontByName.set(m[1]!, cmap ? parseCMap(cmap.toString('latin1')) : null);
  }
  const parts: string[] = [];
  for (const [, obj] of objects) {
    if (!obj.stream || /\/Type \/(XObject|Metadata|EmbeddedFile)|\/Subtype \/(Image|Type1C|CIDFontType0C|XML)|\/Length1|\/N 3/.test(obj.dict)) continue;
    const content = obj.stream.toString('latin1');
    if (!/\bTJ|\bTj/.test(content)) continue;
    let cmap: Map<number, string> | null = null;
    for (const op of content.matchAll(/\/(F\d+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      if (op[1]) {
        cmap = fontByName.get(op[1]) ?? null;
        continue;
      }
      const hexes = op[2] !== undefined ? [...op[2].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [op[3]!];
      const decode = (h: string) =>
        cmap
          ? (h.match(/.{4}/g) ?? []).map((c) => cmap!.get(parseInt(c, 16)) ?? '').join('')
          : [...Buffer.from(h, 'hex')].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('');
      parts.push(hexes.map(decode).join(''));
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}
