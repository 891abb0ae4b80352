import type { Actor } from '../../platform/audit.ts';
import type { Account } from '../../schema.ts';
import type { StampThrottle } from '../stamps/service.ts';
import { retrievalUrl, type Input, type PreApplicationDeps } from './deps.ts';
import { listPreApplications, loadPreApplication, saveStep, startPreApplication } from './drafts.ts';
import type { PreApplicationStep } from './model.ts';
import { enqueueDailyReminders, remindExpiring } from './reminders.ts';
import { feeOf, submitPreApplication } from './submission.ts';
import type { PreApplication } from './tables.ts';
import { retrieve, take } from './town-hall.ts';

export { PRE_APPLICATION_REMINDERS_JOB } from './reminders.ts';
export { TOWN_HALL_LOOKUP_POLICY } from './town-hall.ts';

/**
 * Pre-applications for an identity card or a passport: drafted in steps by a signed-in user,
 * submitted with the stamp consumed, then taken by one town hall at the appointment. Each use
 * case is a function of its own module taking only what it needs; this factory binds them.
 */
export function createPreApplicationService(deps: PreApplicationDeps) {
  return {
    fee: feeOf,
    retrievalUrl: (number: string) => retrievalUrl(deps.config, number),
    enqueueDailyReminders: (now?: Date) => enqueueDailyReminders(deps, now),
    remindExpiring: (now?: Date) => remindExpiring(deps, now),
    list: (accountId: number) => listPreApplications(deps, accountId),
    load: (accountId: number, id: number) => loadPreApplication(deps, accountId, id),
    start: (account: Account, idempotencyKey: string, actor: Actor) => startPreApplication(deps, account, idempotencyKey, actor),
    saveStep: (p: PreApplication, step: Exclude<PreApplicationStep, 'summary'>, input: Input) => saveStep(deps, p, step, input),
    submit: (p: PreApplication, input: Input, actor: Actor, throttle: StampThrottle) => submitPreApplication(deps, p, input, actor, throttle),
    retrieve: (townHall: Account, rawNumber: string, actor: Actor) => retrieve(deps, townHall, rawNumber, actor),
    take: (townHall: Account, rawNumber: string, input: Input, actor: Actor) => take(deps, townHall, rawNumber, input, actor),
  };
}
export type PreApplicationService = ReturnType<typeof createPreApplicationService>;
