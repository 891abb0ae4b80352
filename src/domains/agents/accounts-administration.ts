import { audit } from '../../platform/audit.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { Agent } from '../../schema.ts';
import * as emails from '../accounts/emails.ts';
import { canTransition } from '../accounts/model.ts';
import { zodErrors, type Outcome } from '../accounts/outcome.ts';
import { findAccountByEmail, findAccountById } from '../accounts/repository.ts';
import { issueToken } from '../accounts/tokens.ts';
import { transitionAccount } from '../accounts/transitions.ts';
import { agentActor, requireRole } from './access.ts';
import type { AgentsDeps } from './deps.ts';
import { suspensionSchema, townHallSchema } from './model.ts';

/** Accounts administration, for operators. */
export async function searchAccounts(deps: Pick<AgentsDeps, 'searchDb'>, agent: Agent, query: string) {
  requireRole(agent, 'operator');
  const q = query.trim().toLowerCase();
  if (!q) return [];
  return deps.searchDb
    .selectFrom('accounts')
    .select(['id', 'email', 'profile', 'status', 'given_name', 'family_name', 'organisation_name'])
    .where((eb) => eb.or([eb('email', 'like', `${q.replace(/[%_\\]/g, '\\$&')}%`), eb('siret', '=', q.replace(/\s/g, ''))]))
    .orderBy('email')
    .limit(50)
    .execute();
}

/** One account, its viewing audited. */
export async function account(deps: Pick<AgentsDeps, 'db'>, agent: Agent, id: number) {
  requireRole(agent, 'operator');
  const found = await findAccountById(deps.db, id);
  if (found) await audit(deps.db, agentActor(agent, null), 'account.viewed', { kind: 'account', id });
  return found;
}

/** Terms of use §1.11.1: a temporary suspension, with its reason and end sent by email. */
export async function suspendAccount(deps: Pick<AgentsDeps, 'db'>, agent: Agent, id: number, input: Record<string, unknown>, ip: string): Promise<Outcome<null>> {
  requireRole(agent, 'operator');
  const parsed = suspensionSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const found = await findAccountById(deps.db, id);
  const refused = { ok: false as const, errors: { form: 'Seul un compte actif peut être suspendu.' } };
  if (!found || !canTransition(found.status, 'suspend')) return refused;
  const { until, reason } = parsed.data;
  const suspended = await deps.db.transaction().execute(async (trx) => {
    const moved = await transitionAccount(trx, found, 'suspend', agentActor(agent, ip), { set: { suspended_until: until, suspension_reason: reason }, details: { until: until.toISOString(), reason } });
    if (!moved.ok) return false;
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await queueMessage(trx, emails.suspensionEmail(found.email, reason, until));
    return true;
  });
  return suspended ? { ok: true, value: null } : refused;
}

export async function reactivateAccount(deps: Pick<AgentsDeps, 'db'>, agent: Agent, id: number, ip: string): Promise<Outcome<null>> {
  requireRole(agent, 'operator');
  const found = await findAccountById(deps.db, id);
  const refused = { ok: false as const, errors: { form: 'Seul un compte suspendu peut être réactivé ici.' } };
  if (!found || !canTransition(found.status, 'reactivate')) return refused;
  const reactivated = await deps.db.transaction().execute(async (trx) => {
    const moved = await transitionAccount(trx, found, 'reactivate', agentActor(agent, ip), { set: { suspended_until: null, suspension_reason: null } });
    if (moved.ok) await queueMessage(trx, emails.reactivationEmail(found.email));
    return moved.ok;
  });
  return reactivated ? { ok: true, value: null } : refused;
}

/** Terms of use §1.11.2: deletion at the agency's initiative. */
export async function deleteAccount(deps: Pick<AgentsDeps, 'db'>, agent: Agent, id: number, rawReason: string, ip: string): Promise<Outcome<null>> {
  requireRole(agent, 'operator');
  const reason = rawReason.trim();
  if (!reason) return { ok: false, errors: { reason: 'Saisissez le motif de la suppression' } };
  const found = await findAccountById(deps.db, id);
  if (!found) return { ok: false, errors: { form: 'Ce compte n’existe plus.' } };
  await deps.db.transaction().execute(async (trx) => {
    await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await trx.deleteFrom('accounts').where('id', '=', id).execute();
    await queueMessage(trx, emails.deletionEmail(found.email, `L’agence a supprimé votre compte du Portail des titres sécurisés, pour le motif suivant : ${reason}.`));
    await audit(trx, agentActor(agent, ip), 'account.deleted', { kind: 'account', id }, { reason, profile: found.profile }); // last: see audit()
  });
  return { ok: true, value: null };
}

/** A town hall with fingerprint scanners: created by an operator; the town hall sets its password. */
export async function createTownHall(deps: Pick<AgentsDeps, 'db' | 'config'>, agent: Agent, input: Record<string, unknown>, ip: string): Promise<Outcome<{ id: number }>> {
  requireRole(agent, 'operator');
  const parsed = townHallSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const d = parsed.data;
  if (await findAccountByEmail(deps.db, d.email)) return { ok: false, errors: { email: 'Un compte existe déjà avec cette adresse électronique' } };
  const id = await deps.db.transaction().execute(async (trx) => {
    const created = await trx
      .insertInto('accounts')
      .values({
        profile: 'town_hall',
        email: d.email,
        password_hash: null,
        status: 'pending_activation',
        organisation_name: `Mairie de ${d.commune}`,
        commune: `${d.commune} (${d.department})`,
        scanner_count: d.scanner_count,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const token = await issueToken(trx, created.id, 'set_password');
    await queueMessage(
      trx,
      emails.setPasswordEmail(d.email, `${deps.config.publicUrl}/mot-de-passe/definir/${token}`, `L’agence a créé le compte de la mairie de ${d.commune} sur le Portail des titres sécurisés, pour ${d.scanner_count} dispositif(s) de recueil.`),
    );
    await audit(trx, agentActor(agent, ip), 'account.created', { kind: 'account', id: created.id }, { profile: 'town_hall', scanners: d.scanner_count });
    return created.id;
  });
  return { ok: true, value: { id } };
}
