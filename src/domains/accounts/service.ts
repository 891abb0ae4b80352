import { bindUseCases } from '../../platform/use-cases.ts';
import { changePassword } from './change-password.ts';
import { deleteOwnAccount } from './delete-own-account.ts';
import type { AccountsDeps } from './deps.ts';
import { createFromFranceConnect, linkWithPassword, linkWithToken, sendLinkEmail, signInWithFranceConnect } from './franceconnect.ts';
import { checkPasswordToken, needsTerms, requestPasswordReset, setPassword } from './password-reset.ts';
import * as repo from './repository.ts';
import { signIn } from './sign-in.ts';
import { activate, resendActivation, signUp } from './sign-up.ts';

export { zodErrors, type FieldErrors, type Outcome } from './outcome.ts';
export type { ConnectionContext, SignInResult } from './sign-in.ts';
export type { FranceConnectResult } from './franceconnect.ts';
export { accountPageWithSession } from './repository.ts';

/** The accounts use cases, bound to their dependencies. Each write is one transaction with its audit row and emails. */
export function createAccountsService(deps: AccountsDeps) {
  const bind = bindUseCases(deps);
  return {
    signUp: bind(signUp),
    activate: bind(activate),
    resendActivation: bind(resendActivation),
    signIn: bind(signIn),
    requestPasswordReset: bind(requestPasswordReset),
    checkPasswordToken: bind(checkPasswordToken),
    needsTerms: bind(needsTerms),
    setPassword: bind(setPassword),
    changePassword: bind(changePassword),
    deleteOwnAccount: bind(deleteOwnAccount),
    history: (accountId: number) => repo.connectionHistory(deps.db, accountId),
    findById: (id: number) => repo.findAccountById(deps.db, id),
    franceConnectIdentity: (accountId: number) => repo.franceConnectIdentityOf(deps.db, accountId),
    signInWithFranceConnect: bind(signInWithFranceConnect),
    createFromFranceConnect: bind(createFromFranceConnect),
    linkWithPassword: bind(linkWithPassword),
    sendLinkEmail: bind(sendLinkEmail),
    linkWithToken: bind(linkWithToken),
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
