import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { missingPieces, piecesFor, subcategoryOf } from '../../src/domains/vehicles/complementary/model.ts';
import { createTpcService } from '../../src/domains/vehicles/complementary/service.ts';
import { createTaxService } from '../../src/domains/vehicles/taxes/service.ts';
import { type TestApp, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * A user (or a script on their account) withdraws a required piece while posting « Transmettre »
 * on the summary, both at once: the request must never reach the instruction centre without it.
 * Each round: a new request up to its summary over HTTP, then the two at once — over HTTP, or
 * straight on the service with the request as both pages loaded it (the window between a page's
 * read and its write, widened), one started a few ticks after the other.
 */
const PDF = readFileSync('test/fixtures/recepisse-vol.pdf');
const HOLDER = { kind: 'natural', birth_name: 'Moreau', given_names: 'Lucie', birth_date: '1985-06-14', birth_place: 'Nantes', line1: '3, place du Commerce', postcode: '44000', commune: 'nantes' };
const ROUNDS = 12;

describe('withdrawing a piece while the request is sent', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  it(`never files a request without a required piece (${ROUNDS} rounds of the two at once)`, async () => {
    const client = await signInUser(t.app, 'demo.garage@example.fr');
    const sub = subcategoryOf('first_registration', 'new_vehicle')!;
    const required = piecesFor(sub, { initiator: 'self', diplomatic: false }).required;
    const outcomes = { sent: 0, withdrawn: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const base = (await client.follow(await postNewProcedure(client, { kind: 'complementary', initiator: 'self', plate: '' }))).url;
      const file = base.split('/')[3]!;
      await client.post(`${base}/categorie`, { category: 'first_registration' });
      await client.post(`${base}/sous-categorie`, { subcategory: 'new_vehicle' });
      await client.post(`${base}/objet`, { object: 'Immatriculer une voiture neuve.' });
      await client.post(`${base}/titulaire`, HOLDER);
      await client.get(base);
      await client.postFiles(`${base}/pieces`, {}, required.map((piece) => ({ field: `piece_${piece}`, filename: `${piece}.pdf`, bytes: PDF })));
      await client.post(`${base}/poursuivre`, {});
      const summary = await client.get(base);
      expect(summary.body).toContain(`${base}/confirmer`);
      const procedure = await t.database.db.selectFrom('vehicle_procedures').select('id').where('file_number', '=', file).executeTakeFirstOrThrow();
      const ids = (await t.database.db.selectFrom('attachments').select('id').where('owner_kind', '=', 'vehicle_procedure').where('owner_id', '=', procedure.id).execute()).map((a) => a.id);
      expect(ids.length).toBe(required.length);

      const withdrawn = ids[round % ids.length]!;
      if (round % 3 === 0) {
        await Promise.all([client.post(`${base}/confirmer`, { clu: 'oui' }), client.post(`${base}/pieces/${withdrawn}/retirer`, {})]);
      } else {
        const tpc = createTpcService({ db: t.database.db, config: t.app.config, attachments: t.app.attachments, taxes: createTaxService(t.database.db) });
        const account = await t.database.db.selectFrom('accounts').selectAll().where('email', '=', 'demo.garage@example.fr').executeTakeFirstOrThrow();
        const loaded = (await tpc.load(account, file))!;
        const ticks = async (n: number) => {
          for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
        };
        const submit = async () => tpc.submit(loaded, { kind: 'user', id: account.id, ip: '127.0.0.1' });
        const remove = async () => tpc.removePiece(loaded, withdrawn);
        const lag = round % 4;
        await Promise.all(round % 2 ? [submit(), ticks(lag).then(remove)] : [remove(), ticks(lag).then(submit)]);
      }

      const after = await t.database.db.selectFrom('vehicle_procedures').select('status').where('id', '=', procedure.id).executeTakeFirstOrThrow();
      const kept = await t.database.db.selectFrom('attachments').select('purpose').where('owner_kind', '=', 'vehicle_procedure').where('owner_id', '=', procedure.id).execute();
      if (after.status === 'in_progress') {
        outcomes.withdrawn++;
        expect(kept.length).toBe(required.length - 1);
      } else {
        outcomes.sent++;
        expect(after.status).toBe('awaiting_review');
        expect(missingPieces(sub, { initiator: 'self', diplomatic: false }, kept.map((k) => k.purpose))).toEqual({});
      }
    }
    expect(outcomes.sent + outcomes.withdrawn).toBe(ROUNDS);
  });
});
