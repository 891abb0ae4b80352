import type { FastifyError, FastifyInstance } from 'fastify';
import { isDatabaseOverload } from '../platform/db/database.ts';
import { CsrfError } from '../platform/http/csrf.ts';
import { InvalidInputError } from '../platform/http/input.ts';
import { addToRequestLine } from '../platform/observability/request-log.ts';
import { ProcedureFiledMeanwhile } from '../domains/vehicles/procedures/step-data.ts';
import { formWithInputError } from './keep-form.tsx';
import { renderWithoutDatabase } from './page-document.tsx';
import {
  BadRequestPage,
  CsrfErrorPage,
  ForbiddenPage,
  InvalidInputPage,
  NotFoundPage,
  ServerErrorPage,
  ServiceUnavailablePage,
  TooManyRequestsPage,
} from '../ui/pages/errors.tsx';

function wantsHtml(accept: string | undefined): boolean {
  return !accept || accept.includes('text/html') || accept.includes('*/*');
}

/** Seconds a client is told to wait after an overload (Retry-After). */
const OVERLOAD_RETRY_SECONDS = 30;

/** 404 and error pages in the DSFR style; they never show a stack, a query or an internal message. */
export function registerErrorPages(app: FastifyInstance): void {
  app.setNotFoundHandler(async (request, reply) => {
    if (!wantsHtml(request.headers.accept)) return reply.code(404).send({ error: 'Introuvable' });
    return reply.render(<NotFoundPage />, 404);
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    // a step posted while the procedure was being filed: nothing was written; the user sees the filed request
    if ((error as Error) instanceof ProcedureFiledMeanwhile) return reply.redirect(`/vehicules/demandes/${encodeURIComponent((error as unknown as ProcedureFiledMeanwhile).fileNumber)}`, 303);
    if (isDatabaseOverload(error)) {
      // no free connection in time, or a statement past statement_timeout: say so in French, at once, without the database
      addToRequestLine(request, { event: 'database_overloaded', err: error }, 'warn'); // in the request's one line, at warn
      reply.header('retry-after', String(OVERLOAD_RETRY_SECONDS)).header('cache-control', 'no-store');
      if (!wantsHtml(request.headers.accept)) return reply.code(503).type('text/plain; charset=utf-8').send(`Service momentanément surchargé : réessayez dans ${OVERLOAD_RETRY_SECONDS} secondes.\n`);
      renderWithoutDatabase(request);
      return reply.render(<ServiceUnavailablePage />, 503);
    }
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
    // in the request's one line: a server error with its stack, at error; a refused request (4xx) only its code
    if (status >= 500) addToRequestLine(request, { err: error, ...(error.code ? { code: error.code } : {}) }, 'error');
    else addToRequestLine(request, { code: error.code });
    if (error instanceof InvalidInputError) {
      if (!wantsHtml(request.headers.accept)) return reply.code(error.statusCode).send({ error: `Requête invalide : ${error.frenchMessage}` });
      // back to the form: the page at the same address, when there is one (never the query sent)
      const path = request.url.split('?')[0]!;
      const back = request.method !== 'GET' && request.routeOptions.url && app.hasRoute({ method: 'GET', url: request.routeOptions.url }) ? path : null;
      // the form itself, with the problem at the top and the text typed kept, when its page can be shown again
      const form = back ? await formWithInputError(app, request, back, error).catch((err: unknown) => (request.log.warn({ err }, 'formulaire non réaffiché avec son erreur'), null)) : null;
      if (form) return reply.code(error.statusCode).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(form);
      return reply.render(<InvalidInputPage message={error.frenchMessage} back={back} code={error.statusCode} />, error.statusCode);
    }
    if (!wantsHtml(request.headers.accept)) return reply.code(status).send({ error: status >= 500 ? 'Erreur interne' : 'Requête refusée' });
    const page =
      error instanceof CsrfError ? <CsrfErrorPage keptAt={error.keptAt} /> : status === 403 ? <ForbiddenPage /> : status === 404 ? <NotFoundPage /> : status === 429 ? <TooManyRequestsPage /> : status < 500 ? <BadRequestPage /> : <ServerErrorPage />;
    try {
      return await reply.render(page, status);
    } catch (renderError) {
      request.log.error({ err: renderError }, 'page d’erreur impossible à afficher');
      return reply.code(status).type('text/plain; charset=utf-8').send('Erreur inattendue. Réessayez plus tard.');
    }
  });
}
