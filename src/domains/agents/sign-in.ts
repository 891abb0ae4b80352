import { sql } from 'kysely';
import { audit } from '../../platform/audit.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { Agent } from '../../schema.ts';
import * as emails from '../accounts/emails.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { addressKey, AGENT_WATCH_POLICY, IP_POLICY, limit, signInLimits, throttle, TOTP_POLICY } from '../accounts/throttle.ts';
import { agentActor } from './access.ts';
import type { AgentsDeps } from './deps.ts';
import { decryptTotpSecret, encryptTotpSecret, generateTotpSecret, matchingStep, otpauthUri } from './totp.ts';

export type SecondFactorOutcome =
  | { ok: true; agent: Agent; /** true when this code confirmed the enrolment */ enrolled: boolean }
  | { ok: false; reason: 'empty' | 'format' | 'invalid' | 'reused' | 'no_agent' | 'unreadable' }
  | { ok: false; reason: 'locked'; until: Date };

const activeAgent = (deps: Pick<AgentsDeps, 'db'>, id: number) => deps.db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst();

export const findAgent = activeAgent;

/** The agent's TOTP secret in clear, or null when it cannot be opened (session secret changed). */
function readSecret(deps: Pick<AgentsDeps, 'config'>, agent: Agent): string | null {
  try {
    return agent.totp_secret ? decryptTotpSecret(deps.config.sessionSecret, agent.id, agent.totp_secret) : null;
  } catch {
    return null;
  }
}

/**
 * First factor. A correct password does not sign the agent in: the route keeps a pending agent
 * in the session until the TOTP code (or the enrolment) is done, see verifySecondFactor.
 */
export async function signIn(deps: Pick<AgentsDeps, 'db' | 'config'>, rawEmail: string, password: string, ip: string): Promise<{ ok: true; agent: Agent; enrolled: boolean } | { ok: false; locked?: Date }> {
  const { db } = deps;
  const email = rawEmail.trim().toLowerCase();
  const agent = await db.selectFrom('agents').selectAll().where('email', '=', email).executeTakeFirst();
  // Locked per (agent, address) and per address, never for the agent alone: wrong passwords
  // from elsewhere cannot lock an agent out (the second factor protects the account); they are
  // counted on a key that never locks, and the agent is told by email when they pile up.
  const limits = signInLimits('agent', email, ip);
  if (agent) limits.push(limit(`agent-watch:${agent.id}`, AGENT_WATCH_POLICY));
  const attempt = await throttle(db, limits);
  if (!attempt.admitted) return { ok: false, locked: attempt.lockedUntil! };
  const valid = await verifyPassword(agent?.password_hash ?? null, password);
  if (!agent || !valid || agent.status !== 'active') {
    await db.transaction().execute(async (trx) => {
      const alerts = await attempt.failed(trx);
      if (agent?.status === 'active' && alerts.length) await queueMessage(trx, emails.agentSignInAlertEmail(agent.email, alerts[0]!.failures, `${deps.config.publicUrl}/agents/connexion`));
      if (agent) await audit(trx, agentActor(agent, ip), 'agent.sign_in_failed', { kind: 'agent', id: agent.id });
    });
    return attempt.lockedUntil ? { ok: false, locked: attempt.lockedUntil } : { ok: false };
  }
  await db.transaction().execute(async (trx) => {
    await attempt.succeeded(trx);
    await audit(trx, agentActor(agent, ip), 'agent.password_verified', { kind: 'agent', id: agent.id });
  });
  return { ok: true, agent, enrolled: agent.totp_confirmed_at !== null };
}

/** Whether this (active) agent has confirmed a TOTP secret; undefined when there is no such agent. */
export async function secondFactorState(deps: Pick<AgentsDeps, 'db'>, agentId: number): Promise<{ agent: Agent; enrolled: boolean } | undefined> {
  const agent = await activeAgent(deps, agentId);
  return agent && { agent, enrolled: agent.totp_confirmed_at !== null };
}

/**
 * The secret to add to the authenticator app, for an agent not yet enrolled: created on first
 * call and kept (encrypted) until the agent confirms it with a code; never shown after that.
 */
export async function enrolment(deps: Pick<AgentsDeps, 'db' | 'config'>, agentId: number): Promise<{ secret: string; uri: string } | null> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const agent = await activeAgent(deps, agentId);
    if (!agent || agent.totp_confirmed_at) return null;
    const kept = readSecret(deps, agent);
    if (kept) return { secret: kept, uri: otpauthUri(kept, agent.email) };
    // none yet (or unreadable after a change of session secret): a new one, unless another tab stored one first
    const secret = generateTotpSecret();
    const stored = await deps.db
      .updateTable('agents')
      .set({ totp_secret: encryptTotpSecret(deps.config.sessionSecret, agent.id, secret), totp_last_step: null })
      .where('id', '=', agent.id)
      .where('totp_confirmed_at', 'is', null)
      .where((eb) => (agent.totp_secret ? eb('totp_secret', '=', agent.totp_secret) : eb('totp_secret', 'is', null)))
      .executeTakeFirst();
    if (Number(stored.numUpdatedRows) === 1) return { secret, uri: otpauthUri(secret, agent.email) };
  }
  return null;
}

/**
 * Second factor: the 6-digit code of the agent's authenticator app, for the current 30-second
 * step or the one before or after. A step is accepted once (the last one is stored); wrong and
 * replayed codes count in the throttle (`agent-totp:<id>` and the IP; the agent is emailed when
 * they pile up: someone has the password). For an agent not yet
 * enrolled, the first valid code confirms the secret. Success writes `agent.signed_in`.
 */
export async function verifySecondFactor(deps: Pick<AgentsDeps, 'db' | 'config'>, agentId: number, rawCode: string, ip: string): Promise<SecondFactorOutcome> {
  const { db } = deps;
  const agent = await activeAgent(deps, agentId);
  if (!agent?.totp_secret) return { ok: false, reason: 'no_agent' };
  const code = rawCode.replace(/\s/g, '');
  if (!code) return { ok: false, reason: 'empty' }; // not an attempt
  const secret = readSecret(deps, agent);
  if (!secret) return { ok: false, reason: 'unreadable' };
  const attempt = await throttle(db, [limit(`agent-totp:${agent.id}`, TOTP_POLICY), limit(`ip:${addressKey(ip)}`, IP_POLICY)]);
  if (!attempt.admitted) return { ok: false, reason: 'locked', until: attempt.lockedUntil! };
  const step = matchingStep(secret, code);
  const actor = agentActor(agent, ip);
  if (step !== null) {
    const accepted = await db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable('agents')
        .set({ totp_last_step: step, totp_confirmed_at: sql<Date>`coalesce(totp_confirmed_at, now())` })
        .where('id', '=', agent.id)
        .where('totp_secret', '=', agent.totp_secret)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      if (Number(updated.numUpdatedRows) !== 1) return false;
      await attempt.succeeded(trx);
      if (!agent.totp_confirmed_at) await audit(trx, actor, 'agent.totp_enrolled', { kind: 'agent', id: agent.id });
      await audit(trx, actor, 'agent.signed_in', { kind: 'agent', id: agent.id });
      return true;
    });
    if (accepted) return { ok: true, agent, enrolled: !agent.totp_confirmed_at };
  }
  const reason = step !== null ? 'reused' : /^\d{6}$/.test(code) ? 'invalid' : 'format';
  await db.transaction().execute(async (trx) => {
    const alerts = await attempt.failed(trx);
    if (alerts.length) await queueMessage(trx, emails.agentSecondFactorAlertEmail(agent.email, alerts[0]!.failures));
    await audit(trx, actor, 'agent.second_factor_failed', { kind: 'agent', id: agent.id }, { reason });
  });
  return attempt.lockedUntil ? { ok: false, reason: 'locked', until: attempt.lockedUntil } : { ok: false, reason };
}
