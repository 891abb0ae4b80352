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
  const vehicle = await db.selectFrom('vehicles').selectAll().where('id', '=', vehicleId).executeTakeFirstOrThrow();
  const holder = await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirstOrThrow();
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
      name: holder.kind === 'natural' ? `${holder.given_names} ${holder.birth_name}` : (holder.company_name ?? ''),
      address: [holder.address_line1, ...(holder.address_line2 ? [holder.address_line2] : []), `${holder.postcode} ${holder.commune}`],
    },
    encumbrances: encumbrances.map((e) => ({ kind: e.kind, registeredAt: e.registered_at.toISOString() })),
  };
}
