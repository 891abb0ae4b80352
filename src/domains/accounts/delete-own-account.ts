import { formatLongDateTime } from '../../platform/format-date.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { AccountsDeps } from './deps.ts';
import * as emails from './emails.ts';
import type { Outcome } from './outcome.ts';
import { verifyPassword } from './passwords.ts';
import * as repo from './repository.ts';
import { signInLimits, throttle } from './throttle.ts';


/** Terms of use §1.11.3: the user deletes the account; personal data go, an audit trace stays. */
export async function deleteOwnAccount(deps: Pick<AccountsDeps, 'db'>, accountId: number, password: string | null, actor: Actor): Promise<Outcome<null>> {
  const { db } = deps;
  const account = await repo.findAccountById(db, accountId);
  if (!account) return { ok: true, value: null };
  const fc = await repo.franceConnectIdentityOf(db, accountId);
  if (!fc) {
    // the password is guessable from a session: counted with the sign-in's keys, like its change
    const attempt = await throttle(db, signInLimits('account', account.email, actor.ip ?? ''));
    if (!attempt.admitted) return { ok: false, errors: { password: `Trop de mots de passe erronés : réessayez à partir du ${formatLongDateTime(attempt.lockedUntil!)}` } };
    if (!(await verifyPassword(account.password_hash, password ?? ''))) {
      await audit(db, actor, 'account.deletion_password_failed', { kind: 'account', id: account.id });
      return { ok: false, errors: { password: 'Le mot de passe est incorrect' } };
    }
    await attempt.succeeded(db);
  }
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('user_id', '=', accountId).execute();
    await trx.deleteFrom('accounts').where('id', '=', accountId).execute();
    await queueMessage(trx, emails.deletionEmail(account.email, 'Vous avez supprimé votre compte du Portail des titres sécurisés.'));
    // last: appending to the audit chain holds its lock until commit
    await audit(trx, actor, 'account.deleted_by_user', { kind: 'account', id: accountId }, { profile: account.profile });
  });
  return { ok: true, value: null };
}
