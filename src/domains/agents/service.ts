import { bindUseCases } from '../../platform/use-cases.ts';
import { account, createTownHall, deleteAccount, reactivateAccount, searchAccounts, suspendAccount } from './accounts-administration.ts';
import type { AgentsDeps } from './deps.ts';
import { decideHabilitation, habilitation, listHabilitations, requestHabilitation } from './habilitations.ts';
import { cancelNotice, listNotices, notice, scheduleNotice } from './notices.ts';
import { enrolment, findAgent, secondFactorState, signIn, verifySecondFactor } from './sign-in.ts';

export { ForbiddenError } from './access.ts';
export type { SecondFactorOutcome } from './sign-in.ts';
export type { FieldErrors } from '../accounts/outcome.ts';

/** Back-office use cases for agents: their sign-in, SIV habilitations, maintenance notices, accounts administration. */
export function createAgentsService(deps: AgentsDeps) {
  const bind = bindUseCases(deps);
  return {
    findAgent: bind(findAgent),
    signIn: bind(signIn),
    secondFactorState: bind(secondFactorState),
    enrolment: bind(enrolment),
    verifySecondFactor: bind(verifySecondFactor),
    listNotices: bind(listNotices),
    notice: bind(notice),
    scheduleNotice: bind(scheduleNotice),
    cancelNotice: bind(cancelNotice),
    requestHabilitation: bind(requestHabilitation),
    listHabilitations: bind(listHabilitations),
    habilitation: bind(habilitation),
    decideHabilitation: bind(decideHabilitation),
    searchAccounts: bind(searchAccounts),
    account: bind(account),
    suspendAccount: bind(suspendAccount),
    reactivateAccount: bind(reactivateAccount),
    deleteAccount: bind(deleteAccount),
    createTownHall: bind(createTownHall),
  };
}
export type AgentsService = ReturnType<typeof createAgentsService>;
