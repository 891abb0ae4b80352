import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { mailboxKey } from '../../src/domains/accounts/sign-up-limits.ts';
import { createTestApp, TestClient, textOf, type TestApp } from '../helpers/app.ts';
import { emailCount } from '../helpers/outbox.ts';

/**
 * Sign-up flood (found by the outside attacker): one anonymous session posting sign-ups in
 * parallel, each an argon2id hash and an activation email to a mailbox of the attacker's choice.
 * Addresses are simulated with app.inject's remoteAddress (request.ip is the socket's address).
 */
const hashes = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../src/domains/accounts/passwords.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/domains/accounts/passwords.ts')>();
  return {
    ...original,
    hashPassword: (password: string) => {
      hashes.count++;
      return original.hashPassword(password);
    },
  };
});

const PASSWORD = 'cheval batterie agrafe';
const from = (app: FastifyInstance, ip: string): FastifyInstance =>
  ({ inject: (opts: InjectOptions) => app.inject({ ...opts, remoteAddress: ip }) }) as unknown as FastifyInstance;

describe('sign-up limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());
  beforeEach(async () => {
    await t.database.reset();
    hashes.count = 0;
  });

  const accounts = async () => (await t.database.db.selectFrom('accounts').select('email').execute()).map((a) => a.email);
  const activationEmails = async () => {
    await t.app.worker.drain();
    return (await t.database.db.selectFrom('outgoing_messages').select('recipient').where('subject', '=', 'Activez votre compte').execute()).map((m) => m.recipient);
  };

  /** One anonymous session, one CSRF token, `n` sign-ups posted at once with new idempotency keys. */
  async function burst(client: TestClient, n: number, email: (i: number) => string): Promise<LightMyRequestResponse[]> {
    await client.get('/inscription/particulier');
    const csrf = client.csrfToken();
    return Promise.all(
      Array.from({ length: n }, (_, i) =>
        client.post('/inscription/particulier', { given_name: 'Victor', family_name: 'Time', email: email(i), password: PASSWORD, terms: 'oui', idempotency_key: `burst-${i}` }, { csrf }),
      ),
    );
  }

  it('normalises a mailbox: case and +tag', () => {
    expect(mailboxKey(' Victim+17@Example.ORG ')).toBe('victim@example.org');
    expect(mailboxKey('victim@example.org')).toBe('victim@example.org');
    expect(mailboxKey('a+b+c@x.fr')).toBe('a@x.fr');
  });

  it('a parallel burst to one plus-addressed mailbox gets exactly 3 accounts and 3 activation emails, the rest 429', async () => {
    const responses = await burst(new TestClient(from(t.app, '203.0.113.10')), 12, (i) => `Victim+${i}@Example.org`);
    expect(responses.filter((r) => r.statusCode === 303)).toHaveLength(3);
    const refused = responses.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(9);
    expect(await accounts()).toHaveLength(3);
    expect(await activationEmails()).toHaveLength(3);
    // Refused before the password is hashed: 3 argon2id hashes, not 12.
    expect(hashes.count).toBe(3);
    // The refused form: French message in the summary and beside the email, values kept, never the password, Retry-After.
    const page = refused[0]!;
    expect(Number(page.headers['retry-after'])).toBeGreaterThan(0);
    // Once in the summary at the top, once beside the email field.
    expect(textOf(page.body).split('Trop de comptes ont été créés depuis votre connexion ou pour cette boîte aux lettres')).toHaveLength(3);
    expect(page.body).toContain('href="#champ-email"');
    expect(page.body).toContain('value="Victor"');
    expect(page.body).not.toContain(PASSWORD);
    const audits = await t.database.db.selectFrom('audit_events').select('action').where('action', '=', 'account.sign_up_limited').execute();
    expect(audits).toHaveLength(9);
  });

  it('a parallel burst from one address to distinct mailboxes gets exactly 5 accounts', async () => {
    const responses = await burst(new TestClient(from(t.app, '203.0.113.11')), 12, (i) => `victim${i}@example.org`);
    expect(responses.filter((r) => r.statusCode === 303)).toHaveLength(5);
    expect(responses.filter((r) => r.statusCode === 429)).toHaveLength(7);
    expect(await accounts()).toHaveLength(5);
    expect(await activationEmails()).toHaveLength(5);
  });

  it('a person signing up once is untouched, even from an address that others used up', async () => {
    await burst(new TestClient(from(t.app, '203.0.113.12')), 8, (i) => `victim${i}@example.org`);
    const client = new TestClient(from(t.app, '198.51.100.7'));
    const [res] = await burst(client, 1, () => 'jeanne.moreau@example.fr');
    expect(res!.statusCode).toBe(303);
    expect(res!.headers.location).toBe('/inscription/confirmation');
    expect(await emailCount(t.app, 'jeanne.moreau@example.fr')).toBe(1);
  });

  it('resending the activation link counts against the same mailbox: at most 3 emails in all, then 429', async () => {
    const client = new TestClient(from(t.app, '203.0.113.14'));
    await burst(client, 1, () => 'lou@example.fr');
    await client.get('/activation/inconnu');
    const csrf = client.csrfToken();
    const resends = await Promise.all(Array.from({ length: 6 }, () => client.post('/activation/renvoyer', { email: 'lou@example.fr' }, { csrf })));
    expect(resends.filter((r) => r.statusCode === 200)).toHaveLength(2);
    const refused = resends.filter((r) => r.statusCode === 429);
    expect(refused).toHaveLength(4);
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(textOf(refused[0]!.body)).toContain('Trop de liens d’activation ont été demandés');
    expect(await emailCount(t.app, 'lou@example.fr')).toBe(3);
    // Refused whether or not an account waits there: the answer tells nothing about the address.
    const other = new TestClient(from(t.app, '203.0.113.15'));
    await other.get('/activation/inconnu');
    const otherCsrf = other.csrfToken();
    const unknown = await Promise.all(Array.from({ length: 4 }, () => other.post('/activation/renvoyer', { email: 'personne@example.fr' }, { csrf: otherCsrf })));
    expect(unknown.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 429]);
  });
});
