import { audit, type Actor } from '../../platform/audit.ts';
import type { Account } from '../../schema.ts';
import { addressKey, limit, throttle, type ThrottlePolicy } from '../accounts/throttle.ts';
import type { Input, PreApplicationDeps } from './deps.ts';
import { APPLICATION_NUMBER, DOCUMENT_LABELS, groupNumber, parsePreApplicationNumber } from './model.ts';
import type { PreApplication } from './tables.ts';
import { applyPreApplicationTransition } from './transitions.ts';

/** Numbers a town hall (or an IP) may look up in vain before a growing lock. */
export const TOWN_HALL_LOOKUP_POLICY: ThrottlePolicy = { free: 10, maxLockMinutes: 60, onSuccess: 'refund' };

/** What a town hall gets when it looks up a number: the data only when it may see them. */
export type Retrieval =
  | { kind: 'malformed'; error: string }
  | { kind: 'locked'; error: string }
  | { kind: 'unknown'; number: string }
  | { kind: 'expired'; number: string; expiredAt: Date }
  | { kind: 'taken_elsewhere'; number: string; takenAt: Date }
  | { kind: 'open'; p: PreApplication }
  | { kind: 'taken_here'; p: PreApplication };

export const townHallName = (a: Pick<Account, 'organisation_name' | 'commune' | 'email'>): string =>
  a.organisation_name ? `${a.organisation_name}${a.commune ? ` — ${a.commune}` : ''}` : (a.commune ?? a.email);

/** Is a submitted pre-application past its validity? */
export const isExpired = (p: Pick<PreApplication, 'status' | 'expires_at'>, now = new Date()): boolean =>
  p.status === 'submitted' && !!p.expires_at && p.expires_at <= now;

const byNumber = (deps: Pick<PreApplicationDeps, 'db'>, number: string) => deps.db.selectFrom('pre_applications').selectAll().where('number', '=', number).executeTakeFirst();

/**
 * A town hall looks a number up (typed, or from the QR code). Every look-up is audited; unknown
 * numbers are rate-limited per town hall and IP; the data are shown only while the
 * pre-application is open, or to the town hall that took it.
 */
export async function retrieve(deps: Pick<PreApplicationDeps, 'db'>, townHall: Account, rawNumber: string, actor: Actor): Promise<Retrieval> {
  const { db } = deps;
  const parsed = parsePreApplicationNumber(rawNumber);
  if (!parsed.ok) {
    await audit(db, actor, 'pre_application.lookup', null, { result: 'malformed' });
    return { kind: 'malformed', error: parsed.error };
  }
  // Counted before the look-up, given back when the number exists (see accounts/throttle.ts).
  const attempt = await throttle(db, [limit(`pre-application:town-hall:${townHall.id}`, TOWN_HALL_LOOKUP_POLICY), limit(`pre-application:ip:${addressKey(actor.ip ?? '')}`, TOWN_HALL_LOOKUP_POLICY)]);
  const until = attempt.lockedUntil;
  if (!attempt.admitted && until) {
    await audit(db, actor, 'pre_application.lookup', null, { result: 'locked' });
    const minutes = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));
    return { kind: 'locked', error: `Trop de numéros inconnus ont été saisis : réessayez dans ${minutes} minute${minutes > 1 ? 's' : ''}.` };
  }
  const number = parsed.number;
  const p = await byNumber(deps, number);
  if (!p) {
    await audit(db, actor, 'pre_application.lookup', null, { result: 'unknown' });
    return { kind: 'unknown', number };
  }
  await attempt.succeeded(db);
  let result: Retrieval;
  if (p.status === 'taken') result = p.town_hall_account_id === townHall.id ? { kind: 'taken_here', p } : { kind: 'taken_elsewhere', number, takenAt: p.taken_at! };
  else if (isExpired(p)) result = { kind: 'expired', number, expiredAt: p.expires_at! };
  else result = { kind: 'open', p };
  await audit(db, actor, 'pre_application.lookup', { kind: 'pre_application', id: p.id }, { number, result: result.kind });
  return result;
}

/**
 * The town hall records the appointment: application taken, with its application number. A
 * number is taken by one town hall only (conditional update); the loser is told the state.
 */
export async function take(
  deps: Pick<PreApplicationDeps, 'db' | 'config'>,
  townHall: Account,
  rawNumber: string,
  input: Input,
  actor: Actor,
): Promise<{ ok: true; p: PreApplication } | { ok: false; errors: Record<string, string> } | { ok: false; retrieval: Retrieval }> {
  const parsed = parsePreApplicationNumber(rawNumber);
  if (!parsed.ok) return { ok: false, retrieval: { kind: 'malformed', error: parsed.error } };
  const p = await byNumber(deps, parsed.number);
  if (!p || p.status !== 'submitted' || isExpired(p)) return { ok: false, retrieval: await retrieve(deps, townHall, parsed.number, actor) };
  const applicationNumber = (input.applicationNumber ?? '').trim().toUpperCase();
  if (!applicationNumber) return { ok: false, errors: { applicationNumber: 'Saisissez le numéro de la demande enregistrée lors du rendez-vous' } };
  if (!APPLICATION_NUMBER.test(applicationNumber)) return { ok: false, errors: { applicationNumber: 'Le numéro de demande comporte de 5 à 20 caractères : lettres, chiffres et traits d’union' } };
  const name = townHallName(townHall);
  const label = DOCUMENT_LABELS[p.document].toLowerCase();
  const moved = await deps.db.transaction().execute((trx) =>
    applyPreApplicationTransition(
      trx,
      deps.config,
      p,
      { to: 'taken', by: 'town_hall', actor, guard: 'not_expired', set: { town_hall_account_id: townHall.id, town_hall_name: name, taken_at: new Date(), application_number: applicationNumber } },
      {
        subject: `Votre demande de ${label} est déposée en mairie`,
        text: `La ${name} a enregistré votre demande de ${label} (pré-demande ${groupNumber(p.number!)}). Numéro de la demande : ${applicationNumber}.\n\nVous serez prévenu quand le titre sera prêt à être retiré dans cette mairie.`,
      },
    ),
  );
  if (!moved.ok) return { ok: false, retrieval: await retrieve(deps, townHall, parsed.number, actor) };
  return { ok: true, p: (await byNumber(deps, parsed.number))! };
}
