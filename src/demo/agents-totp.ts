import type { Config } from '../config.ts';
import { encryptTotpSecret } from '../domains/agents/totp.ts';
import type { Db } from '../platform/db/database.ts';

/**
 * The TOTP secret of every demo agent (documented in the README): add it once to any
 * authenticator app, or compute the code with `totpNow(DEMO_TOTP_SECRET)` in tests.
 * Demo only: a real agent gets a random secret at enrolment, shown once.
 */
export const DEMO_TOTP_SECRET = 'DEMODEMODEMODEMODEMODEMODEMODEMO';

/** Enrols every agent of the demo data with DEMO_TOTP_SECRET (called by seedDemoData, in its transaction). */
export async function enrolDemoAgentsTotp(trx: Db, config: Pick<Config, 'sessionSecret'>, emails: string[]): Promise<void> {
  if (!emails.length) return;
  const agents = await trx.selectFrom('agents').select('id').where('email', 'in', emails).execute();
  for (const { id } of agents)
    await trx
      .updateTable('agents')
      .set({ totp_secret: encryptTotpSecret(config.sessionSecret, id, DEMO_TOTP_SECRET), totp_confirmed_at: new Date(), totp_last_step: null })
      .where('id', '=', id)
      .execute();
}
