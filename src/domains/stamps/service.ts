import { createHmac, randomInt } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, SYSTEM, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { addressKey, limit, throttle, type ThrottlePolicy } from '../accounts/throttle.ts';
import { addMonths, luhnDigit, parseStampNumber, STAMP_DIGITS, STAMP_VALIDITY_MONTHS, stampProblem } from './model.ts';
import type { FiscalStampsTable } from './tables.ts';
import { moveStamp } from './transitions.ts';

export type StampResult = { ok: true } | { ok: false; error: string };

/** Unknown stamp numbers tried from one session (or one IP) before a growing lock. */
export const STAMP_SESSION_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'refund' };
export const STAMP_IP_POLICY: ThrottlePolicy = { free: 20, maxLockMinutes: 60, onSuccess: 'refund' };

/** Where the attempts come from: the keys of the shared throttle table (accounts/throttle.ts). */
export interface StampThrottle {
  sessionIdHash: string;
  ip: string;
}
const throttleKeys = (t: StampThrottle) => [limit(`stamp:session:${t.sessionIdHash}`, STAMP_SESSION_POLICY), limit(`stamp:ip:${addressKey(t.ip)}`, STAMP_IP_POLICY)];

/** The purchase's reference printed with the stamp (12 characters, no look-alike letters). */
const REF_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const newTransactionRef = (): string => Array.from({ length: 12 }, () => REF_ALPHABET[randomInt(REF_ALPHABET.length)]).join('');

const UNKNOWN = 'Ce numéro ne correspond à aucun timbre fiscal électronique : vérifiez-le sur le justificatif d’achat';

/**
 * The fiscal stamp service: sells stamps in the embedded demo shop, checks a number against the
 * amount due, consumes a stamp once (a conditional update: of two concurrent procedures, one wins)
 * and finds one whose refund is asked (refund-service.ts). Numbers are stored as an HMAC plus their last 4 digits.
 */
export function createStampService(deps: { db: Db; config: Pick<Config, 'sessionSecret'> }) {
  const { db } = deps;
  // A key of its own, derived from the session secret: a leaked table cannot be brute-forced offline.
  const key = createHmac('sha256', deps.config.sessionSecret).update('fiscal-stamp-number-v1').digest();
  const hashNumber = (digits: string) => createHmac('sha256', key).update(digits).digest('hex');

  async function findByDigits(trx: Db, digits: string) {
    return trx.selectFrom('fiscal_stamps').selectAll().where('number_hash', '=', hashNumber(digits)).executeTakeFirst();
  }

  function lockMessage(until: Date): string {
    const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    return `Trop de numéros de timbre inconnus ont été saisis : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}`;
  }

  return {
    /** Buys a stamp (demo shop: no real payment). A replayed idempotency key returns the same stamp id, without its number. */
    async buy(trx: Db, input: { amountCents: number; accountId: number; idempotencyKey?: string; actor?: Actor }): Promise<{ number: string; id: number }> {
      if (!Number.isInteger(input.amountCents) || input.amountCents <= 0) throw new Error('invalid stamp amount');
      for (let attempt = 0; ; attempt++) {
        let partial = '';
        for (let i = 0; i < STAMP_DIGITS - 1; i++) partial += String(randomInt(10));
        const digits = partial + luhnDigit(partial);
        const row = await trx
          .insertInto('fiscal_stamps')
          .values({ number_hash: hashNumber(digits), last4: digits.slice(-4), amount_cents: input.amountCents, account_id: input.accountId, idempotency_key: input.idempotencyKey ?? null, transaction_ref: newTransactionRef() })
          .onConflict((oc) => oc.doNothing())
          .returning('id')
          .executeTakeFirst();
        if (row) {
          await audit(trx, input.actor ?? { kind: 'user', id: input.accountId, ip: null }, 'stamp.bought', { kind: 'fiscal_stamp', id: row.id }, { amount_cents: input.amountCents, last4: digits.slice(-4) });
          return { number: digits, id: row.id };
        }
        if (input.idempotencyKey) {
          const existing = await trx.selectFrom('fiscal_stamps').select('id').where('idempotency_key', '=', input.idempotencyKey).executeTakeFirst();
          if (existing) return { number: '', id: existing.id };
        }
        if (attempt > 5) throw new Error('could not draw a free stamp number');
      }
    },

    /**
     * The stamp of a typed number, for a refund: `accept` checks what proves the person bought it
     * (its transaction reference). Throttled like `check` on the session and the address: an unknown
     * number or a wrong reference counts as a failure, given back only when both match.
     */
    async lookupForRefund(number: string, accept: (stamp: Selectable<FiscalStampsTable>) => boolean, opts: { throttle: StampThrottle }): Promise<{ ok: true; stamp: Selectable<FiscalStampsTable> } | { ok: false; error: string; field: 'stamp_number' | 'transaction_ref' }> {
      const parsed = parseStampNumber(number);
      if (!parsed.ok) return { ...parsed, field: 'stamp_number' };
      const attempt = await throttle(db, throttleKeys(opts.throttle));
      if (!attempt.admitted) return { ok: false, error: lockMessage(attempt.lockedUntil!), field: 'stamp_number' };
      const stamp = await db.selectFrom('fiscal_stamps').selectAll().where('number_hash', '=', hashNumber(parsed.digits)).executeTakeFirst();
      if (!stamp) return { ok: false, error: UNKNOWN, field: 'stamp_number' };
      if (!accept(stamp)) return { ok: false, error: 'Cette référence de transaction ne correspond pas à ce timbre : vérifiez-la sur le justificatif d’achat', field: 'transaction_ref' };
      await attempt.succeeded(db);
      return { ok: true, stamp };
    },

    /** The stamp bought with this idempotency key, if any (a double click on "Acheter"). */
    async findByIdempotencyKey(idempotencyKey: string) {
      return db.selectFrom('fiscal_stamps').select(['id', 'account_id']).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
    },

    /**
     * Can this number pay `amountCents` now? French message if not. With `throttle`, unknown
     * numbers count as failures for the session and the IP, and a locked key refuses every check.
     */
    async check(number: string, amountCents: number, opts: { throttle?: StampThrottle } = {}): Promise<StampResult> {
      const parsed = parseStampNumber(number);
      if (!parsed.ok) return parsed;
      // Counted before the look-up, given back when the number exists (see accounts/throttle.ts).
      const attempt = opts.throttle ? await throttle(db, throttleKeys(opts.throttle)) : null;
      if (attempt && !attempt.admitted) return { ok: false, error: lockMessage(attempt.lockedUntil!) };
      const stamp = await findByDigits(db, parsed.digits);
      if (!stamp) return { ok: false, error: UNKNOWN };
      await attempt?.succeeded(db);
      const problem = stampProblem(stamp, amountCents, new Date());
      return problem ? { ok: false, error: problem } : { ok: true };
    },

    /** Uses the stamp for a procedure, once: of two concurrent calls, exactly one succeeds. */
    async consume(trx: Db, number: string, input: { amountCents: number; usage: string }): Promise<StampResult & { stampId?: number; last4?: string }> {
      const parsed = parseStampNumber(number);
      if (!parsed.ok) return parsed;
      const used = await moveStamp(trx, { numberHash: hashNumber(parsed.digits) }, 'consume', SYSTEM, {
        set: { used_at: new Date(), usage: input.usage },
        guard: (eb) => eb.and([eb('amount_cents', '>=', input.amountCents), eb('purchased_at', '>', addMonths(new Date(), -STAMP_VALIDITY_MONTHS))]),
        details: { usage: input.usage, last4: parsed.digits.slice(-4) },
      });
      if (!used) {
        const stamp = await findByDigits(trx, parsed.digits);
        return { ok: false, error: stamp ? (stampProblem(stamp, input.amountCents, new Date()) ?? 'Ce timbre vient d’être utilisé pour une autre démarche') : UNKNOWN };
      }
      return { ok: true, stampId: used.id, last4: used.last4 };
    },

    /** The stamps this account bought, newest first. */
    async listOwned(accountId: number) {
      return db.selectFrom('fiscal_stamps').select(['id', 'last4', 'amount_cents', 'status', 'purchased_at', 'used_at', 'usage', 'refunded_at', 'transaction_ref']).where('account_id', '=', accountId).orderBy('purchased_at', 'desc').orderBy('id', 'desc').execute();
    },

    async findOwned(stampId: number, accountId: number) {
      return db.selectFrom('fiscal_stamps').select(['id', 'last4', 'amount_cents', 'status', 'purchased_at', 'used_at', 'usage', 'refunded_at', 'transaction_ref']).where('id', '=', stampId).where('account_id', '=', accountId).executeTakeFirst();
    },
  };
}
export type StampService = ReturnType<typeof createStampService>;
