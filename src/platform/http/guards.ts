import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../audit.ts';
import type { Account } from '../../schema.ts';

/** The actor behind a request, for the audit trail. */
export function actorOf(request: FastifyRequest): Actor {
  const agentId = request.session?.get<number>('agentId');
  if (agentId) return { kind: 'agent', id: agentId, ip: request.ip };
  return { kind: 'user', id: request.session?.userId ?? null, ip: request.ip };
}

/** Only a signed-in user (never an agent session) reaches the user's pages; others go to sign-in. */
export async function requireUser(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.session.userId !== null && !request.session.get('agentId')) return;
  const back = request.method === 'GET' ? `?retour=${encodeURIComponent(request.url)}` : '';
  return reply.redirect(`/connexion${back}`, 303);
}

/**
 * After requireUser: the signed-in account on `request.account` (an account deleted meanwhile sends
 * back to sign-in). `findById` is the accounts service's.
 */
export function loadAccount(accounts: { findById(id: number): Promise<Account | undefined> }) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (reply.sent) return;
    const account = request.session.account ?? (await accounts.findById(request.session.userId!)); // read with the session, usually
    if (!account) return reply.redirect('/connexion', 303);
    request.account = account;
  };
}

/** A safe local path to go back to after sign-in (never another site). */
export function safeReturnPath(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])[\w\-./?=&%]*$/.test(value) ? value : fallback;
}
