import { DEMO_VEHICLE_CODES } from '../../src/domains/vehicles/registry/demo-registry.ts';
import type { TestClient } from './app.ts';
import { postNewProcedure } from './users.ts';

/** Julien Leroy, born 3 February 1985: the buyer the demo sales declare unless told otherwise. */
export const JULIEN_BUYER = { buyer_kind: 'natural', buyer_birth_name: 'Leroy', buyer_given_names: 'Julien', buyer_birth_date: '1985-02-03' };

/**
 * Camille Martin (signed in as `seller`) declares the sale of AB-123-CD to `buyer`, through the five
 * tabs, and reads the code de cession shown once at the end.
 */
export async function sellCamillesCar(seller: TestClient, buyer: Record<string, string> = JULIEN_BUYER): Promise<string> {
  return sellDemoVehicle(seller, 'AB-123-CD', buyer);
}

/** The same for any of Camille's demo vehicles (its confidential code typed), sold on 21 November 2026. */
export async function sellDemoVehicle(seller: TestClient, plate: keyof typeof DEMO_VEHICLE_CODES, buyer: Record<string, string> = JULIEN_BUYER): Promise<string> {
  const page = await seller.follow(await postNewProcedure(seller, { kind: 'sale_declaration', initiator: 'self', plate }));
  await seller.post(`${page.url}/code`, { code: DEMO_VEHICLE_CODES[plate] });
  const base = `${page.url}/cession`;
  await seller.get(base);
  await seller.post(`${base}/commencer`, { understood: 'oui' });
  await seller.post(`${base}/documents`, {});
  await seller.get(base);
  await seller.post(`${base}/declaration`, {
    ...buyer,
    buyer_address_line1: '2 place Bellecour', buyer_postcode: '69002', buyer_commune: 'Lyon', buyer_country: 'FRANCE',
    sale_date: '2026-11-21', sale_time: '10:00', mileage: '60000',
  });
  await seller.get(base);
  const done = await seller.follow(await seller.post(`${base}/confirmer`, { certify: 'oui' }));
  return /id="code-de-cession">([A-Z0-9]{11})</.exec(done.body)![1]!;
}
