import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { sellCamillesCar } from '../helpers/sales.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/** Issue 18: the current holder cannot start a change of holder on their own vehicle (decision 0027). */
describe('change of holder by the current holder', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** A demo account made certified by a FranceConnect identity (as a first FranceConnect sign-in links it). */
  async function franceConnected(email: string, who: { family_name: string; given_name: string; birthdate: string }): Promise<TestClient> {
    const account = await t.database.db.selectFrom('accounts').select('id').where('email', '=', email).executeTakeFirstOrThrow();
    await t.database.db
      .insertInto('franceconnect_identities')
      .values({ sub: `sub-${account.id}`, account_id: account.id, ...who, gender: 'female', birthplace: '75056', birthcountry: '99100', email })
      .execute();
    await sql`update accounts set certified = true where id = ${account.id}`.execute(t.database.db);
    return signInUser(t.app, email);
  }
  const holderChanges = () => t.database.db.selectFrom('vehicle_procedures').select('id').where('kind', '=', 'holder_change').execute();

  it('refuses it to the holder, for themself or for someone else, before and after declaring the sale; the buyer may start it', async () => {
    const camille = await franceConnected('demo.particulier@example.fr', { family_name: 'MARTIN', given_name: 'Camille', birthdate: '1988-06-02' });
    for (const initiator of ['self', 'other']) {
      const res = await postNewProcedure(camille, { kind: 'holder_change', initiator, plate: 'AB-123-CD' });
      expect(res.statusCode, initiator).toBe(400);
      expect(textOf(res.body)).toContain('Vous êtes le titulaire actuel de ce véhicule : le changement de titulaire est demandé par le nouveau titulaire');
      expect(res.body).toContain('<a href="#champ-plate">');
    }
    await sellCamillesCar(camille);
    const after = await postNewProcedure(camille, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    expect(after.statusCode).toBe(400);
    expect(textOf(after.body)).toContain('Vous êtes le titulaire actuel de ce véhicule');
    expect(await holderChanges()).toHaveLength(0);

    const julien = await franceConnected('demo.cssr@example.fr', { family_name: 'LEROY', given_name: 'Julien', birthdate: '1985-02-03' });
    const started = await postNewProcedure(julien, { kind: 'holder_change', initiator: 'self', plate: 'AB-123-CD' });
    expect(started.statusCode).toBe(303);
    expect(await holderChanges()).toHaveLength(1);
  });

  it('refuses it to the holder’s account even when its identity is not the registry’s (linked account of a legal person)', async () => {
    // Transports Démo SARL holds GH-456-JK through its account; certified, it still may not start the change of holder
    await sql`update accounts set certified = true where email = 'demo.entreprise@example.fr'`.execute(t.database.db);
    const company = await signInUser(t.app, 'demo.entreprise@example.fr');
    const res = await postNewProcedure(company, { kind: 'holder_change', initiator: 'other', plate: 'GH-456-JK' });
    expect(res.statusCode).toBe(400);
    expect(textOf(res.body)).toContain('Vous êtes le titulaire actuel de ce véhicule');
    expect(await holderChanges()).toHaveLength(0);
  });
});
