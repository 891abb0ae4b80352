import { crc32, deflateSync } from 'node:zlib';

/**
 * The files the demo citizens attach to their requests (src/demo/vehicle-queue.ts), made in code:
 * a one-page PDF of text (a police report's receipt, a mandate…) and a PNG "scan" of an identity
 * document. Both are real files, recognised from their bytes like any upload, viewable in a
 * browser; a few kilobytes each and made in well under a millisecond (no PDF library, no font to
 * embed: Helvetica is one of the fonts every PDF reader has).
 */

/** WinAnsi bytes of a text (the accents of French; the typographic apostrophe is 0x92), escaped for a PDF string. */
function pdfString(text: string): string {
  const bytes = Buffer.from(text.replace(/’/g, '\u0092').replace(/[«»]/g, '"').replace(/\u00a0|\u202f/g, ' '), 'latin1');
  return [...bytes].map((b) => (b === 0x28 || b === 0x29 || b === 0x5c ? `\\${String.fromCharCode(b)}` : b < 0x20 || b > 0x7e ? `\\${b.toString(8).padStart(3, '0')}` : String.fromCharCode(b))).join('');
}

/** A one-page A4 PDF: a title and lines of text, in Helvetica. */
export function demoPdf(title: string, lines: readonly string[]): Buffer {
  const content = [
    'BT /F2 16 Tf 56 770 Td',
    `(${pdfString(title)}) Tj`,
    'ET',
    'BT /F1 11 Tf 56 730 Td 16 TL',
    ...lines.map((line) => `(${pdfString(line)}) '`),
    'ET',
    '0.6 G 56 90 m 539 90 l S',
    `BT /F1 8 Tf 56 76 Td (${pdfString('Document fictif créé pour la démonstration du portail des titres sécurisés.')}) Tj ET`,
  ].join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>',
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>',
    `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
  ];
  let body = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/**
 * A grey-scale PNG that looks like a scanned card (a photo's place, lines of text as bars), 480 ×
 * 300 pixels; `blurred` makes the text bars faint, as an unreadable scan an agent would refuse.
 */
export function demoScanPng(opts: { blurred?: boolean } = {}): Buffer {
  const width = 480;
  const height = 300;
  const raw = Buffer.alloc((width + 1) * height);
  const text = opts.blurred ? 0xd8 : 0x40;
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const border = x < 6 || y < 6 || x >= width - 6 || y >= height - 6;
      const photo = x >= 24 && x < 144 && y >= 60 && y < 210;
      const line = y >= 60 && y < 230 && (y - 60) % 28 < 10 && x >= 170 && x < 410 - ((Math.floor((y - 60) / 28) * 37) % 90);
      const header = y >= 20 && y < 40 && x >= 24 && x < 456;
      raw[y * (width + 1) + 1 + x] = border ? 0x90 : header ? 0x70 : photo ? 0xa0 : line ? text : 0xf4;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // grey-scale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), pngChunk('IHDR', header), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}
