import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import type { TestClient } from './app.ts';
import { postNewProcedure } from './users.ts';

/**
 * A duplicate of one of the signed-in demo holder's vehicles (after a loss unless told), through its steps as a
 * browser posts them (code, reason, confirmation), up to the page that shows « Payer par carte
 * bancaire »: the request's address, its duplicate steps' base, its file number.
 */
export async function duplicateReadyToPay(
  client: TestClient,
  plate: keyof typeof DEMO_VEHICLE_CODES = 'AB-123-CD',
  reason: 'loss' | 'damage' = 'loss',
): Promise<{ url: string; base: string; file: string }> {
  const page = await client.follow(await postNewProcedure(client, { kind: 'duplicate', initiator: 'self', plate }));
  await client.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES[plate] });
  const base = `${page.url}/duplicata`;
  await client.get(base);
  await client.post(base, { reason, declaration: 'oui' });
  await client.get(base);
  await client.post(`${base}/confirmer`, { clu: 'oui' });
  await client.get(base);
  return { url: page.url, base, file: page.url.split('/').pop()! };
}
