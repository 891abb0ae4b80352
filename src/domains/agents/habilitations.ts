import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import type { Agent, HabilitationStatus } from '../../schema.ts';
import * as emails from '../accounts/emails.ts';
import { zodErrors, type Outcome } from '../accounts/outcome.ts';
import { findAccountByEmail, findAccountById } from '../accounts/repository.ts';
import { issueToken } from '../accounts/tokens.ts';
import { transitionAccount } from '../accounts/transitions.ts';
import { currentTerms } from '../site/terms.ts';
import { agentActor, ForbiddenError, requireRole } from './access.ts';
import type { AgentsDeps } from './deps.ts';
import { HABILITATION_TRANSITIONS, habilitationRequestSchema, needsReason, type HabilitationAction } from './model.ts';
import { canDecide, transitionHabilitation } from './transitions.ts';

/** A professional asks for a SIV habilitation; no account exists until the prefecture validates it. */
export async function requestHabilitation(deps: Pick<AgentsDeps, 'db'>, input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ email: string }>> {
  const { db } = deps;
  const parsed = habilitationRequestSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const d = parsed.data;
  if (await findAccountByEmail(db, d.email)) return { ok: false, errors: { email: 'Un compte existe déjà avec cette adresse électronique : utilisez une autre adresse pour l’habilitation' } };
  const pending = await db.selectFrom('siv_habilitations').select('id').where('siret', '=', d.siret).where('status', 'in', ['requested', 'validated', 'suspended']).executeTakeFirst();
  if (pending) return { ok: false, errors: { siret: 'Une demande ou une habilitation existe déjà pour ce SIRET' } };
  const t = currentTerms();
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .insertInto('siv_habilitations')
      .values({
        company_name: d.company_name,
        siret: d.siret,
        habilitation_number: d.habilitation_number,
        department: d.department,
        contact_given_name: d.contact_given_name,
        contact_family_name: d.contact_family_name,
        email: d.email,
        status: 'requested',
        terms_version: t.version,
        terms_sha256: t.sha256,
        terms_accepted_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await queueMessage(trx, emails.habilitationRequestEmail(d.email));
    await audit(trx, actor, 'habilitation.requested', { kind: 'habilitation', id: row.id }, { department: d.department });
  });
  return { ok: true, value: { email: d.email } };
}

export async function listHabilitations(deps: Pick<AgentsDeps, 'db'>, agent: Agent, status: HabilitationStatus | null) {
  requireRole(agent, 'prefecture');
  let q = deps.db.selectFrom('siv_habilitations').selectAll().orderBy('created_at').orderBy('id').limit(200);
  if (agent.scope) q = q.where('department', '=', agent.scope);
  if (status) q = q.where('status', '=', status);
  return q.execute();
}

/** One request, for a prefecture agent of its department (every department for a national one). */
export async function habilitation(deps: Pick<AgentsDeps, 'db'>, agent: Agent, id: number) {
  requireRole(agent, 'prefecture');
  const row = await deps.db.selectFrom('siv_habilitations').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row || (agent.scope && row.department !== agent.scope)) return null;
  return row;
}

/** One decision of the prefecture, through the lifecycle table; the account follows in the same transaction. */
export async function decideHabilitation(deps: Pick<AgentsDeps, 'db' | 'config'>, agent: Agent, id: number, action: HabilitationAction, rawReason: string, ip: string): Promise<Outcome<null>> {
  const row = await habilitation(deps, agent, id);
  if (!row) return { ok: false, errors: { form: 'Cette demande n’existe pas ou ne relève pas de votre département.' } };
  if (!canDecide(row.status, action)) return { ok: false, errors: { form: 'Cette décision n’est plus possible : la demande a changé d’état entre-temps.' } };
  const reason = rawReason.trim().slice(0, 500);
  if (needsReason(action) && !reason) return { ok: false, errors: { reason: 'Saisissez le motif de la décision : il est envoyé au professionnel' } };

  await deps.db.transaction().execute(async (trx) => {
    const actor = agentActor(agent, ip);
    const moved = await transitionHabilitation(trx, row, action, actor, { set: { decided_by: agent.id, decided_at: new Date(), decision_reason: reason || null } });
    if (!moved.ok) throw new ForbiddenError('La demande a changé d’état entre-temps'); // another agent deciding at the same time
    const account = row.account_id ? await findAccountById(trx, row.account_id) : undefined;
    switch (HABILITATION_TRANSITIONS[action].account) {
      case 'create': {
        const created = await trx
          .insertInto('accounts')
          .values({
            profile: 'automotive_professional',
            email: row.email,
            password_hash: null,
            status: 'pending_activation',
            certified: true,
            given_name: row.contact_given_name,
            family_name: row.contact_family_name,
            organisation_name: row.company_name,
            siret: row.siret,
            terms_version: row.terms_version,
            terms_sha256: row.terms_sha256,
            terms_accepted_at: row.terms_accepted_at,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx.updateTable('siv_habilitations').set({ account_id: created.id }).where('id', '=', id).execute();
        const token = await issueToken(trx, created.id, 'set_password');
        await queueMessage(
          trx,
          emails.setPasswordEmail(row.email, `${deps.config.publicUrl}/mot-de-passe/definir/${token}`, 'La préfecture a validé votre habilitation au système d’immatriculation des véhicules : votre compte professionnel certifié est créé.'),
        );
        await audit(trx, actor, 'account.created', { kind: 'account', id: created.id }, { profile: 'automotive_professional', habilitation: id });
        break;
      }
      case 'deactivate':
        if (account) {
          await followAccount(trx, account, 'deactivate', actor, id);
          await trx.deleteFrom('sessions').where('user_id', '=', account.id).execute();
        }
        await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'suspended', reason));
        break;
      case 'reactivate':
        if (account) await followAccount(trx, account, account.password_hash ? 'reinstate' : 'reinstate_unactivated', actor, id);
        await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'reinstated', null));
        break;
      case 'delete':
        if (account) {
          await trx.deleteFrom('sessions').where('user_id', '=', account.id).execute();
          await trx.deleteFrom('accounts').where('id', '=', account.id).execute();
          await audit(trx, actor, 'account.deleted', { kind: 'account', id: account.id }, { reason: 'habilitation_terminated' });
        }
        await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'terminated', reason));
        break;
      case 'none':
        await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'refused', reason));
        break;
    }
  });
  return { ok: true, value: null };
}

/** The account follows its habilitation; one already where the machine cannot move it stays as it is. */
async function followAccount(trx: Db, account: Parameters<typeof transitionAccount>[1], action: 'deactivate' | 'reinstate' | 'reinstate_unactivated', actor: Actor, habilitationId: number) {
  const moved = await transitionAccount(trx, account, action, actor, { details: { habilitation: habilitationId } });
  if (!moved.ok && moved.reason === 'changed') throw new ForbiddenError('Le compte a changé d’état entre-temps');
}
