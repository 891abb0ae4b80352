import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createAddressService } from '../../src/domains/vehicles/address/service.ts';
import { createSaleService } from '../../src/domains/vehicles/sale/service.ts';
import { ProcedureFiledMeanwhile } from '../../src/domains/vehicles/procedures/step-data.ts';
import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { createTaxService } from '../../src/domains/vehicles/taxes/service.ts';
import { type TestApp, type TestClient, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

const MERCIERE = { line1: '8, rue Mercière', postcode: '69002', commune: 'lyon' };
const CANEBIERE = { line1: '1 la Canebière', postcode: '13001', commune: 'Marseille' };

/**
 * A vehicle procedure's step writes its answers only while the procedure is still in progress: a
 * step posted at the moment « Confirmer » files the request (another tab, a double submit) cannot
 * overwrite the filed data — e.g. the new address, hence the region the taxes were computed for.
 */
describe('a vehicle step saved after the procedure was filed writes nothing', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app));

  /** A change of address of AB-123-CD up to its summary, with the address of the Rue Mercière. */
  async function atSummary(): Promise<{ client: TestClient; base: string; file: string }> {
    const client = await signInUser(t.app, 'demo.particulier@example.fr');
    const page = await client.follow(await postNewProcedure(client, { kind: 'address_change', initiator: 'self', plate: 'AB-123-CD' }));
    await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES['AB-123-CD'] });
    const base = `${page.url}/adresse`;
    await client.get(base);
    expect((await client.post(base, MERCIERE)).statusCode).toBe(303);
    await client.get(base);
    return { client, base, file: page.url.split('/').pop()! };
  }
  const procedure = (file: string) => t.database.db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', file).executeTakeFirstOrThrow();
  const proposedOf = (p: { data: unknown }) => (p.data as { address?: { proposed?: { commune: string } } }).address?.proposed?.commune;

  it('the address step, the sale declaration and the draft save of a filed request write nothing and throw', async () => {
    const { client, base, file } = await atSummary();
    const stale = await procedure(file); // read by a step's request before « Confirmer » commits
    expect((await client.post(`${base}/confirmer`, { clu: 'oui' })).statusCode).toBe(303);
    const filed = await procedure(file);
    expect(filed.status).toBe('completed');

    const addresses = createAddressService({ db: t.database.db, config: t.app.config, taxes: createTaxService(t.database.db) });
    await expect(addresses.enter(stale, CANEBIERE)).rejects.toBeInstanceOf(ProcedureFiledMeanwhile);
    await expect(addresses.saveDraft(stale, CANEBIERE)).rejects.toBeInstanceOf(ProcedureFiledMeanwhile);
    const after = await procedure(file);
    expect(after.data).toEqual(filed.data);
    expect(proposedOf(after)).toBe('LYON');
    expect(after.updated_at.getTime()).toBe(filed.updated_at.getTime());

    // the sale's steps had no status check at all: a completed declaration is not rewritten either
    const sales = createSaleService({ db: t.database.db, config: t.app.config });
    const seller = await signInUser(t.app, 'demo.particulier@example.fr');
    await postNewProcedure(seller, { kind: 'sale_declaration', initiator: 'self', plate: 'AB-123-CD' });
    const sale = await t.database.db.selectFrom('vehicle_procedures').selectAll().where('kind', '=', 'sale_declaration').orderBy('id', 'desc').executeTakeFirstOrThrow();
    await t.database.db.updateTable('vehicle_procedures').set({ status: 'completed' }).where('id', '=', sale.id).execute();
    await expect(sales.saveDraft(sale, { buyer_birth_name: 'Dupont' })).rejects.toBeInstanceOf(ProcedureFiledMeanwhile);
    expect((await procedure(sale.file_number)).data).toEqual(sale.data);
  });

  // PostgreSQL only (PGlite runs one transaction at a time): declared only there, never a skipped test on PGlite
  if (process.env.DATABASE_URL)
    it('on PostgreSQL, a step posted while « Confirmer » is committing waits for it, then writes nothing and shows the filed request', { timeout: 120_000 }, async () => {
      const { client, base, file } = await atSummary();
      const db = t.database.db;
      const token = client.csrfToken();
      const waiting = async () => Number((await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`.execute(db)).rows[0]!.n);
      const until = async (n: number) => {
        for (let i = 0; i < 400 && (await waiting()) < n; i++) await new Promise((r) => setTimeout(r, 25));
        expect(await waiting()).toBe(n);
      };
      // the audit trail held: « Confirmer » moves the status (row locked, not committed) and waits on its audit row
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      const holder = db.transaction().execute(async (trx) => {
        await sql`lock table audit_events in exclusive mode`.execute(trx);
        locked();
        await held;
      });
      await isLocked;
      const confirm = client.post(`${base}/confirmer`, { clu: 'oui' }, { csrf: token });
      await until(1);
      // the other tab posts a new address: it reads the procedure still in progress, then waits on its row
      const step = client.post(`${base}/nouvelle-adresse`, CANEBIERE, { csrf: token });
      await until(2);
      release();
      await holder;
      const [confirmed, stepped] = await Promise.all([confirm, step]);
      expect(confirmed.statusCode).toBe(303);
      expect(String(confirmed.headers.location).startsWith(`${base}/`)).toBe(true);
      expect(stepped.statusCode).toBe(303);
      expect(stepped.headers.location).toBe(`/vehicules/demandes/${file}`); // the page of the filed request
      const p = await procedure(file);
      expect(p.status).toBe('completed');
      expect(proposedOf(p)).toBe('LYON'); // the filed address, not the one posted meanwhile
      const holderRow = await db.selectFrom('vehicle_holders').select('commune').innerJoin('vehicles', 'vehicles.holder_id', 'vehicle_holders.id').where('vehicles.plate', '=', 'AB-123-CD').executeTakeFirstOrThrow();
      expect(holderRow.commune).toBe('LYON');
    });
});
