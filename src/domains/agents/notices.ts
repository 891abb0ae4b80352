import type { Agent } from '../../schema.ts';
import { zodErrors, type Outcome } from '../accounts/outcome.ts';
import { noticeFormSchema, type Notice } from '../site/maintenance-model.ts';
import { agentActor, requireRole } from './access.ts';
import type { AgentsDeps } from './deps.ts';

/** Maintenance notices, for operators. */
export async function listNotices(deps: Pick<AgentsDeps, 'maintenance'>, agent: Agent) {
  requireRole(agent, 'operator');
  return { notices: await deps.maintenance.list(), state: await deps.maintenance.state() };
}

export async function notice(deps: Pick<AgentsDeps, 'maintenance'>, agent: Agent, id: number) {
  requireRole(agent, 'operator');
  return deps.maintenance.find(id);
}

/** Schedules a banner or an unavailability window; times are typed in Paris time. */
export async function scheduleNotice(deps: Pick<AgentsDeps, 'maintenance'>, agent: Agent, input: Record<string, unknown>, ip: string): Promise<Outcome<Notice>> {
  requireRole(agent, 'operator');
  const parsed = noticeFormSchema(new Date()).safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const d = parsed.data;
  const created = await deps.maintenance.schedule(
    { kind: d.kind, message: d.message, startsAt: d.starts_at, endsAt: d.ends_at, createdBy: `${agent.display_name} <${agent.email}>` },
    agentActor(agent, ip),
  );
  return { ok: true, value: created };
}

export async function cancelNotice(deps: Pick<AgentsDeps, 'maintenance'>, agent: Agent, id: number, ip: string): Promise<Outcome<null>> {
  requireRole(agent, 'operator');
  if (!(await deps.maintenance.find(id)) || !(await deps.maintenance.cancel(id, agentActor(agent, ip))))
    return { ok: false, errors: { form: 'Cet avis est déjà annulé ou terminé : il n’est plus affiché.' } };
  return { ok: true, value: null };
}
