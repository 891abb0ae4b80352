import { describe, expect, it } from 'vitest';
import { PROFILE_CAPABILITIES } from '../../src/domains/accounts/profiles.ts';
import { type TestApp, type TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Issue 18, decision 0032: what each profile of the terms (§1.5) may do — its menu, its account page,
 * and the refusal of every space and procedure start it does not have (a GET, and a POST with a valid token).
 */
const ACCOUNTS = {
  individual: 'demo.particulier@example.fr',
  automotive_professional: 'demo.garage@example.fr',
  driving_school: 'demo.auto-ecole@example.fr',
  road_safety_centre: 'demo.cssr@example.fr',
  legal_entity: 'demo.entreprise@example.fr',
  town_hall: 'demo.mairie@example.fr',
} as const;
type Profile = keyof typeof ACCOUNTS;

const SPACES = { vehicles: '/vehicules', licences: '/permis', pre_applications: '/pre-demandes' } as const;
const STARTS = { vehicles: '/vehicules/demandes/nouvelle', licences: '/permis/demandes/nouvelle', pre_applications: '/pre-demandes/nouvelle' } as const;

/** the main menu's links (the dev outbox of the embedded mode aside) */
const menuOf = (html: string) =>
  [...(/<ul class="fr-nav__list">([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '').matchAll(/<a class="fr-nav__link" href="([^"]+)"/g)].map((m) => m[1]).filter((href) => href !== '/dev/outbox');

describe('what each profile may do', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const count = async (table: 'vehicle_procedures' | 'licence_requests' | 'pre_applications') =>
    Number((await t.database.db.selectFrom(table).select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('the decision as data: a person has every procedure; professionals only theirs; a town hall only its desk', () => {
    expect(PROFILE_CAPABILITIES).toEqual({
      individual: ['vehicles', 'licences', 'pre_applications'],
      automotive_professional: ['vehicles'],
      driving_school: ['vehicles', 'licences'],
      road_safety_centre: ['vehicles'],
      legal_entity: ['vehicles', 'licences'],
      town_hall: ['town_hall_desk'],
    });
  });

  it('cannot be bypassed by another form of the same URL (trailing slash, encoded letter, query string)', async () => {
    const garage = await signInUser(t.app, ACCOUNTS.automotive_professional);
    for (const url of ['/pre-demandes/', '/pr%65-demandes', '/permis?x=1', '/permis/demandes/nouvelle/']) {
      const res = await garage.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(textOf(res.body)).toContain('Démarche non ouverte à votre compte');
    }
    await garage.get('/compte');
    const before = await count('pre_applications');
    expect((await garage.post('/pre-demandes/nouvelle/', { idempotency_key: 'profil-slash' })).statusCode).toBe(403);
    expect(await count('pre_applications')).toBe(before);
  });

  for (const profile of Object.keys(ACCOUNTS) as Profile[]) {
    it(`${profile}: menu, account page, and each space and procedure start allowed or refused`, async () => {
      const client: TestClient = await signInUser(t.app, ACCOUNTS[profile]);
      const account = await client.get('/compte');
      const menu = menuOf(account.body);
      if (profile === 'town_hall') {
        expect(menu).toEqual(['/', '/mairie/pre-demandes', '/mairie/documentation', '/lieux', '/aide']);
      } else {
        expect(menu).toContain('/mes-demarches');
        expect(menu).not.toContain('/mairie/documentation');
        expect(textOf(account.body)).toContain('Ce que permet votre compte');
      }
      const capabilities = PROFILE_CAPABILITIES[profile] as readonly string[];
      for (const space of Object.keys(SPACES) as (keyof typeof SPACES)[]) {
        const allowed = capabilities.includes(space);
        // the account page and "Mes démarches" link only to the spaces the profile has
        expect(account.body.includes(`href="${SPACES[space]}"`), `${profile} /compte link to ${SPACES[space]}`).toBe(allowed);
        if (profile !== 'town_hall') expect((await client.get('/mes-demarches')).body.includes(`href="${SPACES[space]}"`), `${profile} /mes-demarches link to ${SPACES[space]}`).toBe(allowed);

        const page = await client.get(SPACES[space]);
        if (allowed) expect(page.statusCode, `${profile} GET ${SPACES[space]}`).toBe(200);
        else if (profile === 'town_hall' && space === 'pre_applications') expect(page.headers.location).toBe('/mairie/pre-demandes');
        else {
          expect(page.statusCode, `${profile} GET ${SPACES[space]}`).toBe(403);
          const text = textOf(page.body);
          expect(text).toContain('Démarche non ouverte à votre compte');
          expect(text).toMatch(/Votre compte « [\p{L} ()’-]+ » ne donne pas accès à cette démarche/u);
        }
        if (!allowed) {
          // a forged start with a valid token: refused before the handler, nothing created
          await client.get('/compte');
          const table = ({ vehicles: 'vehicle_procedures', licences: 'licence_requests', pre_applications: 'pre_applications' } as const)[space];
          const before = await count(table);
          const post = await client.post(STARTS[space], { idempotency_key: `profil-${profile}-${space}`, kind: 'duplicate', initiator: 'self', plate: 'AB-123-CD', reason: 'renewal', for_whom: 'self' });
          expect([303, 403], `${profile} POST ${STARTS[space]}`).toContain(post.statusCode);
          if (post.statusCode === 303) expect(post.headers.location).toBe('/mairie/pre-demandes');
          expect(await count(table)).toBe(before);
        }
      }
    });
  }
});
