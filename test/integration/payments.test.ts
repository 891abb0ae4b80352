import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { luhn, notificationKey, notificationSignatureValid, signNotification } from '../../src/platform/payment/simulated-provider.tsx';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';

describe('payments and the built-in provider', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** A procedure awaiting payment, and a started attempt on it, through the real service. */
  async function attempt(key = 'idem-key-0123456789') {
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    const vehicle = await t.database.db.selectFrom('vehicles').select('id').where('plate', '=', 'QR-321-ST').executeTakeFirstOrThrow();
    const proc = await t.database.db
      .insertInto('vehicle_procedures')
      .values({ file_number: `V26-${key.slice(0, 8).toUpperCase()}`, account_id: account.id, kind: 'holder_change', initiator: 'self', vehicle_id: vehicle.id, status: 'awaiting_payment', data: '{}', updated_at: new Date() })
      .onConflict((oc) => oc.column('file_number').doNothing())
      .returning('id')
      .executeTakeFirst();
    const procedureId = proc?.id ?? (await t.database.db.selectFrom('vehicle_procedures').select('id').executeTakeFirstOrThrow()).id;
    const { createPaymentService } = await import('../../src/platform/payment/service.ts');
    const { createSimulatedProvider } = await import('../../src/platform/payment/simulated-provider.tsx');
    const service = createPaymentService({ db: t.database.db, provider: createSimulatedProvider({ db: t.database.db, publicUrl: 'http://localhost:3000' }), onPaid: async () => undefined });
    return { service, procedureId, accountId: account.id };
  }

  it('a double click on "Payer" (same idempotency key) resumes the same attempt', async () => {
    const { service, procedureId, accountId } = await attempt();
    const actor = { kind: 'user' as const, id: accountId, ip: '127.0.0.1' };
    const a = await service.start({ accountId, procedureId, amountCents: 1376, description: 'x', idempotencyKey: 'idem-key-0123456789' }, actor);
    const b = await service.start({ accountId, procedureId, amountCents: 1376, description: 'x', idempotencyKey: 'idem-key-0123456789' }, actor);
    expect(a).toEqual(b);
    expect(await t.database.db.selectFrom('payments').select('id').execute()).toHaveLength(1);
    expect(await t.database.db.selectFrom('simulated_provider_transactions').select('id').execute()).toHaveLength(1);
  });

  it('the hosted page checks the card (Luhn, expiry, CVC) in French and keeps nothing sensitive', async () => {
    const { service, procedureId, accountId } = await attempt();
    const started = await service.start({ accountId, procedureId, amountCents: 1376, description: 'x', idempotencyKey: 'idem-key-0123456789' }, { kind: 'system', id: null, ip: null });
    const url = new URL((started as { redirectUrl: string }).redirectUrl).pathname;
    const client = new TestClient(t.app);
    await client.get(url);
    const res = await client.submit(/paiement-simule/, { card_number: '4242 4242 4242 4241', expiry: '01/20', cvc: '12', action: 'valider' });
    const text = textOf(res.body);
    expect(res.statusCode).toBe(400);
    expect(text).toContain('Le numéro de carte est invalide');
    expect(text).toContain('Cette carte est expirée');
    expect(text).toContain('Le cryptogramme comporte les 3 chiffres au dos de la carte');
    expect(res.body).not.toContain('4242 4242 4242 4241');
    expect(res.body).toContain('value="01/20"');
  });

  it('attempts left unfinished for 90 minutes expire; the procedure stays payable', async () => {
    const { service, procedureId, accountId } = await attempt();
    await service.start({ accountId, procedureId, amountCents: 1376, description: 'x', idempotencyKey: 'idem-key-0123456789' }, { kind: 'system', id: null, ip: null });
    await sql`update payments set expires_at = now() - interval '1 minute'`.execute(t.database.db);
    expect(await service.expire()).toBe(1);
    expect((await service.latest(procedureId))?.status).toBe('expired');
    const again = await service.start({ accountId, procedureId, amountCents: 1376, description: 'x', idempotencyKey: 'another-key-0123456789' }, { kind: 'system', id: null, ip: null });
    expect('redirectUrl' in again).toBe(true);
  });

  it('signs notifications with HMAC and checks them in constant time', () => {
    const key = notificationKey('s'.repeat(40));
    const body = '{"reference":"abc","status":"paid"}';
    const sig = signNotification(key, body);
    expect(notificationSignatureValid(key, body, sig)).toBe(true);
    expect(notificationSignatureValid(key, body.replace('paid', 'declined'), sig)).toBe(false);
    expect(notificationSignatureValid(key, body, undefined)).toBe(false);
    expect(luhn('4242424242424242')).toBe(true);
    expect(luhn('4242424242424241')).toBe(false);
  });
});
