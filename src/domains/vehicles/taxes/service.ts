import { z } from 'zod';
import type { Db } from '../../../platform/db/database.ts';
import { checkPlate } from '../registry/identifiers.ts';
import { computeTaxes, regionOfPostcode, type RateLookup, type TaxInput, type TaxLine, type TaxProcedure, type WeightClass } from './model.ts';
import { dateProblemMessage, readFrenchDate } from '../../../platform/french-date.ts';

/** Reads the effective-dated rates (cached a minute per process) and computes the taxes. */
export function createTaxService(db: Db) {
  let cache: { at: number; lookup: RateLookup; regions: { code: string; name: string }[] } | null = null;

  async function load() {
    if (cache && Date.now() - cache.at < 60_000) return cache;
    const rows = await db.selectFrom('tax_rates').select(['kind', 'key', 'effective_from', 'amount_cents', 'verified']).orderBy('effective_from').execute();
    const regions = await db.selectFrom('regions').selectAll().orderBy('name').execute();
    const lookup: RateLookup = (kind, key, at) => {
      const applicable = rows.filter((r) => r.kind === kind && r.key === key && r.effective_from.toISOString().slice(0, 10) <= at);
      const last = applicable.at(-1);
      return last ? { amountCents: last.amount_cents, verified: last.verified } : null;
    };
    cache = { at: Date.now(), lookup, regions };
    return cache;
  }

  return {
    regions: async () => (await load()).regions,
    compute: async (input: TaxInput): Promise<TaxLine[]> => computeTaxes(input, (await load()).lookup),
    /** The taxes of a procedure on a registered vehicle, today, for a holder living in `postcode`. */
    forVehicle: async (
      procedure: TaxProcedure,
      vehicle: { category: string; fiscal_power: number; energy: string; first_registration_date: Date; plate_kind: 'siv' | 'fni'; address_changes_since_siv: number },
      postcode: string,
      opts: { weatherDamage?: boolean } = {},
    ): Promise<TaxLine[]> =>
      computeTaxes(
        {
          procedure,
          category: vehicle.category,
          fiscalPower: vehicle.fiscal_power,
          energy: vehicle.energy,
          firstRegistrationDate: vehicle.first_registration_date.toISOString().slice(0, 10),
          fni: vehicle.plate_kind === 'fni',
          addressChangesSinceSiv: vehicle.address_changes_since_siv,
          weatherDamage: opts.weatherDamage,
          region: regionOfPostcode(postcode) ?? 'IDF',
          at: new Date().toISOString().slice(0, 10),
        },
        (await load()).lookup,
      ),
    vehicleByPlate: async (plate: string) => {
      const check = checkPlate(plate);
      if (!check.ok) return { error: check.message };
      const v = await db.selectFrom('vehicles').select(['category', 'fiscal_power', 'energy', 'first_registration_date', 'plate_kind', 'address_changes_since_siv']).where('plate', '=', check.plate).executeTakeFirst();
      return v ? { vehicle: v } : { error: 'Aucun véhicule ne porte ce numéro : saisissez plutôt ses caractéristiques' };
    },
  };
}
export type TaxService = ReturnType<typeof createTaxService>;

export const simulatorSchema = z.object({
  procedure: z.enum(['holder_change', 'duplicate', 'address_change'], { error: 'Choisissez la démarche' }),
  region: z.string({ error: 'Choisissez la région' }).min(2, 'Choisissez la région'),
  plate: z.string().trim().optional(),
  category: z.string().trim().optional(),
  fiscal_power: z.string().trim().optional(),
  energy: z.string().trim().optional(),
  first_registration_date: z.string().trim().optional(),
  weight: z.enum(['upto_3_5t', '3_5t_6t', '6t_11t', 'over_11t']).optional(),
  address_changes: z.string().trim().optional(),
});

/** The simulator's answers → the engine's input, or the problems on each field. */
export async function simulatorInput(taxes: TaxService, raw: Record<string, unknown>, today: string): Promise<{ ok: true; input: TaxInput } | { ok: false; errors: Record<string, string> }> {
  const parsed = simulatorSchema.safeParse(raw);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const i of parsed.error.issues) errors[String(i.path[0])] ??= i.message;
  const d = parsed.success ? parsed.data : (raw as z.infer<typeof simulatorSchema>);
  let vehicle: { category: string; fiscalPower: number; energy: string; firstRegistrationDate: string; fni: boolean; addressChanges: number } | null = null;
  if (d.plate) {
    const found = await taxes.vehicleByPlate(d.plate);
    if ('error' in found) errors.plate = found.error!;
    else vehicle = { category: found.vehicle.category, fiscalPower: found.vehicle.fiscal_power, energy: found.vehicle.energy, firstRegistrationDate: found.vehicle.first_registration_date.toISOString().slice(0, 10), fni: found.vehicle.plate_kind === 'fni', addressChanges: found.vehicle.address_changes_since_siv };
  } else {
    const power = Number(d.fiscal_power);
    if (!d.category) errors.category = 'Choisissez la catégorie du véhicule, ou saisissez son immatriculation';
    if (!Number.isInteger(power) || power < 1 || power > 200) errors.fiscal_power = 'Saisissez la puissance fiscale (repère P.6), un nombre entier de 1 à 200';
    if (!d.energy) errors.energy = 'Choisissez l’énergie (repère P.3)';
    const first = readFrenchDate(d.first_registration_date);
    if (!first.ok && first.problem !== 'empty') errors.first_registration_date = dateProblemMessage(first.problem, 'la date de première immatriculation (repère B)', '21/06/2018');
    else if (!first.ok || first.iso > today) errors.first_registration_date = 'Saisissez la date de première immatriculation (repère B), passée';

    if (!Object.keys(errors).length) vehicle = { category: d.category!, fiscalPower: power, energy: d.energy!, firstRegistrationDate: (first as { iso: string }).iso, fni: false, addressChanges: Number(d.address_changes ?? 0) || 0 };
  }
  const regions = await taxes.regions();
  if (d.region && !regions.some((r) => r.code === d.region)) errors.region = 'Choisissez la région';
  if (Object.keys(errors).length || !vehicle) return { ok: false, errors };
  return {
    ok: true,
    input: {
      procedure: d.procedure as TaxProcedure,
      category: vehicle.category,
      fiscalPower: vehicle.fiscalPower,
      energy: vehicle.energy,
      firstRegistrationDate: vehicle.firstRegistrationDate,
      weightClass: d.weight as WeightClass | undefined,
      fni: vehicle.fni,
      addressChangesSinceSiv: d.plate ? vehicle.addressChanges : Number(d.address_changes ?? 0) || 0,
      region: d.region!,
      at: today,
    },
  };
}
