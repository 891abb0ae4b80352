import { describe, expect, it } from 'vitest';
import { STAMP_MOVES } from '../../src/domains/stamps/model.ts';
import { REFUND_DECISIONS } from '../../src/domains/stamps/refund-model.ts';
import { decideRefund, moveStamp } from '../../src/domains/stamps/transitions.ts';
import { AUDIT_ACTION_LABELS } from '../../src/platform/audit-labels.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';

/**
 * The stamp and stamp-refund machines: their status is written only by stamps/transitions.ts, which
 * moves a stamp only from its move's status and decides a refund request once.
 */
describe('fiscal stamp and refund transitions', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const db = () => t.database.db;
  const USER = { kind: 'system', id: null, ip: null } as const;
  const stampRow = (id: number) => db().selectFrom('fiscal_stamps').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const stampTrail = async (id: number) =>
    (await db().selectFrom('audit_events').select('action').where('subject_kind', '=', 'fiscal_stamp').where('subject_id', '=', id).orderBy('id').execute()).map((e) => e.action);

  async function boughtStamp(amountCents = 2500) {
    const account = await db().selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    const bought = await db().transaction().execute((trx) => t.app.stamps.buy(trx, { amountCents, accountId: account.id }));
    return { ...bought, accountId: account.id };
  }

  /** A stamp whose refund is asked, with its pending request (moved through the machine). */
  async function pendingRefund() {
    const stamp = await boughtStamp();
    return db().transaction().execute(async (trx) => {
      expect(await moveStamp(trx, { id: stamp.id }, 'request_refund', USER)).not.toBeNull();
      return trx
        .insertInto('stamp_refund_requests')
        .values({ reference: `RT-TEST${stamp.id}`, stamp_id: stamp.id, account_id: stamp.accountId, channel: 'online', iban: null, account_holder: null, idempotency_key: `test-key-${stamp.id}-000000` })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  }

  it('every move has a French label for its audit row, and every decision a move of the stamp', () => {
    for (const m of Object.values(STAMP_MOVES)) expect(AUDIT_ACTION_LABELS[m.audit], m.audit).toMatch(/^\p{Lu}/u);
    for (const d of Object.values(REFUND_DECISIONS)) expect(STAMP_MOVES[d.stampMove].from).toBe('refund_requested');
  });

  it('refuses a move from another status than the move’s, and writes nothing', async () => {
    const stamp = await boughtStamp();
    const before = await stampRow(stamp.id);
    expect(before.status).toBe('available');
    for (const move of ['refund', 'refuse_refund'] as const) {
      expect(await db().transaction().execute((trx) => moveStamp(trx, { id: stamp.id }, move, USER, { set: { refunded_at: new Date() } })), move).toBeNull();
    }
    expect(await stampRow(stamp.id)).toEqual(before);
    expect(await stampTrail(stamp.id)).toEqual(['stamp.bought']);

    // used once, never again, never refunded
    expect(await db().transaction().execute((trx) => moveStamp(trx, { id: stamp.id }, 'consume', USER, { set: { usage: 'A' } }))).toMatchObject({ status: 'used', usage: 'A' });
    const used = await stampRow(stamp.id);
    for (const move of ['consume', 'request_refund'] as const) expect(await db().transaction().execute((trx) => moveStamp(trx, { id: stamp.id }, move, USER, { set: { usage: 'B' } })), move).toBeNull();
    expect(await stampRow(stamp.id)).toEqual(used);
    expect(await stampTrail(stamp.id)).toEqual(['stamp.bought', 'stamp.consumed']);
  });

  it('a guard that does not hold moves nothing', async () => {
    const stamp = await boughtStamp(1700);
    const moved = await db().transaction().execute((trx) => moveStamp(trx, { id: stamp.id }, 'consume', USER, { guard: (eb) => eb('amount_cents', '>=', 2500) }));
    expect(moved).toBeNull();
    expect((await stampRow(stamp.id)).status).toBe('available');
  });

  it('of two operators deciding the same refund at once, one decides: one audit row, the stamp moved once', async () => {
    const request = await pendingRefund();
    const operator = await db().selectFrom('agents').select('id').where('email', '=', 'agent.operateur@example.fr').executeTakeFirstOrThrow();
    const decide = (decision: 'refund' | 'refuse') => db().transaction().execute((trx) => decideRefund(trx, request.id, decision, operator, { note: decision === 'refuse' ? 'Motif' : null, ip: null }));
    const results = await Promise.all([decide('refund'), decide('refuse')]);
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    const won = winners[0]!;
    const stamp = await stampRow(request.stamp_id);
    expect(stamp.status).toBe(won.request.status === 'refunded' ? 'refunded' : 'available');
    const trail = await stampTrail(request.stamp_id);
    expect(trail.filter((a) => a === 'stamp.refunded' || a === 'stamp.refund_refused')).toHaveLength(1);

    // decided: a third decision is refused and writes nothing
    const decidedRow = await db().selectFrom('stamp_refund_requests').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(await decide('refund')).toBeNull();
    expect(await db().selectFrom('stamp_refund_requests').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow()).toEqual(decidedRow);
    expect(await stampRow(request.stamp_id)).toEqual(stamp);
  });
});
