import { describe, expect, it } from 'vitest';
import { createMaintenanceService } from '../../src/domains/site/maintenance-service.ts';
import { announceClosure, closureStatus, deleteAccountsAfterClosure } from '../../src/domains/site/closure/service.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/** Issue 18, terms of use §1.11.2: the end of the portal — every account notified, then deleted after the date, never before. */
describe('closure of the portal', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const now = new Date();
  const endsAt = new Date(now.getTime() + 60 * 86_400_000);
  const deps = () => ({ db: t.database.db, maintenance: createMaintenanceService(t.database.db, 0), publicUrl: t.app.config.publicUrl });
  const accounts = async () => Number((await t.database.db.selectFrom('accounts').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('refuses a closure announced less than 30 days ahead, and deletion before any announcement', async () => {
    const soon = await announceClosure(deps(), { endsAt: new Date(now.getTime() + 10 * 86_400_000), by: 'opérateur', now });
    expect(soon).toEqual({ ok: false, error: 'La fin du service doit être annoncée au moins 30 jours à l’avance.' });
    const early = await deleteAccountsAfterClosure(t.database.db, now);
    expect(early.ok).toBe(false);
    expect(await accounts()).toBeGreaterThan(0);
  });

  it('notifies every account once by email, shows a banner and the date, and deletes nothing before the date', async () => {
    const total = await accounts();
    const first = await announceClosure(deps(), { endsAt, by: 'opérateur', now });
    expect(first.ok && first.notified).toBe(total);
    // announced again (a second operator, a replay): nobody notified twice, the date cannot move
    const again = await announceClosure(deps(), { endsAt, by: 'opérateur', now });
    expect(again.ok && again.notified).toBe(0);
    const moved = await announceClosure(deps(), { endsAt: new Date(endsAt.getTime() + 86_400_000), by: 'opérateur', now });
    expect(moved.ok).toBe(false);

    await t.app.worker.drain();
    const mails = await t.database.db.selectFrom('outgoing_messages').select(['recipient', 'subject', 'body_text']).where('subject', 'like', 'Fin du Portail des titres sécurisés%').execute();
    expect(mails).toHaveLength(total);
    expect(new Set(mails.map((m) => m.recipient)).size).toBe(total);
    expect(mails[0]!.body_text).toContain('votre compte et ses données personnelles seront supprimés');
    expect(await closureStatus(t.database.db)).toMatchObject({ accounts: total, notified: total, pending: 0 });

    const visitor = new TestClient(t.app);
    const page = textOf((await visitor.get('/fermeture-du-portail')).body);
    expect(page).toMatch(/Le portail fermera le \d{1,2}(?:er)? (janvier|février) 2027/);
    expect(textOf((await visitor.get('/')).body)).toContain('Le portail fermera le');

    const before = await deleteAccountsAfterClosure(t.database.db, new Date(endsAt.getTime() - 1000));
    expect(before.ok).toBe(false);
    expect(await accounts()).toBe(total);
  });

  it('refuses to delete while an account has not received the notice (one created after the announcement)', async () => {
    await announceClosure(deps(), { endsAt, by: 'opérateur', now });
    await t.app.worker.drain();
    await t.database.db.insertInto('accounts').values({ email: 'tardif@example.fr', profile: 'individual', status: 'pending_activation', password_hash: null } as never).execute();
    const refused = await deleteAccountsAfterClosure(t.database.db, new Date(endsAt.getTime() + 1000));
    expect(refused).toEqual({ ok: false, error: expect.stringContaining('1 compte(s) n’ont pas encore reçu la notification') });
    const late = await announceClosure(deps(), { endsAt, by: 'opérateur', now });
    expect(late.ok && late.notified).toBe(1);
  });

  it('after the date, deletes every account with its sessions, in audited batches; signing in no longer works', async () => {
    const user = await signInUser(t.app, 'demo.particulier@example.fr');
    expect((await user.get('/mes-demarches')).statusCode).toBe(200);
    const total = await accounts();
    await announceClosure(deps(), { endsAt, by: 'opérateur', now });
    await t.app.worker.drain();
    const done = await deleteAccountsAfterClosure(t.database.db, new Date(endsAt.getTime() + 1000), undefined, 3);
    expect(done).toEqual({ ok: true, deleted: total });
    expect(await accounts()).toBe(0);
    expect(await t.database.db.selectFrom('sessions').select('id_hash').where('user_id', 'is not', null).execute()).toEqual([]);
    const batches = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'closure.accounts_deleted').execute();
    expect(batches).toHaveLength(Math.ceil(total / 3));
    expect((await user.get('/mes-demarches')).headers.location).toMatch(/^\/connexion/);
  });
});
