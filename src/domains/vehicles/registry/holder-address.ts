import { addressBlock } from '../../../platform/letters/address.ts';
import type { VehicleHolder } from '../tables.ts';

/** The holder's registered address as a letter's address block. */
export function holderAddress(holder: VehicleHolder): string[] {
  const name = holder.kind === 'natural' ? `${holder.given_names ?? ''} ${holder.usage_name ?? holder.birth_name ?? ''}` : (holder.company_name ?? '');
  return addressBlock([name, holder.address_line2, holder.address_line1], holder.postcode, holder.commune, holder.country);
}
