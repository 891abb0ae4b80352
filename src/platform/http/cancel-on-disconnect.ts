import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { newQueryScope, runInQueryScope, type QueryScope } from '../db/query-scope.ts';

const SCOPE = Symbol('queryScope');
type Scoped = FastifyRequest & { [SCOPE]?: QueryScope };

/**
 * Each request runs in a query scope (platform/db/query-scope.ts); when its client goes away before
 * the response is sent, the queries it is running are cancelled on the server (`pg_cancel_backend`)
 * and those it has not started yet are refused. A search whose agent closed the tab no longer runs
 * on for seconds holding a connection.
 */
export function cancelQueriesOnDisconnect(app: FastifyInstance, database: Database): void {
  app.addHook('onRequest', (request, reply, done) => {
    const scope = newQueryScope();
    (request as Scoped)[SCOPE] = scope;
    reply.raw.on('close', () => {
      // 'close' also follows a complete response: only an unfinished one means the client left
      if (!reply.raw.writableFinished) void database.cancel(scope);
    });
    runInQueryScope(scope, done);
  });
  // the body is read from the socket's events, outside the scope: enter it again for the handler
  app.addHook('preValidation', (request, _reply, done) => {
    const scope = (request as Scoped)[SCOPE];
    if (scope) runInQueryScope(scope, done);
    else done();
  });
}
