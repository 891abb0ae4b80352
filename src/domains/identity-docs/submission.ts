import { formatDate } from '../../platform/format-date.ts';
import type { Actor } from '../../platform/audit.ts';
import { parisDay } from '../../platform/time.ts';
import type { StampThrottle } from '../stamps/service.ts';
import { addMonths, formatCents } from '../stamps/model.ts';
import type { Input, Outcome, PreApplicationDeps } from './deps.ts';
import { ageOn, DOCUMENT_LABELS, feeFor, groupNumber, isGuyane, newPreApplicationNumber, VALIDITY_MONTHS, type Fee } from './model.ts';
import { firstIncompleteStep } from './steps-progress.ts';
import type { PreApplication } from './tables.ts';
import { applyPreApplicationTransition } from './transitions.ts';

/** The fee, once the document, the reason (and for a passport the birth date) are known. */
export function feeOf(p: PreApplication, today = parisDay(new Date())): Fee | null {
  const d = p.data;
  if (!d.reason) return null;
  const age = d.birthDate ? ageOn(d.birthDate, today) : null;
  if (p.document === 'passport' && age === null) return null;
  return feeFor(p.document, d.reason, age, isGuyane(d.postcode));
}

class StampRefused extends Error {}
class AlreadySubmitted extends Error {}

/**
 * Submits the draft: the stamp (when one is due) is checked and consumed in the same
 * transaction that gives the number; a double click finds the draft already submitted.
 */
export async function submitPreApplication(deps: Pick<PreApplicationDeps, 'db' | 'config' | 'stamps'>, p: PreApplication, input: Input, actor: Actor, throttle: StampThrottle): Promise<Outcome<{ number: string }>> {
  const { db, stamps } = deps;
  if (p.status !== 'draft') return p.number ? { ok: true, value: { number: p.number } } : { ok: false, errors: { form: 'Cette pré-demande est déjà validée.' } };
  if (firstIncompleteStep(p) !== 'summary') return { ok: false, errors: { form: 'La pré-demande n’est pas complète : reprenez les étapes précédentes.' } };
  const due = feeOf(p)!;
  const errors: Record<string, string> = {};
  const stampNumber = input.stamp ?? '';
  if (due.cents > 0) {
    const checked = await stamps.check(stampNumber, due.cents, { throttle });
    if (!checked.ok) errors.stamp = checked.error;
  }
  if (input.certify !== 'oui') errors.certify = 'Cochez la case pour certifier l’exactitude des informations';
  if (Object.keys(errors).length) return { ok: false, errors };

  const number = newPreApplicationNumber();
  const now = new Date();
  const expiresAt = addMonths(now, VALIDITY_MONTHS);
  const label = DOCUMENT_LABELS[p.document].toLowerCase();
  try {
    const moved = await db.transaction().execute(async (trx) => {
      let stamp: { id: number | null; last4: string | null } = { id: null, last4: null };
      if (due.cents > 0) {
        const used = await stamps.consume(trx, stampNumber, { amountCents: due.cents, usage: `Pré-demande ${number} (${label})` });
        if (!used.ok) throw new StampRefused(used.error);
        stamp = { id: used.stampId ?? null, last4: used.last4 ?? null };
      }
      const result = await applyPreApplicationTransition(
        trx,
        deps.config,
        p,
        {
          to: 'submitted',
          by: 'user',
          actor,
          set: { number, submitted_at: now, expires_at: expiresAt, fee_cents: due.cents, stamp_id: stamp.id, stamp_last4: stamp.last4 },
        },
        {
          subject: `Votre pré-demande de ${label} est enregistrée`,
          text: `Votre pré-demande de ${label} porte le numéro ${groupNumber(number)}. Elle est valable jusqu’au ${formatDate(expiresAt)}.\n\nPrenez rendez-vous dans une mairie équipée d’un dispositif de recueil et présentez-y ce numéro ou le QR code du récapitulatif, avec les pièces justificatives.${due.cents > 0 ? `\n\nTimbre fiscal de ${formatCents(due.cents)} enregistré.` : ''}`,
        },
      );
      if (!result.ok) throw new AlreadySubmitted();
      return true;
    });
    return moved ? { ok: true, value: { number } } : { ok: false, errors: { form: 'Cette pré-demande est déjà validée.' } };
  } catch (error) {
    if (error instanceof StampRefused) return { ok: false, errors: { stamp: error.message } };
    if (error instanceof AlreadySubmitted) {
      const now = await db.selectFrom('pre_applications').select('number').where('id', '=', p.id).executeTakeFirst();
      return now?.number ? { ok: true, value: { number: now.number } } : { ok: false, errors: { form: 'Cette pré-demande est déjà validée.' } };
    }
    throw error;
  }
}
