import { describe, expect, it } from 'vitest';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * A second procedure of one kind on a vehicle while the first is open (task Z2, point 1): refused
 * before any file is created when the open one is the account's own; refused at the code, and the
 * refused request abandoned (not left among the drafts), when possession is only proven there.
 */
describe('a second procedure of the same kind on one vehicle', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));
  const CAMILLE = 'demo.particulier@example.fr';
  const PLATE = 'AB-123-CD';

  const filesOf = async (email: string) =>
    t.database.db
      .selectFrom('vehicle_procedures')
      .innerJoin('accounts', 'accounts.id', 'vehicle_procedures.account_id')
      .select(['vehicle_procedures.file_number', 'vehicle_procedures.status'])
      .where('accounts.email', '=', email)
      .where('vehicle_procedures.kind', '=', 'sale_declaration')
      .orderBy('vehicle_procedures.id')
      .execute();

  it('refuses a second declaration of sale at the first step, creates no file, and links to the one in progress', async () => {
    const camille = await signInUser(t.app, CAMILLE);
    const first = await camille.follow(await postNewProcedure(camille, { kind: 'sale_declaration', initiator: 'self', plate: PLATE }));
    expect((await camille.post(`${first.url}/code`, { code: DEMO_VEHICLE_CODES[PLATE] })).statusCode).toBe(303);
    const [open] = await filesOf(CAMILLE);
    expect(open!.status).toBe('in_progress');

    const second = await postNewProcedure(camille, { kind: 'sale_declaration', initiator: 'self', plate: PLATE });
    expect(second.statusCode).toBe(409);
    const text = textOf(second.body);
    expect(text).toContain(`Une démarche « Déclaration de cession » est déjà en cours pour ce véhicule : votre dossier ${open!.file_number}`);
    expect(second.body).toContain(`href="/vehicules/demandes/${open!.file_number}"`);
    expect(second.body).toMatch(/<input[^>]*name="plate"[^>]*value="AB-123-CD"/); // the value kept
    expect(await filesOf(CAMILLE)).toEqual([open]); // no draft created

    // another kind on the same vehicle is not concerned
    expect((await postNewProcedure(camille, { kind: 'duplicate', initiator: 'self', plate: PLATE })).statusCode).toBe(303);
  });

  it('two drafts whose codes race: the loser is abandoned, not left in the drafts, and points to the winner', async () => {
    const camille = await signInUser(t.app, CAMILLE);
    const a = await camille.follow(await postNewProcedure(camille, { kind: 'sale_declaration', initiator: 'self', plate: PLATE }));
    const b = await camille.follow(await postNewProcedure(camille, { kind: 'sale_declaration', initiator: 'self', plate: PLATE }));
    expect((await camille.post(`${a.url}/code`, { code: DEMO_VEHICLE_CODES[PLATE] })).statusCode).toBe(303);
    const refused = await camille.post(`${b.url}/code`, { code: DEMO_VEHICLE_CODES[PLATE] });
    expect(refused.statusCode).toBe(409);
    const winner = a.url.split('/').pop()!;
    const loser = b.url.split('/').pop()!;
    expect(textOf(refused.body)).toContain('Ce dossier est abandonné : il ne reste pas dans vos brouillons.');
    expect(refused.body).toContain(`href="/vehicules/demandes/${winner}"`);
    expect(await filesOf(CAMILLE)).toEqual([
      { file_number: winner, status: 'in_progress' },
      { file_number: loser, status: 'cancelled' },
    ]);
    const drafts = await camille.get('/mes-demarches?onglet=brouillons');
    expect(textOf(drafts.body)).toContain(winner);
    expect(textOf(drafts.body)).not.toContain(loser);
  });
});
