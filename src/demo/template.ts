import { sql } from 'kysely';
import type { Config } from '../config.ts';
import { hashConfidentialCode } from '../domains/vehicles/confidential-code/code.ts';
import { demoRegistry } from '../domains/vehicles/registry/demo-registry.ts';
import { DEMO_PHOTO_CODES, hashPhotoCode } from '../domains/licences/photo-service.ts';
import type { Db } from '../platform/db/database.ts';
import { enrolDemoAgentsTotp } from './agents-totp.ts';
import { DEMO_ACCOUNTS, DEMO_AGENTS } from './seed.ts';

// the template's key and the copy of the template: src/demo/template-variant.ts
export { DEMO_TEMPLATE_MAX_AGE_MS, demoTemplateVariant, openFromDemoTemplate, seedCodeKey } from './template-variant.ts';

/**
 * Re-keys the demo rows written with `from` (the template's secret) for `to` (the data folder's):
 * the confidential codes of the demo registry, the demo photographer's codes, the agents' TOTP.
 * One transaction; a handful of statements.
 */
export async function rekeyDemoData(db: Db, config: Pick<Config, 'sessionSecret'>, from: string): Promise<void> {
  const to = config.sessionSecret;
  await db.transaction().execute(async (trx) => {
    const accounts = await trx.selectFrom('accounts').select(['id', 'email']).where('email', 'in', DEMO_ACCOUNTS.map((a) => a.email)).execute();
    const idOf = (email: string) => accounts.find((a) => a.email === email)?.id ?? 0;
    const entries = demoRegistry({ individual: idOf('demo.particulier@example.fr'), legalEntity: idOf('demo.entreprise@example.fr') });
    const vehicles = await trx.selectFrom('vehicles').select(['id', 'vin']).where('vin', 'in', entries.map((e) => e.vin)).execute();
    const idByVin = new Map(vehicles.map((v) => [v.vin, v.id]));
    const codes = entries.flatMap((e) => {
      const id = idByVin.get(e.vin);
      return id === undefined ? [] : [{ id, old: hashConfidentialCode(from, id, e.certificateNumber, e.confidentialCode), new: hashConfidentialCode(to, id, e.certificateNumber, e.confidentialCode) }];
    });
    if (codes.length)
      await sql`update confidential_codes c set code_hash = v.new_hash
                from (values ${sql.join(codes.map((c) => sql`(${c.id}::bigint, ${c.old}, ${c.new})`))}) as v (vehicle_id, old_hash, new_hash)
                where c.vehicle_id = v.vehicle_id and c.code_hash = v.old_hash`.execute(trx);
    const photos = DEMO_PHOTO_CODES.map((code) => ({ old: hashPhotoCode(from, code), new: hashPhotoCode(to, code) }));
    await sql`update licence_photo_codes p set code_hash = v.new_hash
              from (values ${sql.join(photos.map((p) => sql`(${p.old}, ${p.new})`))}) as v (old_hash, new_hash)
              where p.code_hash = v.old_hash`.execute(trx);
    await enrolDemoAgentsTotp(trx, config, DEMO_AGENTS.map((agent) => agent.email));
  });
}
