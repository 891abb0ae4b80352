import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { issueNewCertificate } from '../../src/domains/vehicles/registry/new-certificate.ts';
import { type TestApp, TestClient, useSeededApp } from '../helpers/app.ts';
import { pdfText } from '../helpers/pdf.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const SIV = /^[A-HJ-NP-TV-Z]{2}-\d{3}-[A-HJ-NP-TV-Z]{2}$/;

/** Issue 18: an old-format (FNI) vehicle gets a SIV plate with any new certificate, the duplicate's included. */
describe('FNI vehicle and new certificate', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const fniVehicle = () => t.database.db.selectFrom('vehicles').selectAll().where('plate', '=', '1234 AB 75').executeTakeFirstOrThrow();

  async function pay(client: TestClient, base: string) {
    await client.get(base);
    const key = /name="idempotency_key" value="([^"]+)"/.exec(client.lastHtml)![1]!;
    await client.follow(await client.post(`${base}/payer`, { idempotency_key: key }));
    await client.submit(/paiement-simule/, { card_number: '4242424242424242', expiry: '12/30', cvc: '123', action: 'valider' });
    return client.follow(await client.get('/paiement/retour'));
  }

  it('a paid duplicate of 1234 AB 75 issues its certificate and CPI under a new SIV plate', async () => {
    const before = await fniVehicle();
    expect(before.plate_kind).toBe('fni');
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate: '1234 AB 75' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['1234 AB 75'] });
    const base = `${page.url}/duplicata`;
    await client.get(base);
    await client.post(base, { reason: 'loss', declaration: 'oui' });
    await client.get(base);
    await client.post(`${base}/confirmer`, { clu: 'oui' });
    await pay(client, base);

    const after = await t.database.db.selectFrom('vehicles').selectAll().where('id', '=', before.id).executeTakeFirstOrThrow();
    expect(after.plate_kind).toBe('siv');
    expect(after.plate).toMatch(SIV);
    expect(after.certificate_number).toMatch(/^\d{4}[A-Z]{2}\d{5}$/);
    const file = page.url.split('/').pop()!;
    const cpi = pdfText((await client.get(`/vehicules/demandes/${file}/cpi.pdf`)).rawPayload);
    expect(cpi).toContain(after.plate);
    expect(cpi).not.toContain('1234 AB 75');
    const recap = pdfText((await client.get(`/vehicules/demandes/${file}/recapitulatif.pdf`)).rawPayload);
    expect(recap).toContain(`Nouvelle immatriculation (format SIV) : ${after.plate} (remplace 1234 AB 75)`);
    expect(recap).toContain('Ancien certificat (invalidé) : ancien format (FNI)');
    // the new plate finds the vehicle in "Mon espace véhicule"; the old one no longer exists
    expect(await t.database.db.selectFrom('vehicles').select('id').where('plate', '=', '1234 AB 75').execute()).toEqual([]);
  });

  it('every procedure goes through the same rule: a certificate issued without a plate change (change of holder) moves an FNI vehicle to SIV', async () => {
    const vehicle = await fniVehicle();
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    const newProcedure = (fileNumber: string, vehicleId: number) =>
      t.database.db
        .insertInto('vehicle_procedures')
        .values({ file_number: fileNumber, account_id: account.id, kind: 'holder_change', initiator: 'self', vehicle_id: vehicleId, status: 'awaiting_payment', data: '{}', updated_at: new Date() })
        .returning('id')
        .executeTakeFirstOrThrow();
    const procedure = await newProcedure('V26-TESTFNI1', vehicle.id);
    await t.database.db.transaction().execute((trx) =>
      issueNewCertificate(trx, 'secret', {
        vehicle,
        procedure: { id: procedure.id, fileNumber: 'V26-TESTFNI1' },
        holder: 'Julien LEROY',
        address: ['2 place Bellecour', '69002 LYON'],
        changes: { sold_at: null },
      }),
    );
    const after = await t.database.db.selectFrom('vehicles').select(['plate', 'plate_kind']).where('id', '=', vehicle.id).executeTakeFirstOrThrow();
    expect(after.plate_kind).toBe('siv');
    expect(after.plate).toMatch(SIV);
    // a SIV vehicle keeps its plate for life
    const siv = await t.database.db.selectFrom('vehicles').selectAll().where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
    const sivProcedure = await newProcedure('V26-TESTSIV1', siv.id);
    await t.database.db.transaction().execute((trx) => issueNewCertificate(trx, 'secret', { vehicle: siv, procedure: { id: sivProcedure.id, fileNumber: 'V26-TESTSIV1' }, holder: 'Camille MARTIN', address: ['x', '75011 PARIS'], changes: {} }));
    expect((await t.database.db.selectFrom('vehicles').select('plate').where('id', '=', siv.id).executeTakeFirstOrThrow()).plate).toBe('AB-123-CD');
  });
});
