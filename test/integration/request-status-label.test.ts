import { describe, expect, it } from 'vitest';
import { USER_STATE_LABELS } from '../../src/domains/vehicles/procedures/model.ts';
import { type TestApp, textOf, useSeededApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

const CAMILLE = 'demo.particulier@example.fr';
const rowsOf = (html: string) => [...html.matchAll(/<tr>(.*?)<\/tr>/gs)].map((m) => textOf(m[1]!));

describe('a vehicle request’s status, as its user reads it', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it('is the same words in “Mon espace véhicule”, on the request’s page and in “Mes démarches”, for every status', async () => {
    const db = t.database.db;
    const account = Number((await db.selectFrom('accounts').select('id').where('email', '=', CAMILLE).executeTakeFirstOrThrow()).id);
    const vehicle = Number((await db.selectFrom('vehicles').select('id').where('plate', '=', 'AB-123-CD').executeTakeFirstOrThrow()).id);
    const cases = [
      ['awaiting_code', false],
      ['in_progress', false],
      ['in_progress', true],
      ['to_complete', true],
      ['awaiting_payment', true],
      ['awaiting_review', true],
      ['completed', true],
      ['rejected', true],
      ['cancelled', false],
    ] as const;
    const files = await Promise.all(
      cases.map(async ([status, submitted], i) => {
        const file = `V26-LABEL${String(i).padStart(3, '0')}`;
        await db
          .insertInto('vehicle_procedures')
          .values({ file_number: file, account_id: account, kind: 'duplicate', initiator: 'self', vehicle_id: vehicle, status, code_verified: status !== 'awaiting_code', data: JSON.stringify({}), submitted_at: submitted ? new Date() : null })
          .execute();
        return file;
      }),
    );
    const client = await signInUser(t.app, CAMILLE);
    const space = rowsOf((await client.get('/vehicules')).body);
    for (const [i, [status, submitted]] of cases.entries()) {
      const file = files[i]!;
      const expected = USER_STATE_LABELS[status === 'in_progress' && submitted ? 'in_progress_reviewed' : status];
      const inSpace = space.find((r) => r.includes(file));
      expect(inSpace, `${file} in /vehicules`).toContain(expected);
      const found = rowsOf((await client.get(`/mes-demarches?q=${file}`)).body).find((r) => r.includes(file));
      expect(found, `${file} in /mes-demarches`).toContain(expected);
      expect(textOf((await client.get(`/vehicules/demandes/${file}`)).body), `${file}’s page`).toContain(`État ${expected}`);
    }
    // The back office's own words never reach the user's list.
    expect(space.join(' ')).not.toMatch(/En attente de contrôle|En attente du code confidentiel|En attente de paiement/);
  });
});
