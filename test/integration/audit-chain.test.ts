import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { enqueueDailyAuditHead, recordAuditHead, RECORD_AUDIT_HEAD_JOB } from '../../src/domains/instruction/audit-heads.ts';
import { audit, auditRowHash, GENESIS_HASH, sealAuditEvents, SYSTEM, verifyAuditChain } from '../../src/platform/audit.ts';
import { openDatabase } from '../../src/platform/db/database.ts';
import { migrate, MIGRATIONS_DIR } from '../../src/platform/db/migrate.ts';
import { addDays, parisDay } from '../../src/platform/time.ts';
import { createTestApp, type TestApp } from '../helpers/app.ts';
import { SqlRecorder } from '../helpers/sql-recorder.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('audit trail: hash chain, verification, daily heads', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(() => t.database.reset());

  const db = () => t.database.db;
  /** The chain as sealed, in its order. */
  const rows = async () => {
    await sealAuditEvents(db());
    return db().selectFrom('audit_events').select(['id', 'seq', 'prev_hash', 'hash']).orderBy('seq').execute();
  };

  async function writeRows(n: number) {
    for (let i = 0; i < n; i++) await audit(db(), { kind: 'agent', id: 3, ip: '192.0.2.1' }, 'test.action', { kind: 'account', id: i + 1 }, { i, note: `ligne ${i}` });
    return rows();
  }

  it('a write appends its row in one INSERT, with no lock and no read of the chain; the sealer chains it after', async () => {
    const recorder = new SqlRecorder();
    const recorded = recorder.wrap(db());
    const statements = await recorder.during(() => recorded.transaction().execute((trx) => audit(trx, { kind: 'user', id: 7, ip: '192.0.2.7' }, 'test.one', { kind: 'account', id: 7 }, { a: 1 })));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^insert into "audit_events"/);
    expect(statements[0]).not.toMatch(/lock|hash|select/i);
    const waiting = await db().selectFrom('audit_events').select(['seq', 'prev_hash', 'hash']).executeTakeFirstOrThrow();
    expect(waiting).toEqual({ seq: null, prev_hash: null, hash: null });
    expect(await verifyAuditChain(db(), { seal: false })).toMatchObject({ ok: true, rows: 0, pending: 1 });
    expect(await sealAuditEvents(db())).toBe(1);
    expect(await sealAuditEvents(db())).toBe(0);
    expect(await verifyAuditChain(db(), { seal: false })).toMatchObject({ ok: true, rows: 1, pending: 0 });
  });

  it('seals in batches: 2,500 rows take two transactions and form one chain', async () => {
    await sql`insert into audit_events (actor_kind, action, details) select 'system', 'test.bulk', jsonb_build_object('n', g) from generate_series(1, 2500) g`.execute(db());
    expect(await sealAuditEvents(db(), 1000)).toBe(2500);
    const chain = await rows();
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 2500 }, (_, i) => i + 1));
    expect(await verifyAuditChain(db(), { batch: 999 })).toMatchObject({ ok: true, rows: 2500, pending: 0 });
  });

  it('links each row to the one before, from the genesis hash, through audited actions', async () => {
    await db().transaction().execute(async (trx) => {
      await audit(trx, SYSTEM, 'test.first', null);
      await audit(trx, { kind: 'user', id: 12, ip: '2001:db8::1' }, 'test.second', { kind: 'account', id: 12 }, { nested: { b: 1, a: [true, null, 'é"\n\\'] }, amount: 12.5 });
    });
    await writeRows(3);
    const chain = await rows();
    expect(chain).toHaveLength(5);
    expect(chain[0]!.prev_hash).toBe(GENESIS_HASH);
    chain.slice(1).forEach((row, i) => expect(row.prev_hash).toBe(chain[i]!.hash));
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, rows: 5, lastId: chain[4]!.id, lastHash: chain[4]!.hash });
  });

  it('forms one chain when 20 transactions append at the same time and 20 appends run outside a transaction, sealed as they come', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.database.db.transaction().execute(async (trx) => {
          await sql`select 1`.execute(trx);
          await sleep((i * 7) % 5);
          await audit(trx, SYSTEM, 'test.concurrent', { kind: 'probe', id: i });
          await sleep((i * 3) % 4);
        }),
      ),
    );
    await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => audit(db(), SYSTEM, 'test.concurrent_root', { kind: 'probe', id: i })),
      ...Array.from({ length: 5 }, () => sealAuditEvents(db())), // sealers racing the writers (one at a time seals)
    ]);
    const chain = await rows();
    expect(chain.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(chain).toHaveLength(40);
    expect(new Set(chain.map((r) => r.prev_hash)).size).toBe(40);
    expect(await verifyAuditChain(db(), { batch: 7 })).toMatchObject({ ok: true, rows: 40 }); // small pages: the walk crosses pages
  });

  // PostgreSQL only (PGlite runs one transaction at a time): declared only there, never a skipped test on PGlite
  if (process.env.DATABASE_URL) it('on PostgreSQL, a writer does not wait for another transaction that wrote an audit row and has not committed; the late row is sealed after', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let wroteFirst!: () => void;
    const firstWritten = new Promise<void>((resolve) => (wroteFirst = resolve));
    const slow = db().transaction().execute(async (trx) => {
      await audit(trx, SYSTEM, 'test.slow', null);
      wroteFirst();
      await held; // the transaction stays open, its audit row uncommitted
    });
    await firstWritten;
    const started = Date.now();
    await Promise.race([audit(db(), SYSTEM, 'test.fast', null), sleep(5_000).then(() => Promise.reject(new Error('the second writer waited for the first transaction')))]);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await sealAuditEvents(db())).toBe(1); // only the committed row
    release();
    await slow;
    expect(await sealAuditEvents(db())).toBe(1);
    const chain = await db().selectFrom('audit_events').select(['id', 'seq', 'action']).orderBy('seq').execute();
    expect(chain.map((r) => r.action)).toEqual(['test.fast', 'test.slow']);
    expect(chain[1]!.id).toBeLessThan(chain[0]!.id); // the lower id, committed later, comes after
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, rows: 2 });
  });

  it('an audit row written in a transaction that rolls back leaves the chain intact', async () => {
    await writeRows(2);
    await expect(
      db().transaction().execute(async (trx) => {
        await audit(trx, SYSTEM, 'test.rolled_back', null);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await writeRows(2);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, rows: 4 });
  });

  it('detects a row whose details were edited, naming it', async () => {
    const chain = await writeRows(5);
    const target = chain[2]!.id;
    await sql`update audit_events set details = '{"i": 2, "note": "réécrite"}'::jsonb where id = ${target}`.execute(db());
    expect(await verifyAuditChain(db())).toEqual({
      ok: false,
      rows: 2,
      brokenAt: target,
      reason: 'edited',
      message: `La ligne n° ${target} a été modifiée : son contenu ne correspond plus à son empreinte.`,
    });
  });

  it('detects an edit of any hashed field, even a microsecond of its time', async () => {
    const edits = [
      sql`update audit_events set at = at + interval '1 microsecond'`,
      sql`update audit_events set actor_id = 4`,
      sql`update audit_events set action = 'test.other'`,
      sql`update audit_events set ip = '192.0.2.2'`,
      sql`update audit_events set subject_id = null`,
    ];
    for (const edit of edits) {
      await t.database.reset();
      const chain = await writeRows(3);
      await sql`${edit} where id = ${chain[1]!.id}`.execute(db());
      expect(await verifyAuditChain(db())).toMatchObject({ ok: false, brokenAt: chain[1]!.id, reason: 'edited' });
    }
  });

  it('detects a deleted middle row at the row after it, and a deleted first row', async () => {
    const chain = await writeRows(5);
    await db().deleteFrom('audit_events').where('id', '=', chain[2]!.id).execute();
    const check = await verifyAuditChain(db());
    expect(check).toMatchObject({ ok: false, brokenAt: chain[3]!.id, reason: 'chain_broken' });
    expect(check.ok === false && check.message).toBe(`La chaîne est rompue entre les lignes n° ${chain[1]!.id} et n° ${chain[3]!.id} : une ligne a été supprimée, insérée ou réécrite entre elles.`);

    await t.database.reset();
    const again = await writeRows(3);
    await db().deleteFrom('audit_events').where('id', '=', again[0]!.id).execute();
    expect(await verifyAuditChain(db())).toMatchObject({ ok: false, brokenAt: again[1]!.id, reason: 'chain_broken' });
  });

  it('detects a row inserted into the chain with a well-formed hash of its own', async () => {
    const chain = await writeRows(5);
    // make room at place 3, then slip in a forged row chained to the row before it
    await sql`update audit_events set seq = seq + 1000 where seq >= 3`.execute(db());
    await sql`update audit_events set seq = seq - 999 where seq >= 1000`.execute(db());
    // (the unique index on prev_hash refuses a second row pointing to chain[1]: the forger invents its link)
    const forged = { id: 999, at: '2026-12-01T08:00:00.000000Z', actor_kind: 'agent', actor_id: 3, action: 'test.action', subject_kind: 'account', subject_id: 42, ip: '192.0.2.1', details: '{}' };
    const invented = 'f'.repeat(64);
    await sql`insert into audit_events (id, at, actor_kind, actor_id, action, subject_kind, subject_id, ip, details, seq, prev_hash, hash) overriding system value
      values (999, ${forged.at}::timestamptz, 'agent', 3, 'test.action', 'account', 42, '192.0.2.1', '{}'::jsonb, 3, ${invented}, ${auditRowHash(invented, forged)})`.execute(db());
    expect(await verifyAuditChain(db())).toMatchObject({ ok: false, brokenAt: 999, reason: 'chain_broken', rows: 2 });
    expect(chain).toHaveLength(5);
  });

  it('detects a row moved to another place of the chain', async () => {
    const chain = await writeRows(4);
    await sql`update audit_events set seq = case seq when 2 then 3 when 3 then 2 end + 100 where seq in (2, 3)`.execute(db());
    await sql`update audit_events set seq = seq - 100 where seq > 100`.execute(db());
    expect(await verifyAuditChain(db())).toMatchObject({ ok: false, brokenAt: chain[2]!.id, reason: 'chain_broken' });
  });

  it('detects the last rows deleted or rewritten after a daily head was recorded', async () => {
    const chain = await writeRows(4);
    const today = parisDay(new Date());
    expect(await recordAuditHead(db(), today)).toEqual({ day: today, lastId: chain[3]!.id, hash: chain[3]!.hash });
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, heads: 1 });

    await db().deleteFrom('audit_events').where('id', '>=', chain[2]!.id).execute(); // no later row points to them
    expect(await verifyAuditChain(db())).toMatchObject({ ok: false, brokenAt: chain[3]!.id, reason: 'head_missing' });
  });

  it('records one head per day, even when the job is enqueued twice or runs twice', async () => {
    const chain = await writeRows(3);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const day = await enqueueDailyAuditHead(db(), tomorrow);
    expect(day).toBe(parisDay(new Date()));
    expect(await enqueueDailyAuditHead(db(), tomorrow)).toBe(day);
    const jobs = await db().selectFrom('jobs').select(['kind', 'dedupe_key']).execute();
    expect(jobs).toEqual([{ kind: RECORD_AUDIT_HEAD_JOB, dedupe_key: `audit-head-${day}` }]);
    expect(await t.app.worker.drain()).toBe(1);

    await writeRows(2); // later rows do not move the head already recorded
    await recordAuditHead(db(), day);
    const heads = await sql<{ day: string; last_id: number; hash: string }>`select day::text as day, last_id, hash from audit_heads`.execute(db());
    expect(heads.rows).toEqual([{ day, last_id: chain[2]!.id, hash: chain[2]!.hash }]);
  });

  it('the head of a day is the last row written before midnight, Paris time', async () => {
    const chain = await writeRows(3);
    expect(await recordAuditHead(db(), addDays(parisDay(new Date()), -1))).toBeNull(); // nothing yet before today
    await sql`update audit_events set at = now() - interval '3 days'`.execute(db()); // breaks the hashes, not the point here
    const day = addDays(parisDay(new Date()), -2);
    expect(await recordAuditHead(db(), day)).toEqual({ day, lastId: chain[2]!.id, hash: chain[2]!.hash });
  });

  it('every node’s worker seals the waiting rows on its own, and its periodic housekeeping enqueues yesterday’s head job, which it knows how to run', async () => {
    await audit(db(), SYSTEM, 'test.worker_seals', null);
    t.app.worker.start();
    let sealed = null;
    for (let i = 0; i < 100 && !sealed; i++) {
      await sleep(50);
      sealed = (await db().selectFrom('audit_events').select('seq').executeTakeFirstOrThrow()).seq;
    }
    expect(sealed).toBe(1);
    const key = `audit-head-${addDays(parisDay(new Date()), -1)}`;
    for (let i = 0; i < 100; i++) {
      const job = await db().selectFrom('jobs').select('id').where('dedupe_key', '=', key).executeTakeFirst();
      if (job) break;
      await sleep(50);
    }
    await t.app.worker.stop();
    await t.app.worker.drain();
    const job = await db().selectFrom('jobs').select(['kind', 'done_at', 'last_error']).where('dedupe_key', '=', key).executeTakeFirstOrThrow();
    expect(job).toMatchObject({ kind: RECORD_AUDIT_HEAD_JOB, last_error: null });
    expect(job.done_at).toBeInstanceOf(Date);
  });

  it('migration 0004 chains the rows written before it with the same canonical form as the code', async () => {
    const migration = readFileSync(path.join(MIGRATIONS_DIR, '0004_backoffice_security.sql'), 'utf8');
    const block = /do \$chain\$[\s\S]*?\$chain\$;/.exec(migration)![0];
    const legacy = [
      { actor_kind: 'user', actor_id: 5, action: 'account.signed_in', subject_kind: 'account', subject_id: 5, ip: '203.0.113.9', details: { method: 'password' } },
      { actor_kind: 'system', actor_id: null, action: 'account.suspension_ended', subject_kind: null, subject_id: null, ip: null, details: {} },
      { actor_kind: 'agent', actor_id: 2, action: 'account.deleted', subject_kind: 'account', subject_id: 9, ip: '::1', details: { reason: 'Motif « cité », avec "guillemets", \\ et\nretour\tà la ligne \u0001 😀', n: 1.5, z: [1, { b: null, a: true }], long_key_first: 0 } },
    ];
    for (const [i, row] of legacy.entries())
      await db().insertInto('audit_events').values({ ...row, details: JSON.stringify(row.details), seq: i + 1, prev_hash: `legacy-${i}`, hash: `legacy-${i}` } as never).execute();
    await t.database.execScript(block);
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, rows: 3 });
    await audit(db(), SYSTEM, 'test.after_migration', null); // the code carries on from the migrated chain
    expect(await verifyAuditChain(db())).toMatchObject({ ok: true, rows: 4 });
  });
});

describe('npm run audit:verify', () => {
  it('exits 0 on an intact chain, and 1 naming the first broken row after an edit', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'audit-verify-'));
    try {
      const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
      await migrate(database);
      for (let i = 0; i < 3; i++) await audit(database.db, SYSTEM, 'test.cli', { kind: 'probe', id: i });
      await database.close();
      const run = () =>
        spawnSync(path.resolve('node_modules/.bin/tsx'), ['src/cli/audit-verify.ts'], {
          env: { ...process.env, DATABASE_URL: '', DATA_DIR: dir, NODE_ENV: 'development', LOG_LEVEL: 'silent' },
          encoding: 'utf8',
          timeout: 60_000,
        });
      const ok = run();
      expect(ok.stdout).toContain('Journal d’audit intègre : 3 ligne(s) vérifiée(s)');
      expect(ok.status).toBe(0);

      const reopened = await openDatabase({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
      await sql`update audit_events set details = '{"forged": true}'::jsonb where id = 2`.execute(reopened.db);
      await reopened.close();
      const broken = run();
      expect(broken.stderr).toContain('Journal d’audit ALTÉRÉ : La ligne n° 2 a été modifiée');
      expect(broken.status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
