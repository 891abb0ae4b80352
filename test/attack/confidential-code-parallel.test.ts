import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { DEMO_ACCOUNTS } from '../../src/demo/seed.ts';
import { GUESS_ACCOUNT_POLICY } from '../../src/domains/vehicles/procedures/guess-limits.ts';
import { demoRegistry } from '../../src/domains/vehicles/registry/demo-registry.ts';
import { type TestApp, type TestClient, useSeededApp } from '../helpers/app.ts';
import { postNewProcedure, signInUser } from '../helpers/users.ts';

/**
 * Confidential codes typed at the same moment from one account (a garage filing declarations of
 * sale in parallel). Each answer is settled — its attempt given back when right — before the next
 * one of the account is looked at (guess-limits.ts): right codes in parallel all pass, wrong codes
 * in parallel still get exactly the free tries and one more checked.
 */
const SELLER = 'demo.particulier@example.fr';
const FREE = GUESS_ACCOUNT_POLICY.free!;

/** Vehicles of the demo registry a stranger may declare sold with their code (as test/bench/writes-and-nodes.ts sells them). */
function strangersVehicles(n: number): { plate: string; code: string }[] {
  return demoRegistry({ individual: 0, legalEntity: 0 })
    .filter((e) => !e.holderEmail && e.plateKind === 'siv' && !e.coHolders && !e.encumbrances && !e.longTermLease && e.certificateNumber && e.confidentialCode)
    .slice(0, n)
    .map((e) => ({ plate: e.plate, code: e.confidentialCode! }));
}

const statusCounts = (responses: LightMyRequestResponse[]) => responses.reduce<Record<number, number>>((n, r) => ({ ...n, [r.statusCode]: (n[r.statusCode] ?? 0) + 1 }), {});

describe('confidential codes typed in parallel from one account', () => {
  let t!: TestApp;
  useSeededApp((app) => (t = app), { ADMISSION_MAX_CONCURRENT: '0' });

  /** One declaration of sale per vehicle, each waiting for its code; the code form's address and token. */
  async function waitingForCodes(client: TestClient, vehicles: { plate: string }[]) {
    const forms: { url: string; csrf: string }[] = [];
    for (const v of vehicles) {
      const page = await client.follow(await postNewProcedure(client, { kind: 'sale_declaration', initiator: 'other', plate: v.plate }));
      expect(page.statusCode).toBe(200);
      forms.push({ url: `${page.url}/code`, csrf: client.csrfToken() });
    }
    return forms;
  }

  it(`${3 * FREE} right codes at the same moment from one account: every one is accepted, and the account keeps all its tries`, async () => {
    expect(DEMO_ACCOUNTS.some((a) => a.email === SELLER)).toBe(true);
    const vehicles = strangersVehicles(3 * FREE);
    expect(vehicles).toHaveLength(3 * FREE);
    const client = await signInUser(t.app, SELLER);
    const forms = await waitingForCodes(client, vehicles);
    const responses = await Promise.all(forms.map((f, i) => client.post(f.url, { code: vehicles[i]!.code }, { csrf: f.csrf })));
    expect(statusCounts(responses)).toEqual({ 303: 3 * FREE });
    const verified = await t.database.db.selectFrom('vehicle_procedures').select('id').where('code_verified', '=', true).where('kind', '=', 'sale_declaration').execute();
    expect(verified).toHaveLength(3 * FREE);
    // nothing is left counted against the account: a wrong code afterwards still has all its tries
    const [extra] = strangersVehicles(3 * FREE + 1).slice(-1);
    const [form] = await waitingForCodes(client, [extra!]);
    const wrong = await client.post(form!.url, { code: extra!.code === '00000' ? '11111' : '00000' }, { csrf: form!.csrf });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toContain(`Il vous reste ${FREE} essais`);
  });

  it('attack: 20 wrong codes at the same moment from one account: exactly the free tries and one more are checked, then even a right code waits', async () => {
    const vehicles = strangersVehicles(2);
    const client = await signInUser(t.app, SELLER);
    const [form, other] = await waitingForCodes(client, vehicles);
    const wrong = vehicles[0]!.code === '00000' ? '11111' : '00000';
    const counts = statusCounts(await Promise.all(Array.from({ length: 20 }, () => client.post(form!.url, { code: wrong }, { csrf: form!.csrf }))));
    expect(counts).toEqual({ 400: FREE + 1, 429: 20 - FREE - 1 });
    const right = await client.post(other!.url, { code: vehicles[1]!.code }, { csrf: other!.csrf });
    expect(right.statusCode).toBe(429);
    expect(right.body).toContain('Trop de codes erronés ont été saisis');
  });

  it('attack: wrong codes mixed with right ones in parallel: the right ones give back only their own tries, the wrong ones still lock', async () => {
    const vehicles = strangersVehicles(12);
    const client = await signInUser(t.app, SELLER);
    const forms = await waitingForCodes(client, vehicles);
    // 6 right codes on vehicles 0–5 and 12 wrong ones on vehicle 6, all at once: a right one after every two wrong ones
    const wrongCode = vehicles[6]!.code === '00000' ? '11111' : '00000';
    const posts = Array.from({ length: 18 }, (_, i) =>
      i % 3 === 2 ? () => client.post(forms[(i - 2) / 3]!.url, { code: vehicles[(i - 2) / 3]!.code }, { csrf: forms[(i - 2) / 3]!.csrf }) : () => client.post(forms[6]!.url, { code: wrongCode }, { csrf: forms[6]!.csrf }),
    );
    const counts = statusCounts(await Promise.all(posts.map((p) => p())));
    expect(counts[400]).toBe(FREE + 1);
    expect((counts[303] ?? 0) + (counts[429] ?? 0)).toBe(6 + 12 - FREE - 1);
    // the account is locked now: a right code on another vehicle waits
    const right = await client.post(forms[7]!.url, { code: vehicles[7]!.code }, { csrf: forms[7]!.csrf });
    expect(right.statusCode).toBe(429);
  });
});
