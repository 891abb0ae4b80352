import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * A second change of holder on one vehicle (task 7-D, point 2), as the declaration of sale already
 * does (test/integration/vehicle-second-procedure.test.ts): refused at the first step when the open
 * one is the account's own; refused at the code step, the refused request is abandoned rather than
 * left among the drafts; a mistyped code leaves the draft as it was, to be typed again.
 */
describe('a second change of holder on one vehicle', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const PLATE = 'AB-123-CD';

  /** A certified account with a FranceConnect identity (Julien Leroy, the buyer the demo sale declares, unless told). */
  async function franceConnected(email: string, who = { family_name: 'LEROY', given_name: 'Julien', birthdate: '1985-02-03' }) {
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('franceconnect_identities')
      .values({ sub: `sub-${account.id}`, account_id: account.id, ...who, gender: 'male', birthplace: '75056', birthcountry: '99100', email })
      .execute();
    await sql`update accounts set certified = true where id = ${account.id}`.execute(t.database.db);
    return signInUser(t.app, email);
  }
  /** "Ajouter une demande" for a change of holder, then its code page: the file number. */
  async function startTransfer(client: TestClient, initiator: 'self' | 'other' = 'self') {
    const page = await client.follow(await postNewProcedure(client, { kind: 'holder_change', initiator, plate: PLATE }));
    await client.get(`${page.url}/titulaire`);
    return page.url.split('/').pop()!;
  }
  const postCode = (client: TestClient, file: string, code: string) => client.post(`/vehicules/demandes/${file}/titulaire/code`, { has_code: 'oui', cession_code: code });
  const transfersOf = (email: string) =>
    t.database.db
      .selectFrom('vehicle_procedures')
      .innerJoin('accounts', 'accounts.id', 'vehicle_procedures.account_id')
      .select(['vehicle_procedures.file_number', 'vehicle_procedures.status'])
      .where('accounts.email', '=', email)
      .where('vehicle_procedures.kind', '=', 'holder_change')
      .orderBy('vehicle_procedures.id')
      .execute();
  const drafts = async (client: TestClient) => textOf((await client.get('/mes-demarches?onglet=brouillons')).body);
  const BUYER = 'demo.entreprise@example.fr';

  it('refuses a second change of holder at the first step, creates no file, and links to the one in progress', async () => {
    const code = await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    const julien = await franceConnected(BUYER);
    const first = await startTransfer(julien);
    expect((await postCode(julien, first, code)).statusCode).toBe(303);

    const second = await postNewProcedure(julien, { kind: 'holder_change', initiator: 'self', plate: PLATE });
    expect(second.statusCode).toBe(409);
    expect(textOf(second.body)).toContain(`Une démarche « Changement de titulaire » est déjà en cours pour ce véhicule : votre dossier ${first}`);
    expect(second.body).toContain(`href="/vehicules/demandes/${first}"`);
    expect(second.body).toMatch(/<input[^>]*name="plate"[^>]*value="AB-123-CD"/); // the value kept
    expect(await transfersOf(BUYER)).toEqual([{ file_number: first, status: 'in_progress' }]); // no draft created
  });

  it('two drafts whose codes race: the loser is abandoned, not left in the drafts, and points to the winner', async () => {
    const code = await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    const julien = await franceConnected(BUYER);
    const winner = await startTransfer(julien);
    const loser = await startTransfer(julien);
    expect((await postCode(julien, winner, code)).statusCode).toBe(303);
    const refused = await postCode(julien, loser, code);
    expect(refused.statusCode).toBe(409);
    const text = textOf(refused.body);
    expect(text).toContain('Une démarche « Changement de titulaire » est déjà en cours pour ce véhicule');
    expect(text).toContain('Ce dossier est abandonné : il ne reste pas dans vos brouillons.');
    expect(refused.body).toContain(`href="/vehicules/demandes/${winner}"`);
    expect(refused.body).not.toContain('name="cession_code"'); // no form left to send again
    expect(await transfersOf(BUYER)).toEqual([
      { file_number: winner, status: 'in_progress' },
      { file_number: loser, status: 'cancelled' },
    ]);
    const listed = await drafts(julien);
    expect(listed).toContain(winner);
    expect(listed).not.toContain(loser);
    // the abandonment is in the request's history, with its reason
    const event = await t.database.db.selectFrom('audit_events').select(['action', 'details']).where('action', '=', 'vehicle_procedure.cancel').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.details).toMatchObject({ reason: 'vehicle_taken' });
  });

  it('another account’s change of holder holds the vehicle: abandoned too, and nothing is said of the other file', async () => {
    const code = await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    const helper = await franceConnected('demo.auto-ecole@example.fr', { family_name: 'DURAND', given_name: 'Paul', birthdate: '1970-05-05' });
    const his = await startTransfer(helper, 'other');
    expect((await postCode(helper, his, code)).statusCode).toBe(303);
    const julien = await franceConnected(BUYER);
    const mine = await startTransfer(julien);
    const refused = await postCode(julien, mine, code);
    expect(refused.statusCode).toBe(409);
    expect(textOf(refused.body)).toContain('Ce dossier est abandonné : il ne reste pas dans vos brouillons.');
    expect(refused.body).not.toContain(his);
    expect(refused.body).toContain('href="/vehicules"');
    expect(await transfersOf(BUYER)).toEqual([{ file_number: mine, status: 'cancelled' }]);
    expect(await drafts(julien)).not.toContain(mine);
  });

  it('a mistyped code keeps the draft: the error is told, the code typed again goes on', async () => {
    const code = await sellCamillesCar(await signInUser(t.app, 'demo.particulier@example.fr'));
    const julien = await franceConnected(BUYER);
    const file = await startTransfer(julien);
    const wrong = await postCode(julien, file, 'AAAAAAAAAAA');
    expect(wrong.statusCode).toBe(400);
    expect(textOf(wrong.body)).toContain('Ce code de cession ne correspond pas à ce véhicule');
    expect(await transfersOf(BUYER)).toEqual([{ file_number: file, status: 'in_progress' }]);
    expect(await drafts(julien)).toContain(file);
    expect((await postCode(julien, file, code)).statusCode).toBe(303);
  });
});
