import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { cleanFilename, MAX_UPLOAD_BYTES, type Upload } from './validation.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart form, read into memory up to MAX_UPLOAD_BYTES + 1 (then marked truncated). */
    uploads: Upload[];
  }
}

interface FilePart {
  type: 'file';
  fieldname: string;
  filename: string;
  file: NodeJS.ReadableStream & { truncated?: boolean };
  upload?: Upload;
}
interface FieldPart {
  type: 'field';
  value: unknown;
}

/**
 * multipart/form-data forms (uploads): fields become a plain record of strings, like a urlencoded
 * form (so CSRF and the routes read them the same way), files go to `request.uploads`. An oversize
 * file is not an error here: it is read no further, marked truncated, and the route names it next
 * to its field while keeping the rest of the form.
 */
export const multipartPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('uploads', null as unknown as Upload[]);
  app.addHook('onRequest', async (request) => {
    request.uploads = [];
  });
  await app.register(multipart, {
    attachFieldsToBody: true,
    throwFileSizeLimit: false,
    limits: { fileSize: MAX_UPLOAD_BYTES, files: 6, fields: 60, fieldSize: 64 * 1024, parts: 70 },
    async onFile(part) {
      const p = part as unknown as FilePart;
      const chunks: Buffer[] = [];
      for await (const chunk of p.file) chunks.push(chunk as Buffer);
      p.upload = { field: p.fieldname, filename: cleanFilename(p.filename), bytes: Buffer.concat(chunks), truncated: !!p.file.truncated };
    },
  });
  app.addHook('preValidation', async (request: FastifyRequest) => {
    if (!request.isMultipart()) return;
    const raw = (request.body ?? {}) as Record<string, FilePart | FieldPart | (FilePart | FieldPart)[]>;
    const fields: Record<string, string> = {};
    for (const [name, entry] of Object.entries(raw)) {
      for (const part of Array.isArray(entry) ? entry : [entry]) {
        if (part.type === 'field') fields[name] = String(part.value ?? '');
        // an empty file input is sent as a part with no name and no bytes: not an upload
        else if (part.upload && (part.upload.bytes.length > 0 || part.filename)) request.uploads.push(part.upload);
      }
    }
    request.body = fields;
  });
});
