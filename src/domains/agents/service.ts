import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Agent, AgentRole, HabilitationStatus } from '../../schema.ts';
import { queueMessage } from '../../platform/mail/messages.ts';
import { formatDateTime } from '../../ui/format.ts';
import * as emails from '../accounts/emails.ts';
import { canTransition } from '../accounts/model.ts';
import { verifyPassword } from '../accounts/passwords.ts';
import { findAccountByEmail, findAccountById } from '../accounts/repository.ts';
import { zodErrors, type FieldErrors, type Outcome } from '../accounts/service.ts';
import { addressKey, AGENT_WATCH_POLICY, IP_POLICY, limit, signInLimits, throttle, TOTP_POLICY } from '../accounts/throttle.ts';
import { issueToken } from '../accounts/tokens.ts';
import type { Notice } from '../site/maintenance-model.ts';
import { noticeFormSchema } from '../site/maintenance-model.ts';
import type { MaintenanceService } from '../site/maintenance-service.ts';
import { currentTerms } from '../site/terms.ts';
import {
  HABILITATION_TRANSITIONS,
  habilitationRequestSchema,
  needsReason,
  suspensionSchema,
  townHallSchema,
  type HabilitationAction,
} from './model.ts';
import { decryptTotpSecret, encryptTotpSecret, generateTotpSecret, matchingStep, otpauthUri } from './totp.ts';

export class ForbiddenError extends Error {
  readonly statusCode = 403;
}

const agentActor = (agent: Agent, ip: string | null): Actor => ({ kind: 'agent', id: agent.id, ip });

export type SecondFactorOutcome =
  | { ok: true; agent: Agent; /** true when this code confirmed the enrolment */ enrolled: boolean }
  | { ok: false; reason: 'empty' | 'format' | 'invalid' | 'reused' | 'no_agent' | 'unreadable' }
  | { ok: false; reason: 'locked'; until: Date };

function requireRole(agent: Agent, ...roles: AgentRole[]): void {
  if (!roles.includes(agent.role)) throw new ForbiddenError('Action réservée à un autre rôle');
}

/** Back-office use cases for agents: their sign-in, SIV habilitations, accounts administration. */
export function createAgentsService(deps: { db: Db; config: Config; maintenance: MaintenanceService }) {
  const { db, config, maintenance } = deps;
  const url = (path: string) => `${config.publicUrl}${path}`;

  /** The agent's TOTP secret in clear, or null when it cannot be opened (session secret changed). */
  function readSecret(agent: Agent): string | null {
    try {
      return agent.totp_secret ? decryptTotpSecret(config.sessionSecret, agent.id, agent.totp_secret) : null;
    } catch {
      return null;
    }
  }

  async function habilitationInScope(agent: Agent, id: number) {
    requireRole(agent, 'prefecture');
    const row = await db.selectFrom('siv_habilitations').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (agent.scope && row.department !== agent.scope)) return null;
    return row;
  }

  return {
    findAgent: (id: number) => db.selectFrom('agents').selectAll().where('id', '=', id).where('status', '=', 'active').executeTakeFirst(),

    /**
     * First factor. A correct password does not sign the agent in: the route keeps a pending agent
     * in the session until the TOTP code (or the enrolment) is done, see verifySecondFactor.
     */
    async signIn(rawEmail: string, password: string, ip: string): Promise<{ ok: true; agent: Agent; enrolled: boolean } | { ok: false; locked?: Date }> {
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
          if (agent?.status === 'active' && alerts.length) await queueMessage(trx, emails.agentSignInAlertEmail(agent.email, alerts[0]!.failures, url('/agents/connexion')));
          if (agent) await audit(trx, agentActor(agent, ip), 'agent.sign_in_failed', { kind: 'agent', id: agent.id });
        });
        return attempt.lockedUntil ? { ok: false, locked: attempt.lockedUntil } : { ok: false };
      }
      await db.transaction().execute(async (trx) => {
        await attempt.succeeded(trx);
        await audit(trx, agentActor(agent, ip), 'agent.password_verified', { kind: 'agent', id: agent.id });
      });
      return { ok: true, agent, enrolled: agent.totp_confirmed_at !== null };
    },

    /** Whether this (active) agent has confirmed a TOTP secret; undefined when there is no such agent. */
    async secondFactorState(agentId: number): Promise<{ agent: Agent; enrolled: boolean } | undefined> {
      const agent = await db.selectFrom('agents').selectAll().where('id', '=', agentId).where('status', '=', 'active').executeTakeFirst();
      return agent && { agent, enrolled: agent.totp_confirmed_at !== null };
    },

    /**
     * The secret to add to the authenticator app, for an agent not yet enrolled: created on first
     * call and kept (encrypted) until the agent confirms it with a code; never shown after that.
     */
    async enrolment(agentId: number): Promise<{ secret: string; uri: string } | null> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const agent = await db.selectFrom('agents').selectAll().where('id', '=', agentId).where('status', '=', 'active').executeTakeFirst();
        if (!agent || agent.totp_confirmed_at) return null;
        const kept = readSecret(agent);
        if (kept) return { secret: kept, uri: otpauthUri(kept, agent.email) };
        // none yet (or unreadable after a change of session secret): a new one, unless another tab stored one first
        const secret = generateTotpSecret();
        const stored = await db
          .updateTable('agents')
          .set({ totp_secret: encryptTotpSecret(config.sessionSecret, agent.id, secret), totp_last_step: null })
          .where('id', '=', agent.id)
          .where('totp_confirmed_at', 'is', null)
          .where((eb) => (agent.totp_secret ? eb('totp_secret', '=', agent.totp_secret) : eb('totp_secret', 'is', null)))
          .executeTakeFirst();
        if (Number(stored.numUpdatedRows) === 1) return { secret, uri: otpauthUri(secret, agent.email) };
      }
      return null;
    },

    /**
     * Second factor: the 6-digit code of the agent's authenticator app, for the current 30-second
     * step or the one before or after. A step is accepted once (the last one is stored); wrong and
     * replayed codes count in the throttle (`agent-totp:<id>` and the IP; the agent is emailed when
     * they pile up: someone has the password). For an agent not yet
     * enrolled, the first valid code confirms the secret. Success writes `agent.signed_in`.
     */
    async verifySecondFactor(agentId: number, rawCode: string, ip: string): Promise<SecondFactorOutcome> {
      const agent = await db.selectFrom('agents').selectAll().where('id', '=', agentId).where('status', '=', 'active').executeTakeFirst();
      if (!agent?.totp_secret) return { ok: false, reason: 'no_agent' };
      const code = rawCode.replace(/\s/g, '');
      if (!code) return { ok: false, reason: 'empty' }; // not an attempt
      const secret = readSecret(agent);
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
    },

    // ---- Maintenance notices (operators) ----

    async listNotices(agent: Agent) {
      requireRole(agent, 'operator');
      return { notices: await maintenance.list(), state: await maintenance.state() };
    },

    async notice(agent: Agent, id: number) {
      requireRole(agent, 'operator');
      return maintenance.find(id);
    },

    /** Schedules a banner or an unavailability window; times are typed in Paris time. */
    async scheduleNotice(agent: Agent, input: Record<string, unknown>, ip: string): Promise<Outcome<Notice>> {
      requireRole(agent, 'operator');
      const parsed = noticeFormSchema(new Date()).safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const d = parsed.data;
      const notice = await maintenance.schedule(
        { kind: d.kind, message: d.message, startsAt: d.starts_at, endsAt: d.ends_at, createdBy: `${agent.display_name} <${agent.email}>` },
        agentActor(agent, ip),
      );
      return { ok: true, value: notice };
    },

    async cancelNotice(agent: Agent, id: number, ip: string): Promise<Outcome<null>> {
      requireRole(agent, 'operator');
      if (!(await maintenance.find(id)) || !(await maintenance.cancel(id, agentActor(agent, ip))))
        return { ok: false, errors: { form: 'Cet avis est déjà annulé ou terminé : il n’est plus affiché.' } };
      return { ok: true, value: null };
    },

    // ---- SIV habilitations ----

    /** A professional asks for a SIV habilitation; no account exists until the prefecture validates it. */
    async requestHabilitation(input: Record<string, unknown>, actor: Actor): Promise<Outcome<{ email: string }>> {
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
    },

    async listHabilitations(agent: Agent, status: HabilitationStatus | null) {
      requireRole(agent, 'prefecture');
      let q = db.selectFrom('siv_habilitations').selectAll().orderBy('created_at').orderBy('id').limit(200);
      if (agent.scope) q = q.where('department', '=', agent.scope);
      if (status) q = q.where('status', '=', status);
      return q.execute();
    },

    habilitation: habilitationInScope,

    /** One decision of the prefecture, through the lifecycle table; the account follows in the same transaction. */
    async decideHabilitation(agent: Agent, id: number, action: HabilitationAction, rawReason: string, ip: string): Promise<Outcome<null>> {
      const row = await habilitationInScope(agent, id);
      if (!row) return { ok: false, errors: { form: 'Cette demande n’existe pas ou ne relève pas de votre département.' } };
      const transition = HABILITATION_TRANSITIONS[action];
      if (!(transition.from as readonly HabilitationStatus[]).includes(row.status))
        return { ok: false, errors: { form: 'Cette décision n’est plus possible : la demande a changé d’état entre-temps.' } };
      const reason = rawReason.trim().slice(0, 500);
      if (needsReason(action) && !reason) return { ok: false, errors: { reason: 'Saisissez le motif de la décision : il est envoyé au professionnel' } };

      await db.transaction().execute(async (trx) => {
        const updated = await trx
          .updateTable('siv_habilitations')
          .set({ status: transition.to, decided_by: agent.id, decided_at: new Date(), decision_reason: reason || null })
          .where('id', '=', id)
          .where('status', '=', row.status) // another agent deciding at the same time loses
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new ForbiddenError('La demande a changé d’état entre-temps');
        const actor = agentActor(agent, ip);
        let accountId = row.account_id;
        switch (transition.account) {
          case 'create': {
            const account = await trx
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
            accountId = account.id;
            await trx.updateTable('siv_habilitations').set({ account_id: account.id }).where('id', '=', id).execute();
            const token = await issueToken(trx, account.id, 'set_password');
            await queueMessage(trx, emails.setPasswordEmail(row.email, url(`/mot-de-passe/definir/${token}`), 'La préfecture a validé votre habilitation au système d’immatriculation des véhicules : votre compte professionnel certifié est créé.'));
            await audit(trx, actor, 'account.created', { kind: 'account', id: account.id }, { profile: 'automotive_professional', habilitation: id });
            break;
          }
          case 'deactivate':
            if (accountId) {
              await trx.updateTable('accounts').set({ status: 'deactivated' }).where('id', '=', accountId).execute();
              await trx.deleteFrom('sessions').where('user_id', '=', accountId).execute();
            }
            await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'suspended', reason));
            break;
          case 'reactivate':
            if (accountId) {
              const account = await trx.selectFrom('accounts').select('password_hash').where('id', '=', accountId).executeTakeFirst();
              await trx.updateTable('accounts').set({ status: account?.password_hash ? 'active' : 'pending_activation' }).where('id', '=', accountId).execute();
            }
            await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'reinstated', null));
            break;
          case 'delete':
            if (accountId) {
              await trx.deleteFrom('sessions').where('user_id', '=', accountId).execute();
              await trx.deleteFrom('accounts').where('id', '=', accountId).execute();
              await audit(trx, actor, 'account.deleted', { kind: 'account', id: accountId }, { reason: 'habilitation_terminated' });
            }
            await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'terminated', reason));
            break;
          case 'none':
            await queueMessage(trx, emails.habilitationDecisionEmail(row.email, 'refused', reason));
            break;
        }
        await audit(trx, actor, `habilitation.${action}`, { kind: 'habilitation', id }, { from: row.status, to: transition.to });
      });
      return { ok: true, value: null };
    },

    // ---- Accounts administration (operators) ----

    async searchAccounts(agent: Agent, query: string) {
      requireRole(agent, 'operator');
      const q = query.trim().toLowerCase();
      if (!q) return [];
      return db
        .selectFrom('accounts')
        .select(['id', 'email', 'profile', 'status', 'given_name', 'family_name', 'organisation_name'])
        .where((eb) => eb.or([eb('email', 'like', `${q.replace(/[%_\\]/g, '\\$&')}%`), eb('siret', '=', q.replace(/\s/g, ''))]))
        .orderBy('email')
        .limit(50)
        .execute();
    },

    async account(agent: Agent, id: number) {
      requireRole(agent, 'operator');
      const account = await findAccountById(db, id);
      if (account) await audit(db, agentActor(agent, null), 'account.viewed', { kind: 'account', id });
      return account;
    },

    /** Terms of use §1.11.1: a temporary suspension, with its reason and end sent by email. */
    async suspendAccount(agent: Agent, id: number, input: Record<string, unknown>, ip: string): Promise<Outcome<null>> {
      requireRole(agent, 'operator');
      const parsed = suspensionSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const account = await findAccountById(db, id);
      if (!account || !canTransition(account.status, 'suspend')) return { ok: false, errors: { form: 'Seul un compte actif peut être suspendu.' } };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ status: 'suspended', suspended_until: parsed.data.until, suspension_reason: parsed.data.reason }).where('id', '=', id).execute();
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await queueMessage(trx, emails.suspensionEmail(account.email, parsed.data.reason, formatDateTime(parsed.data.until)));
        await audit(trx, agentActor(agent, ip), 'account.suspended', { kind: 'account', id }, { until: parsed.data.until.toISOString(), reason: parsed.data.reason });
      });
      return { ok: true, value: null };
    },

    async reactivateAccount(agent: Agent, id: number, ip: string): Promise<Outcome<null>> {
      requireRole(agent, 'operator');
      const account = await findAccountById(db, id);
      if (!account || account.status !== 'suspended') return { ok: false, errors: { form: 'Seul un compte suspendu peut être réactivé ici.' } };
      await db.transaction().execute(async (trx) => {
        await trx.updateTable('accounts').set({ status: 'active', suspended_until: null, suspension_reason: null }).where('id', '=', id).execute();
        await queueMessage(trx, emails.reactivationEmail(account.email));
        await audit(trx, agentActor(agent, ip), 'account.reactivated', { kind: 'account', id });
      });
      return { ok: true, value: null };
    },

    /** Terms of use §1.11.2: deletion at the agency's initiative. */
    async deleteAccount(agent: Agent, id: number, rawReason: string, ip: string): Promise<Outcome<null>> {
      requireRole(agent, 'operator');
      const reason = rawReason.trim();
      if (!reason) return { ok: false, errors: { reason: 'Saisissez le motif de la suppression' } };
      const account = await findAccountById(db, id);
      if (!account) return { ok: false, errors: { form: 'Ce compte n’existe plus.' } };
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('sessions').where('user_id', '=', id).execute();
        await trx.deleteFrom('accounts').where('id', '=', id).execute();
        await queueMessage(trx, emails.deletionEmail(account.email, `L’agence a supprimé votre compte du Portail des titres sécurisés, pour le motif suivant : ${reason}.`));
        await audit(trx, agentActor(agent, ip), 'account.deleted', { kind: 'account', id }, { reason, profile: account.profile }); // last: see audit()
      });
      return { ok: true, value: null };
    },

    /** A town hall with fingerprint scanners: created by an operator; the town hall sets its password. */
    async createTownHall(agent: Agent, input: Record<string, unknown>, ip: string): Promise<Outcome<{ id: number }>> {
      requireRole(agent, 'operator');
      const parsed = townHallSchema.safeParse(input);
      if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
      const d = parsed.data;
      if (await findAccountByEmail(db, d.email)) return { ok: false, errors: { email: 'Un compte existe déjà avec cette adresse électronique' } };
      const id = await db.transaction().execute(async (trx) => {
        const account = await trx
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
        const token = await issueToken(trx, account.id, 'set_password');
        await queueMessage(trx, emails.setPasswordEmail(d.email, url(`/mot-de-passe/definir/${token}`), `L’agence a créé le compte de la mairie de ${d.commune} sur le Portail des titres sécurisés, pour ${d.scanner_count} dispositif(s) de recueil.`));
        await audit(trx, agentActor(agent, ip), 'account.created', { kind: 'account', id: account.id }, { profile: 'town_hall', scanners: d.scanner_count });
        return account.id;
      });
      return { ok: true, value: { id } };
    },
  };
}
export type AgentsService = ReturnType<typeof createAgentsService>;
export type { FieldErrors };
