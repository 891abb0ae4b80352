import { describe, expect, it } from 'vitest';
import { ACCOUNT_TRANSITIONS, canTransition } from '../../src/domains/accounts/model.ts';
import { signIn } from '../../src/domains/accounts/sign-in.ts';
import { transitionAccount } from '../../src/domains/accounts/transitions.ts';
import { reactivateAccount, suspendAccount } from '../../src/domains/agents/accounts-administration.ts';
import { decideHabilitation } from '../../src/domains/agents/habilitations.ts';
import { HABILITATION_TRANSITIONS } from '../../src/domains/agents/model.ts';
import { transitionHabilitation } from '../../src/domains/agents/transitions.ts';
import { DEMO_PASSWORD } from '../../src/demo/seed.ts';
import { AUDIT_ACTION_LABELS } from '../../src/platform/audit-labels.ts';
import type { AccountStatus } from '../../src/schema.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';

/**
 * The account and habilitation status machines: written only through their transitions.ts, which
 * refuse a move the machine does not allow and a move from a status that changed since it was read,
 * writing nothing then; of two concurrent decisions, one wins.
 */
describe('account and habilitation status transitions', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const db = () => t.database.db;
  const accountOf = (email: string) => db().selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  const agentOf = (email: string) => db().selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirstOrThrow();
  const trail = async (accountId: number) =>
    (await db().selectFrom('audit_events').select('action').where('subject_kind', '=', 'account').where('subject_id', '=', accountId).orderBy('id').execute()).map((e) => e.action);
  const setStatus = (id: number, status: AccountStatus) => db().updateTable('accounts').set({ status }).where('id', '=', id).execute(); // the test's own fixture
  const SYSTEM = { kind: 'system', id: null, ip: null } as const;

  it('every move of the machines has a French label for its audit row', () => {
    for (const t of Object.values(ACCOUNT_TRANSITIONS)) expect(AUDIT_ACTION_LABELS[t.audit], t.audit).toMatch(/^\p{Lu}/u);
    for (const action of Object.keys(HABILITATION_TRANSITIONS)) expect(AUDIT_ACTION_LABELS[`habilitation.${action}`], action).toMatch(/^\p{Lu}/u);
    expect(canTransition('deactivated', 'suspend')).toBe(false);
    expect(canTransition('active', 'suspend')).toBe(true);
  });

  it('refuses a move the machine does not allow, and writes nothing', async () => {
    const account = await accountOf('demo.particulier@example.fr');
    await setStatus(account.id, 'deactivated');
    const before = await accountOf('demo.particulier@example.fr');
    for (const action of ['suspend', 'activate', 'reactivate', 'end_suspension'] as const) {
      const result = await db().transaction().execute((trx) => transitionAccount(trx, before, action, SYSTEM));
      expect(result, action).toEqual({ ok: false, reason: 'not_allowed' });
    }
    expect(await accountOf('demo.particulier@example.fr')).toEqual(before);
    expect(await trail(account.id)).toEqual([]);
  });

  it('refuses a move from a status that changed since it was read (optimistic), and writes nothing', async () => {
    const read = await accountOf('demo.particulier@example.fr');
    expect(read.status).toBe('active');
    await setStatus(read.id, 'deactivated'); // meanwhile
    const result = await db().transaction().execute((trx) => transitionAccount(trx, read, 'suspend', SYSTEM, { set: { suspension_reason: 'test' } }));
    expect(result).toEqual({ ok: false, reason: 'changed' });
    expect(await accountOf('demo.particulier@example.fr')).toMatchObject({ status: 'deactivated', suspension_reason: null });
    expect(await trail(read.id)).toEqual([]);
  });

  it('of two operators suspending the same account at once, one suspends it: one audit row, one email', async () => {
    const operator = await agentOf('agent.operateur@example.fr');
    const account = await accountOf('demo.particulier@example.fr');
    const until = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10); // the suspension's end is a date (JJ/MM/AAAA or ISO)
    const results = await Promise.all(
      ['Premier motif', 'Second motif'].map((reason) => suspendAccount({ db: db() }, operator, account.id, { reason, until }, '203.0.113.7')),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.find((r) => !r.ok)).toEqual({ ok: false, errors: { form: 'Seul un compte actif peut être suspendu.' } });
    expect(await trail(account.id)).toEqual(['account.suspended']);
    await t.app.worker.drain();
    const mails = await db().selectFrom('outgoing_messages').select('body_text').where('recipient', '=', account.email).where('subject', '=', 'Votre compte est suspendu').execute();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.body_text).toMatch(/suspendu jusqu’au \p{L}+ 8 décembre 2026 à \d{2} h \d{2}, pour le motif suivant/u);
    const suspended = await accountOf(account.email);
    expect(suspended.status).toBe('suspended');

    // and of two reactivations at once, one
    const again = await Promise.all([1, 2].map(() => reactivateAccount({ db: db() }, operator, account.id, '203.0.113.7')));
    expect(again.filter((r) => r.ok)).toHaveLength(1);
    expect(await trail(account.id)).toEqual(['account.suspended', 'account.reactivated']);
    expect(await accountOf(account.email)).toMatchObject({ status: 'active', suspended_until: null, suspension_reason: null });
  });

  it('a suspension whose end has passed is lifted at sign-in, audited once as the system', async () => {
    const account = await accountOf('demo.particulier@example.fr');
    await db().updateTable('accounts').set({ status: 'suspended', suspended_until: new Date(Date.now() - 60_000), suspension_reason: 'fini' }).where('id', '=', account.id).execute();
    const result = await signIn({ db: db() }, account.email, DEMO_PASSWORD, { ip: '203.0.113.8', userAgent: null });
    expect(result).toMatchObject({ ok: true, account: { status: 'active', suspended_until: null } });
    const rows = await db().selectFrom('audit_events').select(['action', 'actor_kind']).where('subject_id', '=', account.id).where('subject_kind', '=', 'account').orderBy('id').execute();
    expect(rows).toEqual([
      { action: 'account.suspension_ended', actor_kind: 'system' },
      { action: 'account.signed_in', actor_kind: 'user' },
    ]);
  });

  it('the account follows its habilitation through the machine: deactivated, then reinstated, each audited', async () => {
    const prefecture = await agentOf('agent.prefecture@example.fr');
    const garage = await accountOf('demo.garage@example.fr');
    const habilitation = await db().selectFrom('siv_habilitations').selectAll().where('account_id', '=', garage.id).executeTakeFirstOrThrow();
    expect(habilitation.status).toBe('validated');

    expect(await decideHabilitation({ db: db(), config: t.app.config }, prefecture, habilitation.id, 'suspend', 'Contrôle en cours', '203.0.113.9')).toEqual({ ok: true, value: null });
    expect((await accountOf(garage.email)).status).toBe('deactivated');
    expect(await decideHabilitation({ db: db(), config: t.app.config }, prefecture, habilitation.id, 'reinstate', '', '203.0.113.9')).toEqual({ ok: true, value: null });
    expect((await accountOf(garage.email)).status).toBe('active'); // it has a password
    expect(await trail(garage.id)).toEqual(['account.deactivated', 'account.reinstated']);
  });

  it('of two prefecture agents deciding the same habilitation at once, one decides; a move the machine refuses writes nothing', async () => {
    const prefecture = await agentOf('agent.prefecture@example.fr');
    const garage = await accountOf('demo.garage@example.fr');
    const habilitation = await db().selectFrom('siv_habilitations').selectAll().where('account_id', '=', garage.id).executeTakeFirstOrThrow();
    const deps = { db: db(), config: t.app.config };
    const results = await Promise.allSettled([
      decideHabilitation(deps, prefecture, habilitation.id, 'suspend', 'Motif A', '203.0.113.9'),
      decideHabilitation(deps, prefecture, habilitation.id, 'terminate', 'Motif B', '203.0.113.9'),
    ]);
    const decided = results.filter((r) => r.status === 'fulfilled' && r.value.ok);
    expect(decided).toHaveLength(1);
    const decisions = await db().selectFrom('audit_events').select('action').where('subject_kind', '=', 'habilitation').where('subject_id', '=', habilitation.id).execute();
    expect(decisions).toHaveLength(1);

    const now = await db().selectFrom('siv_habilitations').selectAll().where('id', '=', habilitation.id).executeTakeFirstOrThrow();
    const refused = await db().transaction().execute((trx) => transitionHabilitation(trx, now, 'validate', { kind: 'agent', id: prefecture.id, ip: null }));
    expect(refused).toEqual({ ok: false, reason: 'not_allowed' });
    expect(await db().selectFrom('siv_habilitations').selectAll().where('id', '=', habilitation.id).executeTakeFirstOrThrow()).toEqual(now);
  });
});
