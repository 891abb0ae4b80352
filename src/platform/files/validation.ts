import { fileTypeFromBuffer } from 'file-type';

/** What an attachment may be: JPG, PNG, BMP, TIFF or PDF, 11 MB at most, recognised from its bytes. */
export const MAX_UPLOAD_BYTES = 11 * 1024 * 1024;
export const ACCEPTED_MIME = ['image/jpeg', 'image/png', 'image/bmp', 'image/tiff', 'application/pdf'] as const;
export type AcceptedMime = (typeof ACCEPTED_MIME)[number];
/** For the file input's `accept` attribute (a hint to the browser; the server decides from the bytes). */
export const ACCEPT_ATTRIBUTE = '.jpg,.jpeg,.png,.bmp,.tif,.tiff,.pdf';
export const UPLOAD_HINT = 'Formats acceptés : JPG, PNG, BMP, TIFF ou PDF. Taille maximale : 11 Mo.';

export interface Upload {
  field: string;
  filename: string;
  bytes: Buffer;
  /** true when the file was larger than MAX_UPLOAD_BYTES (the parser stopped reading) */
  truncated: boolean;
}

export type UploadCheck = { ok: true; mime: AcceptedMime } | { ok: false; error: string };

/** Checks an uploaded file from its bytes, never from its name or the browser's declared type. */
export async function checkUpload(upload: Upload): Promise<UploadCheck> {
  const name = upload.filename || 'Le fichier';
  if (upload.truncated || upload.bytes.length > MAX_UPLOAD_BYTES)
    return { ok: false, error: `Le fichier « ${name} » dépasse 11 Mo : réduisez sa taille (par exemple en le numérisant en 150 ppp) et joignez-le de nouveau.` };
  if (upload.bytes.length === 0) return { ok: false, error: `Le fichier « ${name} » est vide : joignez un fichier JPG, PNG, BMP, TIFF ou PDF.` };
  const type = await fileTypeFromBuffer(upload.bytes);
  if (!type || !(ACCEPTED_MIME as readonly string[]).includes(type.mime))
    return { ok: false, error: `Le fichier « ${name} » n’est pas au format JPG, PNG, BMP, TIFF ou PDF (format reconnu : ${type ? type.ext.toUpperCase() : 'inconnu'}).` };
  return { ok: true, mime: type.mime as AcceptedMime };
}

/** The extensions of each accepted type, the usual one first. */
const EXTENSIONS: Record<AcceptedMime, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/bmp': ['bmp'],
  'image/tiff': ['tif', 'tiff'],
  'application/pdf': ['pdf'],
};

/**
 * The name an attachment is stored and served under: its extension is the one of the type
 * recognised from its bytes ("x.html" recognised as a PDF is "x.pdf"; "scan.jpeg" stays).
 */
export function filenameForType(name: string, mime: string): string {
  const extensions = EXTENSIONS[mime as AcceptedMime];
  if (!extensions) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (extensions.includes(ext)) return name;
  return `${(dot > 0 ? name.slice(0, dot) : name) || 'piece-jointe'}.${extensions[0]}`;
}

/** A file name safe to show and to send back in Content-Disposition. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = base.normalize('NFC').replace(/[\u0000-\u001f\u007f"<>|*?:]/g, '_').trim().slice(0, 120);
  return cleaned || 'piece-jointe';
}
