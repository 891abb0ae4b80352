import type { Actor } from '../../../platform/audit.ts';
import type { Db } from '../../../platform/db/database.ts';
import type { Account } from '../../../schema.ts';
import { formatDateTime } from '../../../platform/format-date.ts';
import { addressKey, limit, throttle, type Attempt, type ThrottlePolicy } from '../../accounts/throttle.ts';

/**
 * Guessing costs the guesser (issue 14). Wrong confidential codes, wrong identity answers ("Demander
 * un nouveau code") and wrong codes de cession or certificate references are counted per
 * requesting account and per address, across all vehicles, in the shared throttle
 * (accounts/throttle.ts): each attempt is recorded before the secret is checked, and a right
 * answer gives its attempt back, in the same transaction (`guess`). Nothing here locks a vehicle: the per-vehicle cap
 * (VEHICLE_GUESS_CAP) is only a last line against guesses spread over many accounts and addresses.
 *
 * This is the only module of the vehicles domain that talks to the throttle.
 */

/** 5 wrong answers from one account, then 1, 2, 4… minutes between tries, at most an hour. */
export const GUESS_ACCOUNT_POLICY: ThrottlePolicy = { free: 5, maxLockMinutes: 60, onSuccess: 'refund' };
/** An address is shared (a garage, a town hall, a mobile network): a higher allowance. */
export const GUESS_ADDRESS_POLICY: ThrottlePolicy = { free: 30, maxLockMinutes: 60, onSuccess: 'refund' };

/** Wrong confidential codes on one vehicle, from anyone, before code entry is suspended for others than the holder's own account. */
export const VEHICLE_GUESS_CAP = 20;
export const VEHICLE_SUSPENSION_HOURS = 24;
/** At most one letter per vehicle per month, whatever asks for it. */
export const LETTER_INTERVAL_DAYS = 30;

export type GuessKind = 'confidential_code' | 'identity' | 'cession_code';

/** One answer, once settled: refused unchecked (`admitted` false, a wait until `lockedUntil`), or checked. */
export type Guess = { admitted: false; lockedUntil: Date } | { admitted: true; right: boolean; lockedUntil: Date | null };

/**
 * One answer of this account, from start to end in one transaction: the attempt is recorded on the
 * account's (and the address's) throttle rows, `isRight` checks the answer, then a right answer
 * gives the attempt back and a wrong one keeps it, before the commit. The throttle rows stay locked
 * until then, so the answers of one account are settled one after the other: a garage typing many
 * right codes at the same moment never sees the attempts of its other right codes as if they were
 * wrong (reserved, not yet given back), while a burst of wrong answers still gets exactly the free
 * ones and one more checked. `isRight` runs inside the transaction: it reads through `trx` only.
 * `lockedUntil` of a wrong answer: the wait it leaves, or null.
 */
export async function guess(db: Db, account: Account, actor: Actor, opts: { own?: boolean }, isRight: (trx: Db) => boolean | Promise<boolean>): Promise<Guess> {
  return db.transaction().execute(async (trx) => {
    const attempt = await startGuess(trx, account, actor, opts);
    if (!attempt.admitted) return { admitted: false, lockedUntil: attempt.lockedUntil! };
    const right = await isRight(trx);
    if (right) await attempt.succeeded(trx);
    else await attempt.failed(trx);
    return { admitted: true, right, lockedUntil: attempt.lockedUntil };
  });
}

/**
 * Records one attempt of this account, then of its address; check `admitted` before looking at the
 * answer. The address is counted only for attempts the account's own limit let through (an account
 * hammering while locked does not use up a shared address), and not at all for the holder's own
 * account on its own vehicle (`own`): a holder typing their right code is never blocked by the
 * errors of others behind the same address.
 */
async function startGuess(db: Db, account: Account, actor: Actor, opts: { own?: boolean } = {}): Promise<Attempt> {
  const mine = await throttle(db, [limit(`vehicle-guess:account:${account.id}`, GUESS_ACCOUNT_POLICY)]);
  if (!mine.admitted || opts.own) return mine;
  const shared = await throttle(db, [limit(`vehicle-guess:ip:${addressKey(actor.ip ?? 'unknown')}`, GUESS_ADDRESS_POLICY)]);
  if (!shared.admitted) {
    await mine.succeeded(db); // not tried: the account gets this attempt back
    return shared;
  }
  const until = [mine.lockedUntil, shared.lockedUntil].filter((d): d is Date => !!d).sort((a, b) => b.getTime() - a.getTime())[0] ?? null;
  return {
    admitted: true,
    lockedUntil: until,
    async succeeded(trx) {
      await mine.succeeded(trx);
      await shared.succeeded(trx);
    },
    async failed(trx) {
      return [...(await mine.failed(trx)), ...(await shared.failed(trx))];
    },
  };
}

/**
 * How many more answers this account may try before a wait (the lowest of its own allowance and
 * its address's). Each key admits `free` failures, then one more that leaves a lock if it is wrong.
 */
export async function guessesLeft(db: Db, account: Account, actor: Actor, opts: { own?: boolean } = {}): Promise<number> {
  const keys = [{ key: `vehicle-guess:account:${account.id}`, free: GUESS_ACCOUNT_POLICY.free! }];
  if (!opts.own) keys.push({ key: `vehicle-guess:ip:${addressKey(actor.ip ?? 'unknown')}`, free: GUESS_ADDRESS_POLICY.free! });
  const rows = await db.selectFrom('sign_in_throttle').select(['key', 'failures']).where('key', 'in', keys.map((k) => k.key)).execute();
  const failures = new Map(rows.map((r) => [r.key, r.failures]));
  return Math.max(0, Math.min(...keys.map((k) => k.free + 1 - (failures.get(k.key) ?? 0))));
}

/** The French sentence for a wrong confidential code: how many tries are left, or until when to wait. */
export function wrongCodeMessage(next: { left: number } | { until: Date }): string {
  if ('until' in next) return `Le code confidentiel est incorrect. Trop de codes erronés ont été saisis : vous pourrez réessayer après le ${formatDateTime(next.until)}.`;
  const tries = next.left === 1 ? 'Il vous reste 1 essai' : `Il vous reste ${next.left} essais`;
  return `Le code confidentiel est incorrect. ${tries} avant de devoir attendre pour réessayer. Vérifiez le code sur votre courrier, ou demandez un nouveau code.`;
}

export function guessLockMessage(kind: GuessKind, until: Date): string {
  const what = kind === 'identity' ? 'Trop de réponses erronées ont été saisies' : 'Trop de codes erronés ont été saisis';
  return `${what} depuis votre compte ou votre connexion : par sécurité, réessayez après le ${formatDateTime(until)}.`;
}
