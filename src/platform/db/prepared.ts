import { createQueryId, type Compilable, type CompiledQuery, type Kysely } from 'kysely';

/** The place of an argument in a prepared query's parameters, replaced by the argument's value at each run. */
class Argument {
  constructor(readonly index: number) {}
}

/**
 * The SQL texts of the prepared queries, each with its statement name: the PostgreSQL pools
 * (database.ts) send them as named statements, parsed and planned once per connection. Only the
 * queries prepared here (a few, fixed texts) are named: a name per distinct text, never unbounded.
 */
const statementNames = new Map<string, string>();

/** The statement name of a prepared query's SQL text, if it is one. */
export function statementNameOf(sqlText: string): string | undefined {
  return statementNames.get(sqlText);
}

export interface PreparedQuery<A extends unknown[], R> {
  /** The rows of the query run with these arguments. */
  execute(...args: A): Promise<R[]>;
}

/**
 * A query of a hot path (every signed-in page) built and compiled once per process instead of per
 * request: `build` receives placeholders for its arguments and returns the Kysely query; each run
 * puts the arguments' values in their places. A Kysely instance with plugins (the SQL recorder of the
 * tests) compiles it again at each run, through its plugins, as any query. Only for a query whose
 * SQL text does not depend on its arguments (no list of values whose length varies).
 */
export function prepareQuery<A extends unknown[], R>(db: Kysely<any>, build: (...args: A) => Compilable<R>): PreparedQuery<A, R> {
  const placeholders = Array.from({ length: build.length }, (_, i) => new Argument(i)) as unknown as A;
  const compiled = build(...placeholders).compile();
  if (!compiled.parameters.some((p) => p instanceof Argument)) throw new Error('prepareQuery: the query uses none of its arguments');
  if (!statementNames.has(compiled.sql)) statementNames.set(compiled.sql, `portail_${statementNames.size + 1}`);
  return {
    async execute(...args: A): Promise<R[]> {
      const executor = db.getExecutor();
      let query: CompiledQuery<R> = compiled;
      if (executor.plugins.length) {
        const queryId = createQueryId();
        query = executor.compileQuery(executor.transformQuery(compiled.query, queryId), queryId);
      }
      const parameters = query.parameters.map((p) => (p instanceof Argument ? args[p.index] : p));
      const result = await executor.executeQuery<R>({ ...query, parameters });
      return result.rows;
    },
  };
}
