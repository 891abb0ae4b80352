import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CsrfError, originMatchesHost } from '../http/csrf.ts';
import { INPUT_LIMITS, InvalidInputError } from '../http/input.ts';
import { cleanFilename, MAX_UPLOAD_BYTES, type Upload } from './validation.ts';
import { addToRequestLine } from '../observability/request-log.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Files of a multipart form (empty file inputs left out), each read into memory up to MAX_UPLOAD_BYTES (then marked truncated). */
    uploads: Upload[];
  }
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** For an upload form: how many files it takes in one post (default DEFAULT_MAX_FILES); empty file inputs do not count. */
    uploads?: { maxFiles: number };
  }
}

/** Files one upload form takes by default in one post (a route with more file fields says so in its config). */
export const DEFAULT_MAX_FILES = 6;
/** Parts of any kind busboy reads at most, empty file inputs included (a guard, not the files limit). */
const PART_LIMITS = { files: 40, fields: 60, fieldSize: 4 * INPUT_LIMITS.field, parts: 100, fieldNameSize: 100 };

interface MultipartPart {
  type: 'file' | 'field';
  fieldname: string;
  value?: unknown;
  valueTruncated?: boolean;
  filename?: string;
  file?: NodeJS.ReadableStream & { truncated?: boolean; resume(): void };
}

/** Signed in as a user or an agent: the only people who upload. */
const signedIn = (request: FastifyRequest) => request.session?.userId != null || !!request.session?.get('agentId');

/**
 * multipart/form-data forms (uploads), read only once the request is known to deserve it: the
 * visitor is signed in, the browser comes from this host and the form's first field is the
 * session's CSRF token (our Form component puts the hidden `_csrf` input first, and a browser sends
 * fields in document order, so this works without JavaScript). Until then not a byte of the body is
 * read. Then the parts are streamed one at a time: fields become a plain record of strings, like a
 * urlencoded form (a repeated field becomes a list, refused by the input boundary); a file input
 * left empty (no name, no bytes) is skipped and does not count; other files are read up to
 * MAX_UPLOAD_BYTES + nothing (busboy stops there and marks them truncated, so the route names the
 * oversize file next to its field), at most `config.uploads.maxFiles` of them.
 */
export const multipartPlugin = fp(async (app: FastifyInstance) => {
  app.decorateRequest('uploads', null as unknown as Upload[]);
  app.addHook('onRequest', (request, _reply, done) => {
    request.uploads = [];
    done();
  });
  await app.register(multipart, { throwFileSizeLimit: false, limits: { ...PART_LIMITS, fileSize: MAX_UPLOAD_BYTES } });
  app.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.isMultipart()) return;
    if (!signedIn(request) || !originMatchesHost(request)) return refuse(request, reply, 'multipart_refused_before_reading');
    const maxFiles = request.routeOptions.config?.uploads?.maxFiles ?? DEFAULT_MAX_FILES;
    const fields = Object.create(null) as Record<string, string | string[]>;
    let first = true;
    try {
      for await (const part of request.parts() as AsyncIterable<MultipartPart>) {
        if (first) {
          first = false;
          if (part.type !== 'field' || part.fieldname !== '_csrf' || !request.session.verifyCsrf(part.value)) {
            part.file?.resume();
            return refuse(request, reply, 'multipart_csrf_not_first');
          }
        }
        if (part.type === 'field') {
          if (part.valueTruncated) throw new InvalidInputError(part.fieldname, 'too_long', INPUT_LIMITS.field);
          const value = typeof part.value === 'string' ? part.value : String(part.value ?? '');
          const current = fields[part.fieldname];
          fields[part.fieldname] = current === undefined ? value : [current, value].flat();
          continue;
        }
        const chunks: Buffer[] = [];
        for await (const chunk of part.file!) chunks.push(chunk as Buffer);
        const bytes = Buffer.concat(chunks);
        // an empty file input is sent as a part with no name and no bytes: not an upload, not counted
        if (!part.filename && bytes.length === 0) continue;
        if (request.uploads.length >= maxFiles) throw new InvalidInputError(part.fieldname, 'too_many_files', maxFiles);
        request.uploads.push({ field: part.fieldname, filename: cleanFilename(part.filename ?? ''), bytes, truncated: !!part.file!.truncated });
      }
    } catch (error) {
      if (error instanceof InvalidInputError || error instanceof CsrfError) throw error;
      const code = (error as { code?: string }).code;
      if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT') throw new InvalidInputError('(formulaire)', 'too_many_files', maxFiles);
      if (code === 'FST_FIELDS_LIMIT') throw new InvalidInputError('(formulaire)', 'too_many_fields');
      addToRequestLine(request, { event: 'multipart_refused', detail: (error as Error).message });
      throw new InvalidInputError('(formulaire)', 'multipart');
    }
    if (first) return refuse(request, reply, 'multipart_without_csrf');
    request.body = fields;
  });
});

/** 403 "Formulaire expiré"; the connection is closed after the answer, so the unread body is not received either. */
function refuse(request: FastifyRequest, reply: FastifyReply, event: string): never {
  addToRequestLine(request, { event }, 'warn'); // in the request's one line, at warn
  reply.header('connection', 'close');
  throw new CsrfError('Formulaire refusé avant lecture');
}
