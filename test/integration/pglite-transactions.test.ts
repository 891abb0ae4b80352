import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/platform/db/database.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PGlite dialect', () => {
  let database: Database;
  beforeAll(async () => {
    database = await openDatabase({ kind: 'pglite', dataDir: null });
    await database.execScript('create table probe (label text not null)');
  });
  afterAll(() => database.close());

  it('queues overlapping transactions so they never interleave on the single connection', async () => {
    const db = database.db;
    const events: string[] = [];
    const first = db.transaction().execute(async (trx) => {
      events.push('first:begin');
      await trx.insertInto('probe' as never).values({ label: 'first' } as never).execute();
      await sleep(50); // the second transaction is started during this pause
      events.push('first:end');
      throw new Error('roll back the first');
    });
    await sleep(5);
    const second = db.transaction().execute(async (trx) => {
      events.push('second:begin');
      await trx.insertInto('probe' as never).values({ label: 'second' } as never).execute();
      events.push('second:end');
    });
    await expect(first).rejects.toThrow('roll back the first');
    await second;
    // Interleaved, the second insert would have run inside the first transaction and been rolled back with it.
    expect(events).toEqual(['first:begin', 'first:end', 'second:begin', 'second:end']);
    const rows = await sql<{ label: string }>`select label from probe order by label`.execute(db);
    expect(rows.rows.map((r) => r.label)).toEqual(['second']);
  });

  it('runs lone queries between transactions, in arrival order', async () => {
    const db = database.db;
    await database.execScript('truncate probe');
    const tx = db.transaction().execute(async (trx) => {
      await trx.insertInto('probe' as never).values({ label: 'in-tx' } as never).execute();
      await sleep(30);
    });
    await sleep(5);
    // A read issued while the transaction is open waits, then sees the committed row.
    const count = await sql<{ n: number }>`select count(*)::int as n from probe`.execute(db);
    await tx;
    expect(count.rows[0]?.n).toBe(1);
  });
});
