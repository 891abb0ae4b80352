import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.ts';
import type { SaleDocumentContent } from '../procedures/documents.ts';
import { characteristicsOf } from './characteristics.ts';

/** What the registry says of a vehicle for its documents (certificat de cession, CSA): identity, holder, gages and oppositions. */
export type VehicleSituation = Pick<
  SaleDocumentContent,
  'plate' | 'vin' | 'certificateNumber' | 'certificateDate' | 'firstRegistrationDate' | 'category' | 'vehicle' | 'seller' | 'encumbrances'
>;

/** A `date` column's text (YYYY-MM-DD) as the pg driver makes it a Date when it reads the column itself: midnight, local time. */
function localDay(text: string): Date {
  const [year, month, day] = text.split('-').map(Number);
  return new Date(year!, month! - 1, day!);
}

export async function vehicleSituation(db: Db, vehicleId: number | null): Promise<VehicleSituation> {
  if (vehicleId === null) throw new Error('a vehicle document needs the procedure’s vehicle');
  // the vehicle, its holder (columns prefixed) and its gages and oppositions still in force, in one query
  const { holder_kind, holder_given_names, holder_birth_name, holder_company_name, holder_address_line1, holder_address_line2, holder_postcode, holder_commune, encumbrances, ...vehicle } = await db
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
    .select(
      sql<{ kind: string; registered_at: string }[]>`coalesce((select json_agg(json_build_object('kind', e.kind, 'registered_at', e.registered_at) order by e.id) from vehicle_encumbrances e where e.vehicle_id = v.id and e.lifted_at is null), '[]'::json)`.as(
        'encumbrances',
      ),
    )
    .where('v.id', '=', vehicleId)
    .executeTakeFirstOrThrow();
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
    encumbrances: encumbrances.map((e) => ({ kind: e.kind as VehicleSituation['encumbrances'][number]['kind'], registeredAt: localDay(e.registered_at).toISOString() })),
  };
}
