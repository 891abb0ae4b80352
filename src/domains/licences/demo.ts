import type { Db } from '../../platform/db/database.ts';
import type { LicenceData } from './tables.ts';

/** The demo request waiting in the licence service's queue (README): a registration sent by Camille Martin for her son. */
export const DEMO_LICENCE_FILE = 'P26-DEMO2345';

export async function seedLicenceDemo(trx: Db, accountId: number): Promise<void> {
  const data: LicenceData = {
    details: { categories: ['B'], neph: '' },
    identity: { family_name: 'Martin', usage_name: '', given_names: 'Hugo', sex: 'M', birth_date: '2008-05-17', birth_place: 'Paris', address_line1: '12 rue de la Roquette', postcode: '75011', commune: 'Paris' },
    contact: { email: 'hugo.martin@example.fr', mobile: '' },
    done: ['pieces'],
  };
  await trx
    .insertInto('licence_requests')
    .values({
      file_number: DEMO_LICENCE_FILE,
      account_id: accountId,
      reason: 'registration',
      for_other: true,
      status: 'sent',
      data: JSON.stringify(data),
      step: 'summary',
      person_name: 'MARTIN HUGO',
      photo_mode: 'classic',
      idempotency_key: 'demo-licence-request-0001',
      submitted_at: new Date(),
    })
    .execute();
  // demo only: two départements referenced on démarches-simplifiées for NEPH reactivation (the
  // licence service keeps the real list at /agents/permis/reactivation-neph)
  await trx.insertInto('neph_referenced_departments').values([{ department: '69' }, { department: '75' }]).execute();
}
