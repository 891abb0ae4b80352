import { describe, expect, it } from 'vitest';
import type { Actor } from '../../src/platform/audit.ts';
import { applyContactTransition } from '../../src/domains/help/transitions.ts';
import { DEMO_PRE_APPLICATION_NUMBER } from '../../src/domains/identity-docs/demo.ts';
import { applyPreApplicationTransition } from '../../src/domains/identity-docs/transitions.ts';
import { DEMO_LICENCE_FILE } from '../../src/domains/licences/demo.ts';
import { applyLicenceTransition } from '../../src/domains/licences/transitions.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';

/**
 * The transition functions of licence requests, pre-applications and contact requests (issue 19):
 * a move their machine forbids writes nothing (no status, no audit row, no message), and of two
 * decisions taken at the same time on the same row, exactly one is written.
 */
describe('licence, pre-application and contact status machines: one transition function each', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const db = () => t.database.db;
  const config = () => t.app.config;

  const accountId = async (email: string) => (await db().selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  const agentId = async (email: string) => (await db().selectFrom('agents').select('id').where('email', '=', email).executeTakeFirstOrThrow()).id;
  /** What a move writes besides the row: audit rows and queued messages (jobs). */
  const traces = async () => ({
    audit: Number((await db().selectFrom('audit_events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    jobs: Number((await db().selectFrom('jobs').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  });
  const actions = async (prefix: string) => (await db().selectFrom('audit_events').select('action').where('action', 'like', `${prefix}%`).execute()).map((e) => e.action);

  describe('licence requests', () => {
    const licence = () => db().selectFrom('licence_requests').selectAll().where('file_number', '=', DEMO_LICENCE_FILE).executeTakeFirstOrThrow();

    it('a decision the machine forbids ("Valider" a request still "Envoyée") is refused and writes nothing', async () => {
      const agent = await agentId('agent.permis@example.fr');
      await db().updateTable('licence_requests').set({ assigned_agent_id: agent }).where('file_number', '=', DEMO_LICENCE_FILE).execute();
      const r = await licence();
      expect(r.status).toBe('sent');
      const before = await traces();
      const actor: Actor = { kind: 'agent', id: agent, ip: '192.0.2.1' };
      const result = await db().transaction().execute((trx) => applyLicenceTransition(trx, config(), r, 'validate', actor, { agentId: agent }));
      expect(result).toEqual({ ok: false, reason: 'not_allowed' });
      const after = await licence();
      expect(after.status).toBe('sent');
      expect(after.decided_at).toBeNull();
      expect(await traces()).toEqual(before);
    });

    it('two decisions at the same time on one request in instruction: exactly one is written, audited and notified', async () => {
      const agent = await agentId('agent.permis@example.fr');
      await db().updateTable('licence_requests').set({ status: 'instruction', assigned_agent_id: agent }).where('file_number', '=', DEMO_LICENCE_FILE).execute();
      const r = await licence();
      const actor: Actor = { kind: 'agent', id: agent, ip: '192.0.2.1' };
      const before = await traces();
      const results = await Promise.all([
        db().transaction().execute((trx) => applyLicenceTransition(trx, config(), r, 'validate', actor, { agentId: agent })),
        db().transaction().execute((trx) => applyLicenceTransition(trx, config(), r, 'reject', actor, { agentId: agent, note: 'Pièce illisible' })),
      ]);
      expect(results.filter((x) => x.ok)).toHaveLength(1);
      expect(results.filter((x) => !x.ok)).toEqual([{ ok: false, reason: 'changed' }]);
      const winner = results[0]!.ok ? 'validated' : 'rejected';
      expect((await licence()).status).toBe(winner);
      expect(await actions('licence.')).toEqual([winner === 'validated' ? 'licence.validate' : 'licence.reject']);
      const after = await traces();
      expect(after.audit - before.audit).toBe(1);
      expect(after.jobs).toBeGreaterThan(before.jobs);
    });

    it('an agent’s move on a request assigned to someone else is not written', async () => {
      const agent = await agentId('agent.permis@example.fr');
      const other = await agentId('agent.cert@example.fr');
      await db().updateTable('licence_requests').set({ status: 'instruction', assigned_agent_id: other }).where('file_number', '=', DEMO_LICENCE_FILE).execute();
      const r = await licence();
      const before = await traces();
      const result = await db().transaction().execute((trx) => applyLicenceTransition(trx, config(), r, 'validate', { kind: 'agent', id: agent, ip: null }, { agentId: agent }));
      expect(result).toEqual({ ok: false, reason: 'changed' });
      expect((await licence()).status).toBe('instruction');
      expect(await traces()).toEqual(before);
    });
  });

  describe('pre-applications', () => {
    const preApplication = () => db().selectFrom('pre_applications').selectAll().where('number', '=', DEMO_PRE_APPLICATION_NUMBER).executeTakeFirstOrThrow();
    const notice = { subject: 'Sujet', text: 'Texte' };

    it('a move the machine forbids (a user taking it, or submitting it again) is refused and writes nothing', async () => {
      const p = await preApplication();
      expect(p.status).toBe('submitted');
      const before = await traces();
      const actor: Actor = { kind: 'user', id: p.account_id, ip: null };
      const byUser = await db().transaction().execute((trx) => applyPreApplicationTransition(trx, config(), p, { to: 'taken', by: 'user', actor, set: { taken_at: new Date() } }, notice));
      const again = await db().transaction().execute((trx) => applyPreApplicationTransition(trx, config(), p, { to: 'submitted', by: 'user', actor, set: {} }, notice));
      expect([byUser, again]).toEqual([
        { ok: false, reason: 'not_allowed' },
        { ok: false, reason: 'not_allowed' },
      ]);
      const after = await preApplication();
      expect(after.status).toBe('submitted');
      expect(after.taken_at).toBeNull();
      expect(await traces()).toEqual(before);
    });

    it('two town halls take the same number at the same time: exactly one is recorded', async () => {
      const p = await preApplication();
      const halls = [await accountId('demo.mairie@example.fr'), await accountId('demo.entreprise@example.fr')];
      const before = await traces();
      const results = await Promise.all(
        halls.map((hall) =>
          db()
            .transaction()
            .execute((trx) =>
              applyPreApplicationTransition(
                trx,
                config(),
                p,
                { to: 'taken', by: 'town_hall', actor: { kind: 'user', id: hall, ip: null }, guard: 'not_expired', set: { town_hall_account_id: hall, town_hall_name: `Mairie ${hall}`, taken_at: new Date(), application_number: `DEM-${hall}` } },
                notice,
              ),
            ),
        ),
      );
      expect(results.filter((x) => x.ok)).toHaveLength(1);
      expect(results.filter((x) => !x.ok)).toEqual([{ ok: false, reason: 'changed' }]);
      const winner = halls[results.findIndex((x) => x.ok)]!;
      const after = await preApplication();
      expect(after.status).toBe('taken');
      expect(after.town_hall_account_id).toBe(winner);
      expect(after.application_number).toBe(`DEM-${winner}`);
      expect(await actions('pre_application.taken')).toHaveLength(1);
      expect((await traces()).audit - before.audit).toBe(1);
    });
  });

  describe('contact requests', () => {
    async function contactRequest(status: 'open' | 'answered') {
      const answered = status === 'answered' ? { answer: 'Première réponse', answered_by: await agentId('agent.operateur@example.fr'), answered_at: new Date() } : {};
      const row = await db()
        .insertInto('contact_requests')
        .values({ reference: `C2026-T${status === 'open' ? 'OPEN' : 'DONE'}X`, account_id: await accountId('demo.particulier@example.fr'), topic: 'other', subject: 'Une question', message: 'Une question de test assez longue', status, received_at: new Date(), due_on: '2026-12-22', idempotency_key: `test-contact-${status}-0001`, ...answered })
        .returningAll()
        .executeTakeFirstOrThrow();
      return row;
    }
    const notice = (answer: string) => ({ subject: 'Réponse', toAccount: answer, toEmail: answer });

    it('answering a request already answered is refused and writes nothing', async () => {
      const r = await contactRequest('answered');
      const operator = await agentId('agent.operateur@example.fr');
      const before = await traces();
      const result = await db()
        .transaction()
        .execute((trx) => applyContactTransition(trx, config(), r, 'answer', { kind: 'agent', id: operator, ip: null }, { set: { answer: 'Seconde réponse', answered_by: operator, answered_at: new Date() }, notice: notice('Seconde réponse') }));
      expect(result).toEqual({ ok: false, reason: 'not_allowed' });
      const after = await db().selectFrom('contact_requests').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
      expect(after.answer).toBe('Première réponse');
      expect(await traces()).toEqual(before);
    });

    it('two operators answer the same request at the same time: one answer is kept, sent and audited', async () => {
      const r = await contactRequest('open');
      const operator = await agentId('agent.operateur@example.fr');
      const answers = ['Première réponse', 'Autre réponse'];
      const before = await traces();
      const results = await Promise.all(
        answers.map((answer) =>
          db()
            .transaction()
            .execute((trx) => applyContactTransition(trx, config(), r, 'answer', { kind: 'agent', id: operator, ip: null }, { set: { answer, answered_by: operator, answered_at: new Date() }, notice: notice(answer) })),
        ),
      );
      expect(results.filter((x) => x.ok)).toHaveLength(1);
      expect(results.filter((x) => !x.ok)).toEqual([{ ok: false, reason: 'changed' }]);
      const after = await db().selectFrom('contact_requests').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
      expect(after.status).toBe('answered');
      expect(after.answer).toBe(answers[results.findIndex((x) => x.ok)]);
      expect(await actions('contact.answered')).toHaveLength(1);
      const traced = await traces();
      expect(traced.audit - before.audit).toBe(1);
      expect(traced.jobs).toBeGreaterThan(before.jobs);
    });
  });
});
