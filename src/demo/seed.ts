import type { Config } from '../config.ts';
import { seedIdentityDocsDemo } from '../domains/identity-docs/demo.ts';
import { enrolDemoAgentsTotp } from './agents-totp.ts';
import { demoRegistry } from '../domains/vehicles/registry/demo-registry.ts';
import { insertRegistryEntry } from '../domains/vehicles/registry/registry.ts';
import { createPhotoService, DEMO_PHOTO_CODES } from '../domains/licences/photo-service.ts';
import { seedLicenceDemo } from '../domains/licences/demo.ts';
import { hashPassword } from '../domains/accounts/passwords.ts';
import { currentTerms } from '../domains/site/terms.ts';
import { seedDirectoryDemo } from '../domains/directory/demo.ts';
import type { Db } from '../platform/db/database.ts';
import type { AgentRole, Profile } from '../schema.ts';

/** The password of every demo account and agent (documented in the README). */
export const DEMO_PASSWORD = 'demo demo demo demo';

export const DEMO_ACCOUNTS: { profile: Profile; email: string; given_name?: string; family_name?: string; organisation_name?: string; approval_number?: string; siret?: string; commune?: string; scanner_count?: number; certified?: boolean }[] = [
  { profile: 'individual', email: 'demo.particulier@example.fr', given_name: 'Camille', family_name: 'Martin' },
  { profile: 'driving_school', email: 'demo.auto-ecole@example.fr', organisation_name: 'Auto-école de la Gare (démo)', approval_number: 'E2407500120' },
  { profile: 'road_safety_centre', email: 'demo.cssr@example.fr', organisation_name: 'Centre Prévention Routière (démo)', approval_number: 'R2301300051' },
  { profile: 'legal_entity', email: 'demo.entreprise@example.fr', organisation_name: 'Transports Démo SARL', siret: '73282932000074' },
  { profile: 'automotive_professional', email: 'demo.garage@example.fr', given_name: 'Luc', family_name: 'Garnier', organisation_name: 'Garage du Centre (démo)', siret: '35600000049837', certified: true },
  { profile: 'town_hall', email: 'demo.mairie@example.fr', organisation_name: 'Mairie de Villedémo', commune: 'Villedémo (75)', scanner_count: 2 },
];

export const DEMO_AGENTS: { email: string; display_name: string; role: AgentRole; scope: string | null }[] = [
  { email: 'agent.prefecture@example.fr', display_name: 'Agent de la préfecture de Paris (démo)', role: 'prefecture', scope: '75' },
  { email: 'agent.operateur@example.fr', display_name: 'Opérateur de l’agence (démo)', role: 'operator', scope: null },
  { email: 'agent.cert@example.fr', display_name: 'Agent du CERT (démo)', role: 'instruction_centre', scope: null },
  { email: 'agent.permis@example.fr', display_name: 'Agent du service permis (démo)', role: 'licence_service', scope: null },
];

/**
 * Demo data for the embedded mode, created once with the database. Each domain adds its part here;
 * the whole seed runs in one transaction, so a crash half-way leaves nothing to clean up.
 * Returns false when the demo data already exists.
 */
export async function seedDemoData(db: Db, config: Pick<Config, 'sessionSecret'>): Promise<boolean> {
  // already seeded (every start but the first): no argon2 hash of the demo password, no transaction
  const seeded = await db.selectFrom('jobs').select('id').where('dedupe_key', '=', 'demo-data').executeTakeFirst();
  if (seeded) return false;
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const terms = currentTerms();
  return db.transaction().execute(async (trx) => {
    const marker = await trx
      .insertInto('jobs')
      .values({ kind: 'demo-data-created', payload: JSON.stringify({}), dedupe_key: 'demo-data', done_at: new Date() })
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!marker) return false;
    const ids: Partial<Record<Profile, number>> = {};
    for (const a of DEMO_ACCOUNTS) {
      const { certified, ...fields } = a;
      const account = await trx
        .insertInto('accounts')
        .values({
          ...fields,
          certified: certified ?? false,
          password_hash: passwordHash,
          status: 'active',
          terms_version: terms.version,
          terms_sha256: terms.sha256,
          terms_accepted_at: new Date(),
          activated_at: new Date(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      ids[a.profile] = account.id;
      if (a.profile === 'automotive_professional') {
        await trx
          .insertInto('siv_habilitations')
          .values({
            company_name: a.organisation_name!,
            siret: a.siret!,
            habilitation_number: 'HAB-75-0001',
            department: '75',
            contact_given_name: a.given_name!,
            contact_family_name: a.family_name!,
            email: a.email,
            status: 'validated',
            account_id: account.id,
            decided_at: new Date(),
            terms_version: terms.version,
            terms_sha256: terms.sha256,
            terms_accepted_at: new Date(),
          })
          .execute();
      }
    }
    await trx
      .insertInto('siv_habilitations')
      .values({
        company_name: 'Carrosserie des Lilas (démo)',
        siret: '73282932000074',
        habilitation_number: 'HAB-75-0002',
        department: '75',
        contact_given_name: 'Nadia',
        contact_family_name: 'Benali',
        email: 'demo.carrosserie@example.fr',
        status: 'requested',
        terms_version: terms.version,
        terms_sha256: terms.sha256,
        terms_accepted_at: new Date(),
      })
      .execute();
    for (const agent of DEMO_AGENTS) await trx.insertInto('agents').values({ ...agent, password_hash: passwordHash }).execute();
    // -- second factor of the demo agents: the TOTP secret documented in the README (src/demo/agents-totp.ts) --
    await enrolDemoAgentsTotp(trx, config, DEMO_AGENTS.map((agent) => agent.email));
    for (const entry of demoRegistry({ individual: ids.individual!, legalEntity: ids.legal_entity! }))
      await insertRegistryEntry(trx, config.sessionSecret, entry);
    // -- driving licence: the photo-signature codes of the demo photographer (README) --
    const photos = createPhotoService({ db: trx, sessionSecret: config.sessionSecret });
    for (const code of DEMO_PHOTO_CODES) await photos.issue(trx, 'Photographe agréé (démo)', code);
    await seedLicenceDemo(trx, ids.individual!);
    // -- directory of places: a garage, a photographer and a town hall in each of the 101 départements --
    await seedDirectoryDemo(trx, terms);
    // -- identity card / passport: a submitted pre-application for the demo town hall (README) --
    await seedIdentityDocsDemo(trx, ids.individual!);
    return true;
  });
}
