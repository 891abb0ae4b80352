import { describe, expect, it } from 'vitest';
import { SYSTEM, type Actor } from '../../src/platform/audit.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { createSaleService } from '../../src/domains/vehicles/sale/service.ts';
import { applyTransition } from '../../src/domains/vehicles/procedures/transitions.ts';
import { canApply } from '../../src/domains/vehicles/procedures/model.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const BUYER = {
  buyer_kind: 'natural',
  buyer_birth_name: 'Lemaire',
  buyer_given_names: 'Sophie Anne',
  buyer_birth_date: '1990-04-15',
  buyer_address_line1: '8 rue des Acacias',
  buyer_postcode: '33000',
  buyer_commune: 'Bordeaux',
  buyer_country: 'FRANCE',
  sale_date: '2026-11-20',
  sale_time: '14:30',
  mileage: '84500',
};

/**
 * Every status change of a vehicle procedure goes through the state machine (procedures/model.ts):
 * a move it forbids — wrong status, wrong kind, wrong actor, or lost to a parallel request — is
 * refused and writes nothing (no status, no document, no code, no audit row, no message).
 */
describe('a vehicle procedure only moves as its state machine allows', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const db = () => t.database.db;

  /** Camille's sale of AB-123-CD, its code entered and its declaration filled up to the summary. */
  async function saleAtSummary() {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/cession`;
    await client.post(`${base}/commencer`, { understood: 'oui' });
    await client.post(`${base}/documents`, {});
    await client.post(`${base}/declaration`, BUYER);
    const file = page.url.split('/').pop()!;
    return { client, base, url: page.url, file };
  }
  const procedureRow = (file: string) => db().selectFrom('vehicle_procedures').selectAll().where('file_number', '=', file).executeTakeFirstOrThrow();
  const auditsOf = async (id: number) =>
    (await db().selectFrom('audit_events').select('action').where('subject_kind', '=', 'vehicle_procedure').where('subject_id', '=', id).execute()).map((r) => r.action);
  const written = async (procedureId: number, vehicleId: number) => ({
    codes: (await db().selectFrom('cession_codes').select('id').where('procedure_id', '=', procedureId).execute()).length,
    documents: (await db().selectFrom('issued_documents').select('token').where('procedure_id', '=', procedureId).execute()).length,
    soldAt: (await db().selectFrom('vehicles').select('sold_at').where('id', '=', vehicleId).executeTakeFirstOrThrow()).sold_at,
  });

  it('refuses to cancel a completed sale: the page answers "not found", the sale stays completed and nothing is audited', async () => {
    const { client, base, url, file } = await saleAtSummary();
    await client.get(base);
    await client.post(`${base}/confirmer`, { certify: 'oui' });
    const done = await procedureRow(file);
    expect(done.status).toBe('completed');
    await client.get(url);
    const cancel = await client.post(`${url}/abandon`, {});
    expect(cancel.statusCode).toBe(404);
    const after = await procedureRow(file);
    expect(after.status).toBe('completed');
    expect(after.updated_at.getTime()).toBe(done.updated_at.getTime());
    expect(await auditsOf(done.id)).not.toContain('vehicle_procedure.cancel');
    expect(canApply('completed', 'cancel')).toBe(false);
  });

  it('completes a sale once when two confirmations race: one code, two documents, one completion in the log', async () => {
    const { base, file } = await saleAtSummary();
    const p = await procedureRow(file);
    const sales = createSaleService({ db: db(), config: t.app.config });
    const actor: Actor = { kind: 'user', id: p.account_id, ip: '203.0.113.9' };
    const results = await Promise.all([sales.confirm(p, actor), sales.confirm(p, actor)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toHaveLength(1);
    expect((await written(p.id, p.vehicle_id!)).codes).toBe(1);
    expect((await written(p.id, p.vehicle_id!)).documents).toBe(2);
    expect((await auditsOf(p.id)).filter((a) => a === 'vehicle_procedure.complete_free')).toHaveLength(1);
    expect(base).toContain(file);
  });

  it('refuses to complete a sale abandoned meanwhile (a stale page): the vehicle stays unsold, no code, no document', async () => {
    const { client, url, file } = await saleAtSummary();
    const stale = await procedureRow(file);
    await client.get(`${url}/abandon`);
    await client.post(`${url}/abandon`, {});
    expect((await procedureRow(file)).status).toBe('cancelled');
    const sales = createSaleService({ db: db(), config: t.app.config });
    const result = await sales.confirm(stale, { kind: 'user', id: stale.account_id, ip: '203.0.113.9' });
    expect(result.ok).toBe(false);
    expect(await written(stale.id, stale.vehicle_id!)).toEqual({ codes: 0, documents: 0, soldAt: null });
    expect((await procedureRow(file)).status).toBe('cancelled');
    expect(await auditsOf(stale.id)).not.toContain('vehicle_procedure.complete_free');
  });

  it('refuses a move fired by the wrong actor or for the wrong kind of procedure, and writes nothing', async () => {
    const { file } = await saleAtSummary();
    const p = await procedureRow(file);
    const user: Actor = { kind: 'user', id: p.account_id, ip: '203.0.113.9' };
    const agent: Actor = { kind: 'agent', id: 1, ip: '203.0.113.9' };
    const messagesBefore = (await db().selectFrom('outgoing_messages').select('id').execute()).length;
    const attempts = await db().transaction().execute(async (trx) => [
      // only the payment provider's confirmation (the system) completes a paid procedure, and a sale has nothing to pay
      await applyTransition(trx, t.app.config, p, 'file_for_payment', user),
      // an agent decides only what reaches the instruction centre; the user's own abandon is theirs
      await applyTransition(trx, t.app.config, p, 'cancel', agent),
      await applyTransition(trx, t.app.config, { ...p, status: 'awaiting_payment' }, 'paid', user),
      await applyTransition(trx, t.app.config, { ...p, status: 'awaiting_payment' }, 'paid', SYSTEM),
    ]);
    expect(attempts).toEqual(Array(4).fill({ ok: false, reason: 'not_allowed' }));
    const after = await procedureRow(file);
    expect(after.status).toBe('in_progress');
    expect(after.updated_at.getTime()).toBe(p.updated_at.getTime());
    expect((await auditsOf(p.id)).filter((a) => a !== 'vehicle_procedure.started' && a !== 'vehicle_procedure.code_verified' && !a.startsWith('confidential_code.'))).toEqual([]);
    expect((await db().selectFrom('outgoing_messages').select('id').execute()).length).toBe(messagesBefore);
    // the same user's own abandon is allowed: the refusals above are the machine's, not a broken row
    const cancelled = await db().transaction().execute((trx) => applyTransition(trx, t.app.config, p, 'cancel', user));
    expect(cancelled.ok).toBe(true);
  });
});
