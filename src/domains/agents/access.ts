import type { Actor } from '../../platform/audit.ts';
import type { Agent, AgentRole } from '../../schema.ts';

export class ForbiddenError extends Error {
  readonly statusCode = 403;
}

export const agentActor = (agent: Agent, ip: string | null): Actor => ({ kind: 'agent', id: agent.id, ip });

export function requireRole(agent: Agent, ...roles: AgentRole[]): void {
  if (!roles.includes(agent.role)) throw new ForbiddenError('Action réservée à un autre rôle');
}
