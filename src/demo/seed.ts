import type { Config } from '../config.ts';
import type { Db } from '../platform/db/database.ts';

/**
 * Demo data for the embedded mode, created once with the database. Each domain adds its part here;
 * the whole seed runs in one transaction, so a crash half-way leaves nothing to clean up.
 * Returns false when the demo data already exists.
 */
export async function seedDemoData(db: Db, _config: Config): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const marker = await trx
      .insertInto('jobs')
      .values({ kind: 'demo-data-created', payload: JSON.stringify({}), dedupe_key: 'demo-data', done_at: new Date() })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    return marker !== undefined;
  });
}
