import { inflateSync } from 'node:zlib';

/** WinAnsiEncoding bytes 0x80–0x9F that differ from Latin-1 (typographic quotes, dashes, euro…). */
const WIN_ANSI: Record<number, string> = { 0x80: '€', 0x85: '…', 0x8c: 'Œ', 0x91: '‘', 0x92: '’', 0x93: '“', 0x94: '”', 0x96: '–', 0x97: '—', 0x9c: 'œ' };

/**
 * The text of a PDF made by pdfkit with its standard fonts: content streams are inflated and the
 * hex strings of their TJ/Tj operators decoded (WinAnsi). Enough to check what a document says.
 */
export function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  const parts: string[] = [];
  // Each stream is sliced by its /Length: compressed bytes may themselves end in "\r" or contain "endstream".
  for (const m of raw.matchAll(/\/Length (\d+)[^>]*>>\s*stream\r?\n/g)) {
    const start = m.index! + m[0].length;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, start + Number(m[1]))).toString('latin1');
    } catch {
      continue;
    }
    for (const line of content.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj/g)) {
      const hexes = line[1] ? [...line[1].matchAll(/<([0-9a-fA-F]*)>/g)].map((h) => h[1]!) : [line[2]!];
      parts.push(hexes.map((h) => [...Buffer.from(h, 'hex')].map((b) => WIN_ANSI[b] ?? String.fromCharCode(b)).join('')).join(''));
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}
