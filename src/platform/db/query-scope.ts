import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The PostgreSQL connections working for one HTTP request, so that its queries can be cancelled
 * (`pg_cancel_backend`) when its client goes away: nobody would read the answer, and a search left
 * running holds a connection other people wait for. Entered per request by
 * `platform/http/cancel-on-disconnect.ts`; filled by the tracking pool of `database.ts`, which
 * records the server process of each connection while the request holds it.
 */
export interface QueryScope {
  /** server process ids of the connections the request holds right now */
  readonly pids: Set<number>;
  /** the client left: queries not yet started are refused */
  cancelled: boolean;
}

const storage = new AsyncLocalStorage<QueryScope>();

export function newQueryScope(): QueryScope {
  return { pids: new Set(), cancelled: false };
}

/** Runs `fn` (and everything it starts) inside the scope. */
export function runInQueryScope<T>(scope: QueryScope, fn: () => T): T {
  return storage.run(scope, fn);
}

export function currentQueryScope(): QueryScope | undefined {
  return storage.getStore();
}

/** A query not started because the request's client had already gone away. */
export class ClientGoneError extends Error {
  constructor() {
    super('client gone: query not started');
    this.name = 'ClientGoneError';
  }
}
