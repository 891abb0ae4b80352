import type { KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import type { Database, Db } from '../../src/platform/db/database.ts';

/**
 * Records every SQL statement sent through a Kysely instance (query builder and raw `sql`, in and
 * out of transactions), compiled, so that tests can count and read what a piece of code asked of
 * the database. `database()` gives a Database whose `db` records; hand it to `buildApp`.
 */
export class SqlRecorder implements KyselyPlugin {
  readonly statements: string[] = [];
  private recording = true;
  private db: Db | null = null;

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (this.recording && this.db) this.statements.push(this.db.getExecutor().compileQuery(node, { queryId: '' } as never).sql);
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }

  wrap(db: Db): Db {
    this.db = db;
    return db.withPlugin(this);
  }

  database(database: Database): Database {
    return { ...database, db: this.wrap(database.db), execScript: (s) => database.execScript(s), close: () => database.close() };
  }

  /** The statements run by `work`, alone (recording is reset first). */
  async during(work: () => Promise<unknown>): Promise<string[]> {
    this.statements.length = 0;
    await work();
    return [...this.statements];
  }
}
