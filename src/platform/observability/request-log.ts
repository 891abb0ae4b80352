import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { redactUrl } from './redact.ts';

/**
 * One log line per request, at its end (Fastify's default is two: "incoming request" and "request
 * completed", 156 MB in 17 minutes of a flood, each line costing CPU): method, route, status and
 * milliseconds, with the request id (`reqId`) that pino's child logger adds. The route is the
 * pattern (`/activation/:token`), never the path's values nor a query string; a request that matched
 * no route logs its path, with the known secrets masked (redact.ts), without the query string.
 * No header, so no cookie. Errors keep Fastify's own error lines (defaultErrorLog, unchanged), and a
 * failed request's line is at `error` with the error.
 *
 * The waiting room's answers are not logged one by one: they are counted, and `logTurnedAway`
 * writes their number once per interval (those answered before Fastify included).
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {
    // nothing at the start: the one line is written at the end
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (reply.getHeader('x-admission') === 'waiting-room') return; // counted (logTurnedAway)
    const line = {
      method: request.method,
      ...(request.routeOptions.url ? { route: request.routeOptions.url } : { path: redactUrl(request.url.split('?', 1)[0]!) }),
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}

/** Writes, once per `everySeconds`, how many requests the waiting room turned away (when some were). */
export function logTurnedAway(app: FastifyInstance, everySeconds: number): void {
  let last = 0;
  let lastEarly = 0;
  const timer = setInterval(() => {
    const { waited, waitedEarly } = app.admission.stats();
    if (waited > last) app.log.info({ turnedAway: waited - last, beforeFastify: waitedEarly - lastEarly, everySeconds }, 'waiting room: requests turned away');
    last = waited;
    lastEarly = waitedEarly;
  }, everySeconds * 1000);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
