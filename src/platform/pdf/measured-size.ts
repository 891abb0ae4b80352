import { setKeepingAtMost } from '../bounded-map.ts';
/**
 * Links to a document state its format and size, as DSFR's download links do: « PDF – 45 Ko ».
 * An issued document records its size when it is issued (issued_documents.pdf_bytes: its seal
 * signed once, every render gives the same bytes). The PDFs made on request from data that change
 * (summaries of a request in progress, licence documents…), and documents issued before sizes were
 * recorded, are measured here by rendering the very document the link serves, once per version of
 * what it prints (the key names the document and that version, e.g. its request's `updated_at`): a
 * page drawn again reads the size kept here, in this process.
 */
const MAX_KEPT = 2_000;
const sizes = new Map<string, number>();

/** The size in bytes of the document `render` makes, kept under `key`; null when there is none. */
export async function measuredPdfSize(key: string, render: () => Promise<Buffer | Uint8Array | null | undefined>): Promise<number | null> {
  const known = sizes.get(key);
  if (known !== undefined) return known;
  const bytes = await render();
  if (!bytes) return null;
  setKeepingAtMost(sizes, key, bytes.length, MAX_KEPT);
  return bytes.length;
}

/** « 45 Ko », « 1,2 Mo »: a file's size as the DSFR writes it, for every link and file listed. */
export function fileSize(bytes: number): string {
  const ko = bytes / 1024;
  if (ko < 1024) return `${Math.max(1, Math.round(ko))} Ko`;
  return `${(ko / 1024).toFixed(1).replace('.', ',').replace(/,0$/, '')} Mo`;
}

/** « PDF – 45 Ko », « PDF – 1,2 Mo »; « PDF » alone when the size is unknown (a document on another site). */
export function fileDetail(bytes: number | null | undefined, format = 'PDF'): string {
  if (bytes === null || bytes === undefined) return format;
  return `${format} – ${fileSize(bytes)}`;
}
