import { randomInt, timingSafeEqual } from 'node:crypto';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Agent } from '../../schema.ts';
import type { Attachments } from '../../platform/files/attachments.ts';
import type { Upload } from '../../platform/files/validation.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import type { FieldErrors, Outcome } from '../accounts/outcome.ts';
import { formatCents, refundProblem, STAMP_REFUND_MONTHS } from './model.ts';
import { ibanValid, maskIban, normalizeIban, parseEuros, REFUND_DECISIONS, REFUND_PIECES, type RefundChannel, type RefundDecision, type RefundPiece } from './refund-model.ts';
import type { StampService, StampThrottle } from './service.ts';
import { decideRefund, moveStamp } from './transitions.ts';

export const REFUND_OWNER_KIND = 'stamp_refund_request';
type Input = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined): string => (Array.isArray(v) ? (v[0] ?? '') : (v ?? '')).trim();
const sameText = (a: string, b: string): boolean => {
  const x = Buffer.from(a.toUpperCase());
  const y = Buffer.from(b.toUpperCase());
  return x.length === y.length && timingSafeEqual(x, y);
};

export class RefundForbiddenError extends Error {
  readonly statusCode = 403;
}

/**
 * Stamp refunds (refund-model.ts): asked by a user, checked by an operator. The stamp moves to
 * `refund_requested` with the request (it can no longer pay a procedure), then to `refunded`, or
 * back to `available` when the operator refuses. Each step is audited and the user told by email.
 */
export function createStampRefunds(deps: { db: Db; config: Pick<Config, 'publicUrl'>; stamps: StampService; attachments: Attachments }) {
  const { db, config, stamps, attachments } = deps;
  const link = (reference: string) => `${config.publicUrl}/timbres/remboursements/${reference}`;
  const newReference = () => `RT-${Array.from({ length: 8 }, () => 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'[randomInt(32)]).join('')}`;
  const requireOperator = (agent: Agent) => {
    if (agent.role !== 'operator') throw new RefundForbiddenError('Réservé aux opérateurs de l’agence');
  };

  return {
    /** Asks the refund of a stamp (FAQ's two cases). A replayed idempotency key returns the first request. */
    async request(
      account: { id: number },
      input: Input,
      uploads: Upload[],
      ctx: { throttle: StampThrottle; actor: Actor },
    ): Promise<Outcome<{ reference: string }>> {
      const key = one(input.idempotency_key);
      if (!/^[A-Za-z0-9_-]{16,64}$/.test(key)) return { ok: false, errors: { form: 'Le formulaire a expiré : rechargez la page' } };
      const replay = await db.selectFrom('stamp_refund_requests').select('reference').where('account_id', '=', account.id).where('idempotency_key', '=', key).executeTakeFirst();
      if (replay) return { ok: true, value: replay };

      const errors: FieldErrors = {};
      const channel = one(input.channel) as RefundChannel;
      if (channel !== 'online' && channel !== 'tobacconist') errors.channel = 'Indiquez où vous avez acheté le timbre';
      const ref = one(input.transaction_ref).replace(/\s/g, '');
      if (!ref) errors.transaction_ref = channel === 'tobacconist' ? 'Saisissez le numéro de transaction inscrit sur le ticket du buraliste' : 'Saisissez la référence de transaction reçue à l’achat';
      let amount: number | null = null;
      let iban = '';
      let holder = '';
      const files = new Map<RefundPiece, Upload>();
      if (channel === 'tobacconist') {
        amount = parseEuros(one(input.amount));
        if (amount === null) errors.amount = 'Saisissez le montant du timbre, par exemple 25,00';
        iban = normalizeIban(one(input.iban));
        if (!iban) errors.iban = 'Saisissez l’IBAN du compte à créditer, à votre nom';
        else if (!ibanValid(iban)) errors.iban = 'Cet IBAN n’est pas valide : vérifiez-le sur votre RIB (27 caractères pour un compte en France, commençant par FR76)';
        holder = one(input.account_holder).slice(0, 100);
        if (!holder) errors.account_holder = 'Saisissez le nom du titulaire du compte';
        const checked = await attachments.check(uploads.filter((u) => u.bytes.length > 0 && u.field in REFUND_PIECES));
        Object.assign(errors, checked.errors);
        for (const u of checked.accepted) files.set(u.field as RefundPiece, u);
        for (const piece of Object.keys(REFUND_PIECES) as RefundPiece[]) if (!files.has(piece) && !errors[piece]) errors[piece] = `Joignez : ${REFUND_PIECES[piece].charAt(0).toLowerCase()}${REFUND_PIECES[piece].slice(1)}`;
      }
      if (Object.keys(errors).length) return { ok: false, errors };

      // the number and its reference prove the purchase; wrong ones are throttled like any stamp check
      const found = await stamps.lookupForRefund(one(input.stamp_number), (s) => sameText(s.transaction_ref, ref), { throttle: ctx.throttle });
      if (!found.ok) return { ok: false, errors: { [found.field]: found.error } };
      const stamp = found.stamp;
      if (amount !== null && amount !== stamp.amount_cents) return { ok: false, errors: { amount: 'Ce montant ne correspond pas au timbre : saisissez le montant inscrit sur le ticket' } };
      const problem = refundProblem(stamp, new Date());
      if (problem) return { ok: false, errors: { stamp_number: problem } };

      return db.transaction().execute(async (trx): Promise<Outcome<{ reference: string }>> => {
        const reference = newReference();
        const moved = await moveStamp(trx, { id: stamp.id }, 'request_refund', ctx.actor, {
          guard: (eb) => eb('purchased_at', '>', sql<Date>`now() - make_interval(months => ${STAMP_REFUND_MONTHS})`),
          details: { reference, channel, last4: stamp.last4 },
        });
        if (!moved) {
          // a double click: the first click's request holds the stamp
          const first = await trx.selectFrom('stamp_refund_requests').select('reference').where('account_id', '=', account.id).where('idempotency_key', '=', key).executeTakeFirst();
          if (first) return { ok: true, value: first };
          return { ok: false, errors: { stamp_number: 'Ce timbre ne peut plus être remboursé : il vient d’être utilisé ou son remboursement vient d’être demandé' } };
        }
        const row = await trx
          .insertInto('stamp_refund_requests')
          .values({ reference, stamp_id: stamp.id, account_id: account.id, channel, iban: channel === 'tobacconist' ? iban : null, account_holder: channel === 'tobacconist' ? holder : null, idempotency_key: key })
          .returning(['id', 'reference'])
          .executeTakeFirstOrThrow();
        for (const [piece, u] of files) await attachments.store(trx, { kind: REFUND_OWNER_KIND, id: row.id }, { purpose: piece, filename: u.filename, mime: (u as Upload & { mime: string }).mime, bytes: u.bytes, accountId: account.id });
        const where = channel === 'online' ? 'sur la carte bancaire utilisée pour l’achat' : `par virement sur le compte ${maskIban(iban)}`;
        await notifyUser(trx, {
          accountId: account.id,
          subject: `Demande de remboursement d’un timbre fiscal enregistrée (${row.reference})`,
          text: `Votre demande de remboursement du timbre fiscal se terminant par ${stamp.last4} (${formatCents(stamp.amount_cents)}) est enregistrée sous la référence ${row.reference}. Elle est transmise au service compétent, qui fait les vérifications nécessaires. Si elle est acceptée, le montant sera remboursé ${where}. Le timbre ne peut plus être utilisé.`,
          link: link(row.reference),
          dedupeKey: `stamp-refund:${row.id}:requested`,
        });
        return { ok: true, value: { reference: row.reference } };
      });
    },

    /** One request of this account, with its stamp (null for anyone else's). */
    mine: (accountId: number, reference: string) =>
      db
        .selectFrom('stamp_refund_requests as r')
        .innerJoin('fiscal_stamps as s', 's.id', 'r.stamp_id')
        .select(['r.id', 'r.reference', 'r.channel', 'r.iban', 'r.status', 'r.decision_note', 'r.created_at', 'r.decided_at', 's.last4', 's.amount_cents'])
        .where('r.reference', '=', reference)
        .where('r.account_id', '=', accountId)
        .executeTakeFirst(),

    /** The operators' queue: requests waiting for a decision, oldest first. */
    async pending(agent: Agent) {
      requireOperator(agent);
      return db
        .selectFrom('stamp_refund_requests as r')
        .innerJoin('fiscal_stamps as s', 's.id', 'r.stamp_id')
        .innerJoin('accounts as a', 'a.id', 'r.account_id')
        .select(['r.id', 'r.reference', 'r.channel', 'r.created_at', 's.last4', 's.amount_cents', 's.purchased_at', 'a.email'])
        .where('r.status', '=', 'pending')
        .orderBy('r.created_at')
        .orderBy('r.id')
        .limit(100)
        .execute();
    },

    /** One request for an operator, with its pieces. */
    async forOperator(agent: Agent, id: number) {
      requireOperator(agent);
      const r = await db
        .selectFrom('stamp_refund_requests as r')
        .innerJoin('fiscal_stamps as s', 's.id', 'r.stamp_id')
        .innerJoin('accounts as a', 'a.id', 'r.account_id')
        .select(['r.id', 'r.reference', 'r.channel', 'r.iban', 'r.account_holder', 'r.status', 'r.decision_note', 'r.created_at', 'r.decided_at', 's.last4', 's.amount_cents', 's.purchased_at', 's.status as stamp_status', 'a.email', 'a.family_name', 'a.given_name', 'a.organisation_name', 'a.profile'])
        .where('r.id', '=', id)
        .executeTakeFirst();
      if (!r) return null;
      return { request: r, pieces: await attachments.list({ kind: REFUND_OWNER_KIND, id }) };
    },

    async piece(agent: Agent, id: number, attachmentId: number) {
      requireOperator(agent);
      return attachments.find({ kind: REFUND_OWNER_KIND, id }, attachmentId);
    },

    /** The operator's decision, once: of two concurrent decisions, one wins. */
    async decide(agent: Agent, id: number, decision: RefundDecision, note: string, ip: string | null): Promise<Outcome<null>> {
      requireOperator(agent);
      const def = REFUND_DECISIONS[decision];
      const text = note.trim().slice(0, 1000);
      if (def.note && !text) return { ok: false, errors: { note: 'Indiquez le motif du refus : il est envoyé à l’usager' } };
      return db.transaction().execute(async (trx): Promise<Outcome<null>> => {
        const decided = await decideRefund(trx, id, decision, agent, { note: def.note ? text : null, ip });
        if (!decided) return { ok: false, errors: { form: 'Cette demande est déjà décidée.' } };
        const { request: r, stamp } = decided;
        const where = r.channel === 'online' ? 'sur la carte bancaire utilisée pour l’achat' : `par virement sur le compte ${maskIban(r.iban!)}`;
        await notifyUser(trx, {
          accountId: r.account_id,
          subject: decision === 'refund' ? `Votre timbre fiscal est remboursé (${r.reference})` : `Votre demande de remboursement de timbre est refusée (${r.reference})`,
          text:
            decision === 'refund'
              ? `Le timbre fiscal se terminant par ${stamp.last4} (${formatCents(stamp.amount_cents)}) est remboursé ${where}.`
              : `Votre demande de remboursement du timbre se terminant par ${stamp.last4} est refusée. Le motif est indiqué sur la page de la demande. Le timbre peut de nouveau être utilisé pour une démarche.`,
          link: link(r.reference),
          dedupeKey: `stamp-refund:${r.id}:${def.to}`,
        });
        return { ok: true, value: null };
      });
    },
  };
}
export type StampRefunds = ReturnType<typeof createStampRefunds>;
