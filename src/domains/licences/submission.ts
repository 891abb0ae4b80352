import { sql } from 'kysely';
import type { Actor } from '../../platform/audit.ts';
import type { FieldErrors, Outcome } from '../accounts/service.ts';
import type { StampThrottle } from '../stamps/service.ts';
import { one, type Input, type LicencesDeps } from './deps.ts';
import { canFire, normalizeStamp, STAMP_NUMBER, type Transition } from './model.ts';
import { feeOf, progress } from './request-data.ts';
import type { LicenceRequest } from './tables.ts';
import { applyLicenceTransition } from './transitions.ts';

/**
 * Sends the draft (or the completed request): every step complete, the terms accepted, the
 * timbre (when due) checked then consumed in the same transaction as the status change.
 */
export async function submitRequest(deps: Pick<LicencesDeps, 'db' | 'config' | 'stamps'>, r: LicenceRequest, input: Input, actor: Actor, throttle: StampThrottle): Promise<Outcome<null>> {
  const { db, config, stamps } = deps;
  const t: Transition = r.status === 'to_complete' ? 'resubmit' : 'submit';
  if (!canFire(t, r.status)) return { ok: false, errors: { form: 'Cette demande est déjà envoyée.' } };
  const { next } = progress(r);
  if (next !== 'summary') return { ok: false, errors: { form: 'La demande n’est pas complète : terminez chaque étape avant de l’envoyer.' } };
  const errors: FieldErrors = {};
  const fee = t === 'submit' ? feeOf(r) : 0;
  const number = normalizeStamp(one(input.stamp_number));
  if (fee) {
    if (!number) errors.stamp_number = 'Saisissez le numéro du timbre fiscal électronique (16 chiffres)';
    else if (!STAMP_NUMBER.test(number)) errors.stamp_number = 'Le numéro du timbre fiscal comporte 16 chiffres, par exemple 1234 5678 9012 3456';
    else {
      const checked = await stamps.check(number, fee, { throttle });
      if (!checked.ok) errors.stamp_number = checked.error;
    }
  }
  if (one(input.clu) !== 'oui') errors.clu = 'Cochez la case pour certifier exactes les informations de la demande';
  if (Object.keys(errors).length) return { ok: false, errors };
  const result = await db
    .transaction()
    .execute(async (trx): Promise<FieldErrors | null> => {
      // the request's row first: every row lock is taken before the audit chain's lock (the stamp service audits its consumption)
      await sql`select id from licence_requests where id = ${r.id} for update`.execute(trx);
      let last4: string | null = null;
      if (fee) {
        const used = await stamps.consume(trx, number, { amountCents: fee, usage: `Permis de conduire ${r.file_number}` });
        if (!used.ok) return { stamp_number: used.error };
        last4 = used.last4 ?? number.slice(-4);
      }
      const set = t === 'submit' ? { submitted_at: new Date(), fee_cents: fee, stamp_last4: last4, step: 'summary' as const } : {};
      if (!(await applyLicenceTransition(trx, config, r, t, actor, { set })).ok) throw new Error('moved');
      return null;
    })
    .catch((e: unknown) => {
      if (e instanceof Error && e.message === 'moved') return { form: 'Cette demande est déjà envoyée.' } as FieldErrors;
      throw e;
    });
  return result ? { ok: false, errors: result } : { ok: true, value: null };
}
