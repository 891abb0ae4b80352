import type { FastifyInstance, InjectOptions } from 'fastify';
import { describe, expect, it } from 'vitest';
import { TestClient, textOf, useSeededApp, type TestApp } from '../helpers/app.ts';

/**
 * Mail-bombing through « Mot de passe oublié » (found by the outside attacker, 2 December): 55 posts
 * for one address sent 55 reset emails. Each request is counted before any lookup, per mailbox and
 * per address, whether or not an account has the address (the answer must not tell which).
 * Addresses are simulated with app.inject's remoteAddress.
 */
const from = (app: FastifyInstance, ip: string): FastifyInstance =>
  ({ inject: (opts: InjectOptions) => app.inject({ ...opts, remoteAddress: ip }) }) as unknown as FastifyInstance;

describe('password reset limits', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const resetEmails = async (recipient: string) => {
    await t.app.worker.drain();
    return t.database.db.selectFrom('outgoing_messages').select('recipient').where('recipient', '=', recipient).where('subject', 'like', '%mot de passe%').execute();
  };

  async function burst(ip: string, n: number, email: (i: number) => string) {
    const client = new TestClient(from(t.app, ip));
    await client.get('/mot-de-passe-oublie');
    const csrf = client.csrfToken();
    return Promise.all(Array.from({ length: n }, (_, i) => client.post('/mot-de-passe-oublie', { email: email(i) }, { csrf })));
  }

  it('a parallel burst for one mailbox sends 3 emails; the rest get 429 with a French message next to the field and the address kept', async () => {
    const responses = await burst('203.0.113.20', 12, () => 'demo.particulier@example.fr');
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(3);
    const refused = responses.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(9);
    expect(await resetEmails('demo.particulier@example.fr')).toHaveLength(3);
    const page = refused[0]!;
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    // once in the summary at the top, once beside the field
    expect(textOf(page.body).split('Trop de liens pour choisir un nouveau mot de passe ont été demandés')).toHaveLength(3);
    expect(page.body).toContain('href="#champ-email"');
    expect(page.body).toContain('value="demo.particulier@example.fr"');
    // the same mailbox written otherwise (case, +tag), from another address, is refused too
    const [other] = await burst('198.51.100.9', 1, () => 'Demo.Particulier+autre@Example.FR');
    expect(other!.statusCode).toBe(429);
    expect(await resetEmails('demo.particulier@example.fr')).toHaveLength(3);
    const audits = await t.database.db.selectFrom('audit_events').select('action').where('action', '=', 'account.password_reset_limited').execute();
    expect(audits).toHaveLength(10);
  });

  it('an address with no account is counted the same way: the answers do not tell whether an account exists', async () => {
    const responses = await burst('203.0.113.21', 6, () => 'personne@example.fr');
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 429, 429, 429]);
  });

  it('one address asking for many mailboxes is stopped after 5', async () => {
    const responses = await burst('203.0.113.22', 10, (i) => `boite${i}@example.fr`);
    expect(responses.filter((r) => r.statusCode === 200)).toHaveLength(5);
    expect(responses.filter((r) => r.statusCode === 429)).toHaveLength(5);
  });

  it('a person asking once is served, even after someone else used up their own address', async () => {
    await burst('203.0.113.23', 8, (i) => `autre${i}@example.fr`);
    const [response] = await burst('198.51.100.7', 1, () => 'demo.garage@example.fr');
    expect(response!.statusCode).toBe(200);
    expect(await resetEmails('demo.garage@example.fr')).toHaveLength(1);
  });
});
