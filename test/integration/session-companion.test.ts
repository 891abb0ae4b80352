import { beforeEach, describe, expect, it } from 'vitest';
import { accountPageWithSession } from '../../src/domains/accounts/service.ts';
import { vehicleSpaceWithSession } from '../../src/domains/vehicles/procedures/service.ts';
import { Session, sessionLoader } from '../../src/platform/http/session.ts';
import { useSeededApp, type TestApp } from '../helpers/app.ts';
import { signInUser } from '../helpers/users.ts';

/**
 * A signed-in page's own read sent in the statement that reads the session (session-companion.ts):
 * "Mon espace véhicule" and "Mon compte" in one round trip. An attacker's view: the list and the
 * history that come with a session are its own account's, never another's, also when both
 * accounts' pages are read at the same moment; a session that changed hands gets none.
 */
describe('a page read with the session', () => {
  let t: TestApp;
  useSeededApp((app) => (t = app));

  const CAMILLE = 'demo.particulier@example.fr';
  const LUC = 'demo.garage@example.fr';
  const marks: Record<string, { file: string; ip: string }> = { [CAMILLE]: { file: 'TEST-CAMILLE-1', ip: '203.0.113.7' }, [LUC]: { file: 'TEST-LUC-1', ip: '198.51.100.9' } };
  let ids: Record<string, number>;

  beforeEach(async () => {
    const db = t.database.db;
    const rows = await db.selectFrom('accounts').select(['id', 'email']).where('email', 'in', [CAMILLE, LUC]).execute();
    ids = Object.fromEntries(rows.map((r) => [r.email, r.id]));
    const vehicles = await db.selectFrom('vehicles').select('id').orderBy('id').limit(2).execute();
    for (const [i, email] of [CAMILLE, LUC].entries()) {
      await db
        .insertInto('vehicle_procedures')
        .values({ account_id: ids[email]!, file_number: marks[email]!.file, vehicle_id: vehicles[i]!.id, kind: 'sale_declaration', initiator: 'self', status: 'awaiting_code', data: JSON.stringify({}) })
        .execute();
      await db.insertInto('connection_history').values({ account_id: ids[email]!, ip: marks[email]!.ip, method: 'password' }).execute();
    }
  });

  it("shows each account its own procedures and connections, never the other's, when both ask at the same time", async () => {
    const camille = await signInUser(t.app, CAMILLE);
    const luc = await signInUser(t.app, LUC);
    for (const url of ['/vehicules', '/compte']) {
      const pages = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? luc : camille).get(url)));
      for (const [i, page] of pages.entries()) {
        const [own, other] = i % 2 ? [marks[LUC]!, marks[CAMILLE]!] : [marks[CAMILLE]!, marks[LUC]!];
        expect(page.statusCode, url).toBe(200);
        expect(page.body, url).toContain(url === '/vehicules' ? own.file : own.ip);
        expect(page.body, url).not.toContain(other.file);
        expect(page.body, url).not.toContain(other.ip);
      }
    }
  });

  it('reads the list with the session only for the account read in the same statement', async () => {
    const config = t.app.config;
    const load = sessionLoader(t.database.db, config);
    const cookies: Record<string, string> = {};
    for (const email of [CAMILLE, LUC]) {
      const session = Session.fresh(config.sessionSecret);
      session.rotate(ids[email]!);
      await session.save(t.database.db, config);
      cookies[email] = session.cookieValue;
    }
    const files = (groups: Record<string, { file_number: string }[]> | undefined) => Object.values(groups ?? {}).flat().map((p) => p.file_number);
    const [camille, luc] = (await Promise.all([load(cookies[CAMILLE]!, vehicleSpaceWithSession), load(cookies[LUC]!, vehicleSpaceWithSession)])) as Session[];
    expect(files(camille!.readWith(vehicleSpaceWithSession))).toContain(marks[CAMILLE]!.file);
    expect(files(camille!.readWith(vehicleSpaceWithSession))).not.toContain(marks[LUC]!.file);
    expect(files(luc!.readWith(vehicleSpaceWithSession))).toEqual([marks[LUC]!.file]);
    // the dates come back as Dates, as the plain query gives them
    expect(luc!.readWith(vehicleSpaceWithSession)!.waiting[0]!.updated_at).toBeInstanceOf(Date);
    // another page's read was not asked for: none
    expect(camille!.readWith(accountPageWithSession)).toBeUndefined();
    // once the session changes hands (a sign-in as someone else), the list read with it is no one's
    luc!.rotate(ids[CAMILLE]!);
    expect(luc!.readWith(vehicleSpaceWithSession)).toBeUndefined();
    // a session of nobody signed in reads none
    const anonymous = Session.fresh(config.sessionSecret);
    anonymous.set('mark', 'anonymous');
    await anonymous.save(t.database.db, config);
    const read = (await load(anonymous.cookieValue, vehicleSpaceWithSession)) as Session;
    expect(read.get('mark')).toBe('anonymous');
    expect(read.readWith(vehicleSpaceWithSession)).toBeUndefined();
  });
});
