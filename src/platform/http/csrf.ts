import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { addToRequestLine } from '../observability/request-log.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false for a server-to-server endpoint authenticated otherwise (e.g. a signed provider callback). */
    csrf?: boolean;
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export class CsrfError extends Error {
  readonly statusCode = 403;
  /** the page where the values typed come back after signing in again, when they were kept (form-drafts.tsx) */
  keptAt: string | null = null;
}

export function originMatchesHost(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (!origin || origin === 'null') return origin !== 'null';
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * Every state-changing request carries the session's synchronizer token (form field `_csrf` or
 * header `x-csrf-token`), and, when the browser sends an Origin, comes from this very host.
 */
export const csrfPlugin = fp(async (app: FastifyInstance, opts: { keepRefusedForm?: (request: FastifyRequest) => Promise<string | null> }) => {
  app.addHook('preHandler', async (request) => {
    if (!UNSAFE.has(request.method) || request.routeOptions.config?.csrf === false) return;
    const body = request.body as Record<string, unknown> | undefined;
    const token = (body && typeof body === 'object' ? body._csrf : undefined) ?? request.headers['x-csrf-token'];
    if (!originMatchesHost(request) || !request.session?.verifyCsrf(token)) {
      addToRequestLine(request, { event: 'csrf_rejected' }, 'warn'); // in the request's one line, at warn
      const error = new CsrfError('Jeton CSRF invalide');
      error.keptAt = (await opts.keepRefusedForm?.(request).catch((err: unknown) => (request.log.warn({ err }, 'formulaire refusé non conservé pour son auteur'), null))) ?? null;
      throw error;
    }
  });
});
