import { describe, expect, it } from 'vitest';
import { createVehicleInstruction, parseFilters } from '../../src/domains/instruction/vehicle-instruction.ts';
import type { Agent } from '../../src/schema.ts';
import { signInAgent } from '../helpers/agents.ts';
import { type TestApp, TestClient, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * Issue 20, task 7-D: the agents' search finds a request by the name of the account that filed it
 * (Camille Martin filing for a neighbour), a third part of search_names (migration 0032) kept true
 * by triggers; several words must meet in one person's names; the row says who filed; a citizen
 * never reaches the search.
 */
describe('the agents’ search by the filer’s name', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  const db = () => t.database.db;
  const nationalAgent = { id: 0, role: 'instruction_centre', scope: null } as unknown as Agent;
  const page = async (q: string) =>
    (await createVehicleInstruction({ db: db(), config: t.app.config, attachments: t.app.attachments }).queue(nationalAgent, parseFilters({ q }))).rows.map((r) => r.file_number);

  /** A waiting duplicate filed by Camille Martin's account for the holder of another vehicle (oldest of the queue: first on its page). */
  async function filedForANeighbour(fileNumber = 'V26-FILERAA1', initiator: 'self' | 'other' = 'other') {
    const camille = await db().selectFrom('accounts').selectAll().where('email', '=', 'demo.particulier@example.fr').executeTakeFirstOrThrow();
    const vehicle = await db()
      .selectFrom('vehicles as v')
      .innerJoin('vehicle_holders as h', 'h.id', 'v.holder_id')
      .select(['v.id', 'v.holder_id'])
      .where('h.kind', '=', 'natural')
      .where('h.birth_name', '!=', 'MARTIN')
      .orderBy('v.id')
      .executeTakeFirstOrThrow();
    // the holder gets a name no demo row has, so that each search below is about this request alone
    await db().updateTable('vehicle_holders').set({ birth_name: 'ABÉLARD', given_names: 'Louise', usage_name: null }).where('id', '=', vehicle.holder_id).execute();
    await db()
      .insertInto('vehicle_procedures')
      .values({ file_number: fileNumber, account_id: camille.id, kind: 'duplicate', initiator, vehicle_id: vehicle.id, status: 'awaiting_review', data: JSON.stringify({}), updated_at: new Date('2020-01-02T10:00:00Z'), submitted_at: new Date('2020-01-02T10:00:00Z'), department: '75' })
      .execute();
    return { camille, vehicle, fileNumber };
  }

  it('finds the request by the filer’s surname, given name and surname in any order, and by the holder’s names still', async () => {
    const { fileNumber } = await filedForANeighbour();
    for (const q of ['martin', 'Martin', 'MARTIN', 'Camille Martin', 'martin camille']) expect({ q, found: (await page(q)).includes(fileNumber) }).toEqual({ q, found: true });
    for (const q of ['abelard', 'Louise ABÉLARD']) expect(await page(q)).toEqual([fileNumber]);
  });

  it('matches several words in one person only: the holder’s given name with the filer’s surname finds nothing', async () => {
    const { camille, fileNumber } = await filedForANeighbour();
    await db().updateTable('vehicle_holders').set({ given_names: 'Camille' }).where('birth_name', '=', 'ABÉLARD').execute();
    await db().updateTable('accounts').set({ given_name: 'Yves' }).where('id', '=', camille.id).execute();
    expect(await page('camille martin')).not.toContain(fileNumber); // Camille is the holder, Martin the filer
    expect(await page('yves martin')).toContain(fileNumber);
    expect(await page('camille abelard')).toEqual([fileNumber]);
    expect(await page('yves abelard')).toEqual([]);
  });

  it('follows the account’s names and the request’s other sources when they change', async () => {
    const { camille, vehicle, fileNumber } = await filedForANeighbour();
    // the account renamed: the new names found, the old ones no longer
    await db().updateTable('accounts').set({ family_name: 'Vasserot-Lebœuf', given_name: 'Édith' }).where('id', '=', camille.id).execute();
    expect(await page('vasserot')).toEqual([fileNumber]);
    expect(await page('edith leboeuf')).toEqual([fileNumber]);
    expect(await page('martin')).not.toContain(fileNumber);
    // a company's account is found by its name
    await db().updateTable('accounts').set({ organisation_name: 'Garage Quintavalle' }).where('id', '=', camille.id).execute();
    expect(await page('garage quintavalle')).toEqual([fileNumber]);
    // a change of email alone keeps the names
    await db().updateTable('accounts').set({ email: 'edith.nouvelle@exemple.fr' }).where('id', '=', camille.id).execute();
    expect(await page('quintavalle')).toEqual([fileNumber]);
    expect(await page('edith.nouvelle@')).toEqual([fileNumber]);
    // the holder renamed, or the vehicle given to another holder: the filer's part stays
    await db().updateTable('vehicle_holders').set({ birth_name: 'ZÉPHIRIN' }).where('birth_name', '=', 'ABÉLARD').execute();
    expect(await page('zephirin')).toEqual([fileNumber]);
    expect(await page('vasserot')).toEqual([fileNumber]);
    const other = await db().selectFrom('vehicle_holders').select('id').where('id', '!=', vehicle.holder_id).orderBy('id').executeTakeFirstOrThrow();
    await db().updateTable('vehicles').set({ holder_id: other.id }).where('id', '=', vehicle.id).execute();
    expect(await page('zephirin')).toEqual([]);
    expect(await page('vasserot')).toEqual([fileNumber]);
    // a request written afterwards by the same account is found at once
    await db()
      .insertInto('vehicle_procedures')
      .values({ file_number: 'V26-FILERAA2', account_id: camille.id, kind: 'duplicate', initiator: 'other', vehicle_id: vehicle.id, status: 'awaiting_review', data: JSON.stringify({}), updated_at: new Date(), submitted_at: new Date(), department: '75' })
      .execute();
    expect(await page('vasserot')).toEqual([fileNumber, 'V26-FILERAA2']);
  });

  it('shows the agent who filed a request made for someone else, and nobody else reaches this search', async () => {
    const { fileNumber } = await filedForANeighbour();
    await filedForANeighbour('V26-FILERAA3', 'self');
    const agent = await signInAgent(new TestClient(t.app), 'agent.cert@example.fr');
    const result = await agent.get('/agents/vehicules?q=abelard');
    expect(result.statusCode).toBe(200);
    const rows = textOf(result.body);
    expect(rows).toContain(fileNumber);
    expect(rows).toContain('V26-FILERAA3');
    // one « Déposée par »: the request made for someone else; the other was made by its holder
    expect(rows.match(/Déposée par Camille MARTIN/g)).toHaveLength(1);

    // a citizen, even the filer, and an anonymous visitor get no result of the agents' search
    const camille = await signInUser(t.app, 'demo.particulier@example.fr');
    for (const client of [camille, new TestClient(t.app)]) {
      const refused = await client.get('/agents/vehicules?q=martin');
      expect(refused.statusCode).not.toBe(200);
      expect(refused.body).not.toContain(fileNumber);
    }
  });
});
