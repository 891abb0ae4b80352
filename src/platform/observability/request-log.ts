import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactUrl } from './redact.ts';

type LineLevel = 'info' | 'warn' | 'error';
const RANK: Record<LineLevel, number> = { info: 0, warn: 1, error: 2 };

/** What a request's handlers add to its one line (an error's code, a refused token), and the line's level. */
const additions = new WeakMap<FastifyRequest, { fields: Record<string, unknown>; level: LineLevel }>();

/**
 * Facts about a request's outcome written in its one line at its end, instead of a line of their
 * own: a 4xx's error code and a 5xx's error with its stack (error-pages.tsx), a refused CSRF token
 * (csrf.ts). `warn` raises the line to the `warn` level (a security event an operator may alert
 * on), `error` to the `error` level (a server error); a line is never lowered.
 */
export function addToRequestLine(request: FastifyRequest, fields: Record<string, unknown>, level: LineLevel = 'info'): void {
  const known = additions.get(request);
  const kept = known && RANK[known.level] > RANK[level] ? known.level : level;
  additions.set(request, { fields: { ...known?.fields, ...fields }, level: kept });
}

/**
 * One log line per request, at its end (Fastify's default is two: "incoming request" and "request
 * completed", 156 MB in 17 minutes of a flood, each line costing CPU): method, route, status and
 * milliseconds, with the request id (`reqId`) that pino's child logger adds. The route is the
 * pattern (`/activation/:token`), never the path's values nor a query string; a request that matched
 * no route logs its path, with the known secrets masked (redact.ts), without the query string.
 * No header, so no cookie. A refused request (4xx) has no line of its own: its error's code joins
 * this line (`addToRequestLine`). A server error (5xx) neither: its error, with the stack, joins
 * this line, written at `error`; a request whose response failed has its line at `error` with the error.
 *
 * The waiting room's answers are not logged one by one: they are counted, and `logTurnedAway`
 * writes their number once per interval (those answered before Fastify included).
 */
/** The message of the one line per request (operators read French: ARCHITECTURE.md), and of the waiting room's count. */
export const REQUEST_LINE = 'requête';
const REQUEST_ERRORED = 'requête interrompue : la réponse n’a pas pu être envoyée';
export const TURNED_AWAY_LINE = 'salle d’attente : requêtes renvoyées vers la page d’attente';

export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {
    // nothing at the start: the one line is written at the end
  }

  // Fastify's other lines about a request, in French like every line an operator reads
  override streamError(error: Error & { code?: string }, _request: FastifyRequest, reply: FastifyReply): void {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') reply.log.info('réponse interrompue : le client est parti avant la fin');
    else reply.log.warn({ err: error }, 'réponse interrompue par une erreur après l’envoi des en-têtes');
  }

  override serviceUnavailable(logger: FastifyInstance['log']): void {
    logger.info({ res: { statusCode: 503 } }, 'requête refusée : le portail s’arrête');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.getHeader('x-admission') === 'waiting-room') return; // counted (logTurnedAway)
    const line = {
      method: request.method,
      ...(request.routeOptions.url ? { route: request.routeOptions.url } : { path: redactUrl(request.url.split('?', 1)[0]!) }),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      ...additions.get(request)?.fields,
    };
    const level = additions.get(request)?.level ?? 'info';
    if (error) reply.log.error({ ...line, err: error }, REQUEST_ERRORED);
    else reply.log[level](line, REQUEST_LINE);
  }
}

/** Writes, once per `everySeconds`, how many requests the waiting room turned away (when some were). */
export function logTurnedAway(app: FastifyInstance, everySeconds: number): void {
  let last = 0;
  let lastEarly = 0;
  const timer = setInterval(() => {
    const { waited, waitedEarly } = app.admission.stats();
    if (waited > last) app.log.info({ turnedAway: waited - last, beforeFastify: waitedEarly - lastEarly, everySeconds }, TURNED_AWAY_LINE);
    last = waited;
    lastEarly = waitedEarly;
  }, everySeconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
