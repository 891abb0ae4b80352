import { crc32, deflateSync } from 'node:zlib';
import { setKeepingAtMost } from '../bounded-map.ts';
import { pdfLibraries } from './libraries.ts';

/**
 * A QR code as the PNG an official document embeds: 8-bit greyscale, no alpha, `margin` white
 * modules around, each module a square of whole pixels, at least `minWidth` pixels wide.
 *
 * Written here rather than by `qrcode`'s PNG renderer, which made an RGBA picture (pngjs trying every
 * row filter, then deflate) that pdfkit then had to decode again (png-js) to split its alpha channel
 * out and deflate twice more: a fifth of the CPU of a document. A greyscale PNG without alpha is
 * embedded by pdfkit as it is (its compressed rows become the image stream), so the rows are
 * compressed once, here. Each pixel row repeats the one above it inside a module: PNG's "Up" filter
 * makes it all zeros.
 *
 * The text is one segment in byte mode: qrcode's search for the shortest mix of modes (a graph and
 * Dijkstra's path at each call) took half of its time, for an address that is bytes anyway (its
 * lower-case letters). The last pictures are kept (a few KB each): the accusé of a sale prints the
 * same address as its certificate of sale, drawn just before it.
 */
const KEPT = 16;
const kept = new Map<string, Buffer>();

export async function qrCodePng(text: string, opts: { minWidth: number; margin?: number }): Promise<Buffer> {
  const key = `${opts.minWidth} ${opts.margin ?? 1} ${text}`;
  const found = kept.get(key);
  if (found) return found;
  const png = await drawQrCodePng(text, opts);
  setKeepingAtMost(kept, key, png, KEPT);
  return png;
}

async function drawQrCodePng(text: string, opts: { minWidth: number; margin?: number }): Promise<Buffer> {
  const { QRCode } = await pdfLibraries();
  const { modules } = QRCode.create([{ data: Buffer.from(text, 'utf8'), mode: 'byte' }], { errorCorrectionLevel: 'M' });
  const margin = opts.margin ?? 1;
  const count = modules.size + 2 * margin;
  const scale = Math.ceil(opts.minWidth / count);
  const width = count * scale;
  const stride = width + 1; // a filter byte, then one byte per pixel
  const rows = Buffer.alloc(stride * width); // filter 0 (None) and black (0) everywhere, for now
  for (let y = 0; y < width; y++) {
    const row = rows.subarray(y * stride, (y + 1) * stride);
    if (y % scale !== 0) {
      row[0] = 2; // Up: the same pixels as the row above, as zero differences
      continue;
    }
    const r = Math.floor(y / scale) - margin;
    for (let x = 0; x < width; x++) {
      const c = Math.floor(x / scale) - margin;
      const dark = r >= 0 && r < modules.size && c >= 0 && c < modules.size && modules.get(r, c);
      row[1 + x] = dark ? 0 : 255;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(width, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8 bits, greyscale, deflate, adaptive filters, not interlaced
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))), 0);
  return Buffer.concat([head, data, crc]);
}
