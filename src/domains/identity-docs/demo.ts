import { audit, SYSTEM } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { addMonths } from '../stamps/model.ts';
import { numberWithCheck, VALIDITY_MONTHS, type PreApplicationData } from './model.ts';

/** The demo pre-application the demo town hall can retrieve at once (README). */
export const DEMO_PRE_APPLICATION_NUMBER = numberWithCheck('DEMNSTRA2');

/** Demo data: Camille Martin's identity-card pre-application, submitted, waiting for a town hall. */
export async function seedIdentityDocsDemo(trx: Db, individualId: number): Promise<void> {
  const data: PreApplicationData = {
    forWhom: 'self',
    reason: 'renewal',
    sex: 'F',
    birthName: 'Martin',
    givenNames: 'Camille',
    birthDate: '1990-05-04',
    birthPlace: 'Lyon',
    birthCountry: 'France',
    parent1Name: 'Martin',
    parent1GivenNames: 'Paul',
    parent2Name: 'Durand',
    parent2GivenNames: 'Claire',
    line1: '12 rue de la Roquette',
    postcode: '75011',
    commune: 'Paris',
    heightCm: 168,
    eyes: 'verts',
  };
  const now = new Date();
  const row = await trx
    .insertInto('pre_applications')
    .values({
      number: DEMO_PRE_APPLICATION_NUMBER,
      account_id: individualId,
      document: 'identity_card',
      status: 'submitted',
      data: JSON.stringify(data),
      step: 'summary',
      fee_cents: 0,
      idempotency_key: 'demo-pre-application-1',
      submitted_at: now,
      expires_at: addMonths(now, VALIDITY_MONTHS),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await audit(trx, SYSTEM, 'pre_application.submitted', { kind: 'pre_application', id: row.id }, { number: DEMO_PRE_APPLICATION_NUMBER, by: 'demo' });
}
