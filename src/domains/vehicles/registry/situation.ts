import type { Db } from '../../../platform/db/database.ts';
import type { SaleDocumentContent } from '../procedures/documents.ts';
import { characteristicsOf } from './characteristics.ts';

/** What the registry says of a vehicle for its documents (certificat de cession, CSA): identity, holder, gages and oppositions. */
export type VehicleSituation = Pick<
  SaleDocumentContent,
  'plate' | 'vin' | 'certificateNumber' | 'certificateDate' | 'firstRegistrationDate' | 'category' | 'vehicle' | 'seller' | 'encumbrances'
>;

export async function vehicleSituation(db: Db, vehicleId: number | null): Promise<VehicleSituation> {
  if (vehicleId === null) throw new Error('a vehicle document needs the procedure’s vehicle');
  // the vehicle and its holder in one query (the holder's columns prefixed)
  const { holder_kind, holder_given_names, holder_birth_name, holder_company_name, holder_address_line1, holder_address_line2, holder_postcode, holder_commune, ...vehicle } = await db
    .selectFrom('vehicles as v')
    .innerJoin('vehicle_holders as h', 'h.id', 'v.holder_id')
    .selectAll('v')
    .select([
      'h.kind as holder_kind',
      'h.given_names as holder_given_names',
      'h.birth_name as holder_birth_name',
      'h.company_name as holder_company_name',
      'h.address_line1 as holder_address_line1',
      'h.address_line2 as holder_address_line2',
      'h.postcode as holder_postcode',
      'h.commune as holder_commune',
    ])
    .where('v.id', '=', vehicleId)
    .executeTakeFirstOrThrow();
  const encumbrances = await db.selectFrom('vehicle_encumbrances').select(['kind', 'registered_at']).where('vehicle_id', '=', vehicle.id).where('lifted_at', 'is', null).execute();
  return {
    plate: vehicle.plate,
    vin: vehicle.vin,
    certificateNumber: vehicle.certificate_number,
    certificateDate: vehicle.certificate_date.toISOString(),
    firstRegistrationDate: vehicle.first_registration_date.toISOString(),
    category: vehicle.category,
    vehicle: characteristicsOf(vehicle),
    seller: {
      name: holder_kind === 'natural' ? `${holder_given_names} ${holder_birth_name}` : (holder_company_name ?? ''),
      address: [holder_address_line1, ...(holder_address_line2 ? [holder_address_line2] : []), `${holder_postcode} ${holder_commune}`],
    },
    encumbrances: encumbrances.map((e) => ({ kind: e.kind, registeredAt: e.registered_at.toISOString() })),
  };
}
