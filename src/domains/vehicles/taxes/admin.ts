import { frenchDate } from '../../../platform/french-date.ts';
import { z } from 'zod';
import { audit } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Agent } from '../../../schema.ts';
import { zodErrors, type Outcome } from '../../accounts/service.ts';
import type { TaxRateKind } from '../tables.ts';

export const RATE_KINDS: Record<TaxRateKind, { label: string; unit: 'euros' | 'percent'; keys: 'region' | 'weight' | 'none' }> = {
  regional_per_cv: { label: 'Y.1 — taxe régionale, par cheval fiscal', unit: 'euros', keys: 'region' },
  regional_ev_reduction: { label: 'Y.1 — réduction votée pour les véhicules électriques ou à hydrogène', unit: 'percent', keys: 'region' },
  transport: { label: 'Y.2 — taxe sur les véhicules de transport, par classe de poids', unit: 'euros', keys: 'weight' },
  fixed: { label: 'Y.4 — taxe fixe', unit: 'euros', keys: 'none' },
  delivery: { label: 'Y.5 — redevance d’acheminement', unit: 'euros', keys: 'none' },
};
export const WEIGHT_CLASSES = { upto_3_5t: 'jusqu’à 3,5 t', '3_5t_6t': 'de 3,5 à 6 t', '6t_11t': 'de 6 à 11 t', over_11t: 'plus de 11 t' } as const;

const schema = z.object({
  kind: z.enum(Object.keys(RATE_KINDS) as [TaxRateKind, ...TaxRateKind[]], { error: 'Choisissez la taxe' }),
  key: z.string().trim().max(20).optional(),
  effective_from: frenchDate('la date d’entrée en vigueur', '01/01/2027'),
  amount: z.string({ error: 'Saisissez le montant' }).trim().min(1, 'Saisissez le montant'),
  source: z.string({ error: 'Indiquez la source (texte officiel, délibération…)' }).trim().min(3, 'Indiquez la source (texte officiel, délibération…)').max(300),
  verified: z.literal('oui').optional(),
});

/**
 * Operators schedule new tax rates: a rate is never rewritten, a new one takes effect at its date
 * (today or later), so every past computation stays explainable. Audited.
 */
export function createTaxAdmin(db: Db) {
  const isOperator = (agent: Agent) => agent.role === 'operator';
  return {
    isOperator,
    async list(today: string) {
      const rows = await db.selectFrom('tax_rates').selectAll().orderBy('kind').orderBy('key').orderBy('effective_from').execute();
      const regions = await db.selectFrom('regions').selectAll().orderBy('name').execute();
      // the rate in force today for each (kind, key), and those scheduled after it
      const inForce = new Map<string, number>();
      for (const r of rows) if (r.effective_from.toISOString().slice(0, 10) <= today) inForce.set(`${r.kind}|${r.key}`, r.id);
      return { rows: rows.filter((r) => inForce.get(`${r.kind}|${r.key}`) === r.id || r.effective_from.toISOString().slice(0, 10) > today), regions };
    },

    async schedule(agent: Agent, input: Record<string, string | undefined>, today: string, ip: string): Promise<Outcome<null>> {
      const parsed = schema.safeParse(input);
      const errors = parsed.success ? {} : zodErrors(parsed.error);
      const d = parsed.success ? parsed.data : null;
      const kind = d ? RATE_KINDS[d.kind] : null;
      let key = '';
      if (d && kind) {
        key = (d.key ?? '').toUpperCase();
        if (kind.keys === 'region' && !(await db.selectFrom('regions').select('code').where('code', '=', key).executeTakeFirst())) errors.key = 'Choisissez la région';
        if (kind.keys === 'weight') {
          key = (d.key ?? '').toLowerCase();
          if (!(key in WEIGHT_CLASSES)) errors.key = 'Choisissez la classe de poids';
        }
        if (kind.keys === 'none') key = '';
        if (d.effective_from < today) errors.effective_from = 'Un taux ne s’applique pas au passé : choisissez aujourd’hui ou une date à venir';
      }
      let cents = NaN;
      if (d && kind) {
        const n = Number(d.amount.replace(/\s/g, '').replace(',', '.').replace(/[€%]$/, ''));
        cents = kind.unit === 'percent' ? n : Math.round(n * 100);
        if (!Number.isFinite(n) || n < 0 || (kind.unit === 'percent' && (!Number.isInteger(n) || n > 100)) || (kind.unit === 'euros' && n > 10_000))
          errors.amount = kind.unit === 'percent' ? 'Saisissez un pourcentage entier de 0 à 100' : 'Saisissez un montant en euros, par exemple 46,00';
      }
      if (!d || Object.keys(errors).length) return { ok: false, errors };
      const inserted = await db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('tax_rates')
          .values({ kind: d.kind, key, effective_from: d.effective_from, amount_cents: cents, verified: d.verified === 'oui', source: d.source, updated_by: agent.email, updated_at: new Date() })
          .onConflict((oc) => oc.columns(['kind', 'key', 'effective_from']).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) await audit(trx, { kind: 'agent', id: agent.id, ip }, 'tax_rate.scheduled', { kind: 'tax_rate', id: row.id }, { rate_kind: d.kind, key, effective_from: d.effective_from, amount: cents });
        return !!row;
      });
      return inserted ? { ok: true, value: null } : { ok: false, errors: { effective_from: 'Un taux existe déjà pour cette taxe à cette date' } };
    },
  };
}
export type TaxAdmin = ReturnType<typeof createTaxAdmin>;
