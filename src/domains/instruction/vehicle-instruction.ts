import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import { audit, type Actor } from '../../platform/audit.ts';
import type { Db } from '../../platform/db/database.ts';
import type { Agent } from '../../schema.ts';
import { REFUSAL_REASONS, type Attachments, type RefusalReason } from '../../platform/files/attachments.ts';
import { notifyUser } from '../../platform/notify/notify.ts';
import { AGENT_ACTIONS, agentActionsFor, STATUS_LABELS, type ProcedureAction } from '../vehicles/procedures/model.ts';
import { applyTransition } from '../vehicles/procedures/transitions.ts';
import { PROCEDURE_LABELS } from '../vehicles/procedures/requirements.ts';
import type { ProcedureKind, ProcedureStatus, VehicleProcedure } from '../vehicles/tables.ts';
import { MESSAGE_MAX, postMessage, readThread, unreadCounts } from './threads.ts';

/** The statuses a vehicle request can have in the instruction centre's queues. */
export const QUEUE_STATUSES = ['awaiting_review', 'to_complete', 'in_progress', 'awaiting_payment', 'completed', 'rejected', 'cancelled'] as const satisfies readonly ProcedureStatus[];
export const INSTRUCTED_KINDS = Object.keys(AGENT_ACTIONS) as ProcedureKind[];
export const PAGE_SIZE = 20;

export interface QueueFilters {
  status: ProcedureStatus;
  kind: ProcedureKind | null;
  department: string | null;
  from: string | null; // ISO date, submitted on or after
  to: string | null; // ISO date, submitted on or before
  q: string;
  after: string | null; // keyset cursor
}

export function parseFilters(query: Record<string, string | undefined>): QueueFilters {
  const date = (v?: string) => (v && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null);
  return {
    status: (QUEUE_STATUSES as readonly string[]).includes(query.statut ?? '') ? (query.statut as ProcedureStatus) : 'awaiting_review',
    kind: INSTRUCTED_KINDS.includes(query.demarche as ProcedureKind) ? (query.demarche as ProcedureKind) : null,
    department: /^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$/.test((query.departement ?? '').toUpperCase()) ? query.departement!.toUpperCase() : null,
    from: date(query.du),
    to: date(query.au),
    q: (query.q ?? '').trim().slice(0, 100),
    after: query.apres && /^[A-Za-z0-9_-]{10,80}$/.test(query.apres) ? query.apres : null,
  };
}

const encodeCursor = (at: Date, id: number) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: number } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  return Number.isNaN(date.getTime()) || !Number.isSafeInteger(Number(id)) ? null : { at: date, id: Number(id) };
}
const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A plate without separators: SIV (AB123CD) or FNI (1234AB75, 123ABC2A). */
const PLATE_SHAPES = [/^[A-Z]{2}\d{3}[A-Z]{2}$/, /^\d{1,4}[A-Z]{1,3}(\d{2}|2A|2B|97\d)$/];
/** Fewer letters than a trigram: a name or an email is not searched (it would read every holder). */
export const NAME_SEARCH_MIN = 3;
const HOLDER_NAMES = sql`search_key(coalesce(h.birth_name, '') || ' ' || coalesce(h.usage_name, '') || ' ' || coalesce(h.company_name, ''))`;
const TPC_HOLDER_NAMES = sql`search_key(coalesce(p.data->'tpc'->'holder'->>'birth_name', '') || ' ' || coalesce(p.data->'tpc'->'holder'->>'company_name', ''))`;

export type InstructionError = { ok: false; error: string; status: 403 | 404 | 409 | 400 };
const SCOPE_ERROR: InstructionError = { ok: false, error: 'Cette demande ne relève pas de votre périmètre.', status: 403 };

/**
 * The instruction centre's work on vehicle requests: queues (filters, search, keyset pages, oldest
 * first), the full view of a request (every view audited), taking a request, reviewing its pieces,
 * the decisions through the procedures' state machine, and the thread with the user.
 */
export function createVehicleInstruction(deps: { db: Db; config: Config; attachments: Attachments }) {
  const { db, config, attachments } = deps;
  const owner = (p: { id: number }) => ({ kind: 'vehicle_procedure', id: p.id });
  const actor = (agent: Agent, ip: string): Actor => ({ kind: 'agent', id: agent.id, ip });
  const isInstructor = (agent: Agent) => agent.role === 'instruction_centre';
  const inScope = (agent: Agent, p: Pick<VehicleProcedure, 'department' | 'kind' | 'submitted_at'>) =>
    isInstructor(agent) && INSTRUCTED_KINDS.includes(p.kind) && p.submitted_at !== null && (agent.scope === null || agent.scope === p.department);

  /**
   * The requests a search names, found through indexes before any join (migration 0019): a file
   * number or a plate exactly (b-tree), an email by trigrams, any other text in the holder's names,
   * the complementary request's holder and the account's email by trigrams on their normalised
   * form (lower case, no accents). The queue's filters and order apply to these few ids only.
   */
  function searchMatches(text: string) {
    const compact = text.toUpperCase().replace(/[\s-]/g, '');
    // What the text looks like decides where to look: each kind of search is one index.
    if (/^V\d{2}[A-Z0-9]{8}$/.test(compact)) return db.selectFrom('vehicle_procedures as p').select('p.id').where('p.file_number', '=', `${compact.slice(0, 3)}-${compact.slice(3)}`);
    const byPlate = db
      .selectFrom('vehicles as v')
      .innerJoin('vehicle_procedures as p', 'p.vehicle_id', 'v.id')
      .select('p.id')
      .where(sql`plate_key(v.plate)`, '=', sql`plate_key(${text})`);
    if (PLATE_SHAPES.some((shape) => shape.test(compact))) return byPlate;
    const pattern = sql`search_key(${likePattern(text)})`;
    const byEmail = db
      .selectFrom('accounts as a')
      .innerJoin('vehicle_procedures as p', 'p.account_id', 'a.id')
      .select('p.id')
      .where(sql`search_key(a.email)`, 'like', pattern);
    if (text.includes('@')) return byEmail;
    if (text.replace(/[\s%_\\]/g, '').length < NAME_SEARCH_MIN) return byPlate;
    const byHolder = db
      .selectFrom('vehicle_holders as h')
      .innerJoin('vehicles as v', 'v.holder_id', 'h.id')
      .innerJoin('vehicle_procedures as p', 'p.vehicle_id', 'v.id')
      .select('p.id')
      .where(HOLDER_NAMES, 'like', pattern);
    const byPartTwo = db.selectFrom('vehicle_procedures as p').select('p.id').where('p.kind', '=', 'complementary').where(TPC_HOLDER_NAMES, 'like', pattern);
    return byHolder.union(byPartTwo).union(byEmail).union(byPlate);
  }

  /**
   * The queue's query for these filters (also read by the search benchmark's EXPLAIN): the page's
   * ids first (filters, search, keyset, order, limit), then the joins for those 21 rows only.
   */
  function queueQuery(agent: Agent, f: QueueFilters) {
    let ids = db
      .selectFrom('vehicle_procedures as vp')
      .select(['vp.id', 'vp.submitted_at'])
      .where('vp.submitted_at', 'is not', null)
      .where('vp.kind', 'in', INSTRUCTED_KINDS)
      .where('vp.status', '=', f.status);
    if (agent.scope) ids = ids.where('vp.department', '=', agent.scope);
    else if (f.department) ids = ids.where('vp.department', '=', f.department);
    if (f.kind) ids = ids.where('vp.kind', '=', f.kind);
    if (f.from) ids = ids.where('vp.submitted_at', '>=', new Date(`${f.from}T00:00:00Z`));
    if (f.to) ids = ids.where('vp.submitted_at', '<', new Date(new Date(`${f.to}T00:00:00Z`).getTime() + 86_400_000));
    if (f.q) ids = ids.where('vp.id', 'in', searchMatches(f.q));
    const cursor = f.after ? decodeCursor(f.after) : null;
    if (cursor) ids = ids.where(sql<boolean>`(vp.submitted_at, vp.id) > (${cursor.at}, ${cursor.id})`);
    const page = ids.orderBy('vp.submitted_at').orderBy('vp.id').limit(PAGE_SIZE + 1);
    return db
      .selectFrom(page.as('page'))
      .innerJoin('vehicle_procedures as vp', 'vp.id', 'page.id')
      .leftJoin('vehicles as v', 'v.id', 'vp.vehicle_id')
      .leftJoin('vehicle_holders as h', 'h.id', 'v.holder_id')
      .leftJoin('agents as ag', 'ag.id', 'vp.assigned_agent_id')
      .select([
        'vp.id',
        'vp.file_number',
        'vp.kind',
        'vp.status',
        'vp.submitted_at',
        'vp.department',
        'vp.assigned_agent_id',
        'ag.display_name as assigned_to',
        sql<string>`coalesce(v.plate, '—')`.as('plate'),
        // a complementary request may concern a vehicle not in the registry: its part 2 names the holder
        sql<string>`coalesce(h.company_name, h.given_names || ' ' || h.birth_name, vp.data->'tpc'->'holder'->>'company_name', (vp.data->'tpc'->'holder'->>'given_names') || ' ' || (vp.data->'tpc'->'holder'->>'birth_name'), '—')`.as('holder'),
      ])
      .orderBy('vp.submitted_at')
      .orderBy('vp.id');
  }

  /** A request the agent may see: unknown and out-of-scope ones are told apart only by the message. */
  async function find(agent: Agent, fileNumber: string): Promise<{ ok: true; p: VehicleProcedure } | InstructionError> {
    if (!isInstructor(agent)) return { ok: false, error: 'Ces demandes sont instruites par le centre d’instruction des véhicules.', status: 403 };
    const p = await db.selectFrom('vehicle_procedures').selectAll().where('file_number', '=', fileNumber.toUpperCase()).executeTakeFirst();
    if (!p || p.submitted_at === null) return { ok: false, error: 'Aucune demande transmise au centre d’instruction ne porte ce numéro.', status: 404 };
    return inScope(agent, p) ? { ok: true, p } : SCOPE_ERROR;
  }

  return {
    isInstructor,

    queueQuery,

    async queue(agent: Agent, f: QueueFilters) {
      const rows = await queueQuery(agent, f).execute();
      const page = rows.slice(0, PAGE_SIZE);
      const unread = await unreadCounts(db, 'vehicle_procedure', page.map((r) => r.id), 'agent');
      const last = page.at(-1);
      return {
        rows: page.map((r) => ({ ...r, unread: unread.get(r.id) ?? 0 })),
        next: rows.length > PAGE_SIZE && last?.submitted_at ? encodeCursor(last.submitted_at, last.id) : null,
      };
    },

    /** Everything about a request, for an agent in scope; the view itself is audited. */
    async view(agent: Agent, fileNumber: string, ip: string) {
      const found = await find(agent, fileNumber);
      if (!found.ok) return found;
      const p = found.p;
      const vehicle = p.vehicle_id ? ((await db.selectFrom('vehicles').selectAll().where('id', '=', p.vehicle_id).executeTakeFirst()) ?? null) : null;
      const holder = vehicle ? ((await db.selectFrom('vehicle_holders').selectAll().where('id', '=', vehicle.holder_id).executeTakeFirst()) ?? null) : null;
      const encumbrances = vehicle ? await db.selectFrom('vehicle_encumbrances').selectAll().where('vehicle_id', '=', vehicle.id).where('lifted_at', 'is', null).execute() : [];
      const invalidated = vehicle ? await db.selectFrom('invalidated_certificates').selectAll().where('vehicle_id', '=', vehicle.id).orderBy('invalidated_at', 'desc').execute() : [];
      const account = await db.selectFrom('accounts').select(['email', 'given_name', 'family_name', 'organisation_name', 'profile', 'certified']).where('id', '=', p.account_id).executeTakeFirstOrThrow();
      const assignee = p.assigned_agent_id ? await db.selectFrom('agents').select('display_name').where('id', '=', p.assigned_agent_id).executeTakeFirst() : undefined;
      const pieces = await attachments.list(owner(p));
      const messages = await readThread(db, owner(p), 'agent');
      const history = await db
        .selectFrom('audit_events')
        .leftJoin('agents', (j) => j.onRef('agents.id', '=', 'audit_events.actor_id').on('audit_events.actor_kind', '=', 'agent'))
        .select(['audit_events.id', 'audit_events.at', 'audit_events.actor_kind', 'audit_events.action', 'audit_events.details', 'agents.display_name'])
        .where('subject_kind', '=', 'vehicle_procedure')
        .where('subject_id', '=', p.id)
        .where('action', '!=', 'agent.viewed_request')
        .orderBy('audit_events.id')
        .execute();
      await audit(db, actor(agent, ip), 'agent.viewed_request', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number });
      return {
        ok: true as const,
        p,
        vehicle,
        holder,
        encumbrances,
        invalidated,
        account,
        assignee: assignee?.display_name ?? null,
        pieces,
        messages,
        history,
        actions: p.assigned_agent_id === agent.id ? agentActionsFor(p.kind, p.status) : [],
      };
    },

    /** "Prendre la demande": one agent at a time decides a request; a taken one is refused to others. */
    async take(agent: Agent, fileNumber: string, ip: string): Promise<{ ok: true } | InstructionError> {
      const found = await find(agent, fileNumber);
      if (!found.ok) return found;
      const p = found.p;
      if (!agentActionsFor(p.kind, p.status).length) return { ok: false, error: `Cette demande est « ${STATUS_LABELS[p.status]} » : il n’y a rien à décider.`, status: 409 };
      return db.transaction().execute(async (trx) => {
        const r = await trx
          .updateTable('vehicle_procedures')
          .set({ assigned_agent_id: agent.id, assigned_at: new Date() })
          .where('id', '=', p.id)
          .where((eb) => eb.or([eb('assigned_agent_id', 'is', null), eb('assigned_agent_id', '=', agent.id)]))
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return { ok: false as const, error: 'Un autre agent a déjà pris cette demande.', status: 409 as const };
        await audit(trx, actor(agent, ip), 'agent.took_request', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number });
        return { ok: true as const };
      });
    },

    async release(agent: Agent, fileNumber: string, ip: string): Promise<{ ok: true } | InstructionError> {
      const found = await find(agent, fileNumber);
      if (!found.ok) return found;
      return db.transaction().execute(async (trx) => {
        const r = await trx.updateTable('vehicle_procedures').set({ assigned_agent_id: null, assigned_at: null }).where('id', '=', found.p.id).where('assigned_agent_id', '=', agent.id).executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return { ok: false as const, error: 'Vous n’aviez pas pris cette demande.', status: 409 as const };
        await audit(trx, actor(agent, ip), 'agent.released_request', { kind: 'vehicle_procedure', id: found.p.id }, { file_number: found.p.file_number });
        return { ok: true as const };
      });
    },

    /** A piece accepted, or refused with a reason from the list and free text; only by the agent who took the request. */
    async reviewPiece(agent: Agent, fileNumber: string, pieceId: number, form: Record<string, string | undefined>, ip: string): Promise<{ ok: true } | InstructionError | { ok: false; errors: Record<string, string> }> {
      const found = await find(agent, fileNumber);
      if (!found.ok) return found;
      const p = found.p;
      if (p.assigned_agent_id !== agent.id) return { ok: false, error: 'Prenez d’abord la demande pour examiner ses pièces.', status: 409 };
      if (p.status !== 'awaiting_review') return { ok: false, error: `Cette demande est « ${STATUS_LABELS[p.status]} » : ses pièces ne sont plus à examiner.`, status: 409 };
      const piece = await attachments.find(owner(p), pieceId);
      if (!piece) return { ok: false, error: 'Pièce introuvable.', status: 404 };
      const decision = form.decision;
      const reason = form.reason as RefusalReason | undefined;
      const note = (form.note ?? '').trim();
      const errors: Record<string, string> = {};
      if (decision !== 'accepted' && decision !== 'refused') errors[`decision-${pieceId}`] = 'Choisissez d’accepter ou de refuser la pièce';
      if (decision === 'refused' && (!reason || !(reason in REFUSAL_REASONS))) errors[`reason-${pieceId}`] = 'Choisissez le motif du refus';
      if (decision === 'refused' && reason === 'autre' && !note) errors[`note-${pieceId}`] = 'Précisez le motif du refus';
      if (note.length > 500) errors[`note-${pieceId}`] = 'La précision ne doit pas dépasser 500 caractères';
      if (Object.keys(errors).length) return { ok: false, errors };
      return db.transaction().execute(async (trx) => {
        const done = await attachments.review(trx, piece.id, { status: decision as 'accepted' | 'refused', reason: decision === 'refused' ? reason! : null, note: note || null, agentId: agent.id });
        if (!done) return { ok: false as const, error: 'Cette pièce a déjà été examinée.', status: 409 as const };
        await audit(trx, actor(agent, ip), `attachment.${decision}`, { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, attachment: piece.id, purpose: piece.purpose, reason: decision === 'refused' ? reason : null });
        return { ok: true as const };
      });
    },

    /** A decision through the state machine; a note is required to ask for a complement or to reject. */
    async decide(agent: Agent, fileNumber: string, action: string, form: Record<string, string | undefined>, ip: string): Promise<{ ok: true } | InstructionError | { ok: false; errors: Record<string, string> }> {
      const found = await find(agent, fileNumber);
      if (!found.ok) return found;
      const p = found.p;
      const allowed = (AGENT_ACTIONS[p.kind] ?? []) as readonly string[];
      if (!allowed.includes(action)) return { ok: false, error: 'Décision inconnue pour cette démarche.', status: 400 };
      const a = action as ProcedureAction;
      if (!agentActionsFor(p.kind, p.status).includes(a)) return { ok: false, error: `Cette demande est « ${STATUS_LABELS[p.status]} » : cette décision n’est pas possible. Rien n’a été modifié.`, status: 409 };
      if (p.assigned_agent_id !== agent.id) return { ok: false, error: p.assigned_agent_id ? 'Un autre agent a pris cette demande : vous ne pouvez pas la décider.' : 'Prenez d’abord la demande pour la décider.', status: 409 };
      const note = (form.note ?? '').trim();
      const pieces = await attachments.list(owner(p));
      const NOTE_REQUIRED: Partial<Record<ProcedureAction, string>> = {
        reject: 'Indiquez le motif du rejet, qui sera montré à l’usager',
        ask_complement: 'Écrivez la note qui explique à l’usager ce qu’il doit compléter',
        process: 'Écrivez la réponse à l’usager : ce qui a été fait pour sa demande',
      };
      if (NOTE_REQUIRED[a] && !note) return { ok: false, errors: { [`note-${a}`]: NOTE_REQUIRED[a] } };
      if (note.length > MESSAGE_MAX) return { ok: false, errors: { [`note-${a}`]: `La note ne doit pas dépasser ${MESSAGE_MAX} caractères` } };
      if (a === 'accept_pieces' || a === 'process') {
        if (pieces.some((x) => x.review_status === 'pending')) return { ok: false, errors: { [`note-${a}`]: 'Examinez d’abord chaque pièce en attente' } };
        if (a === 'accept_pieces' && pieces.at(-1)?.review_status !== 'accepted') return { ok: false, errors: { [`note-${a}`]: 'La dernière pièce envoyée doit être acceptée pour valider' } };
      }
      return db.transaction().execute(async (trx) => {
        if (note) await postMessage(trx, owner(p), { kind: 'agent', agentId: agent.id }, note);
        const moved = await applyTransition(trx, config, p, a, actor(agent, ip), {
          agentId: agent.id,
          set: { decision_note: note || null, ...(a === 'ask_complement' ? {} : { assigned_agent_id: null, assigned_at: null }) },
          details: { note_length: note.length },
        });
        // lost the race (or the assignment): throwing rolls the note back, nothing is written
        if (!moved.ok) throw Object.assign(new Error('decision lost'), { lost: moved.reason });
        return { ok: true as const };
      }).catch((e: Error & { lost?: string }) => {
        if (!e.lost) throw e;
        return { ok: false as const, error: e.lost === 'not_assigned' ? 'Un autre agent a pris cette demande : vous ne pouvez pas la décider.' : 'Cette demande a changé entre-temps (un autre agent l’a décidée ?) : rechargez-la. Rien n’a été modifié.', status: 409 as const };
      });
    },

    /** A message to the user, who is told by email (without its content: it may hold personal data). */
    async message(agent: Agent, fileNumber: string, body: string, ip: string): Promise<{ ok: true } | InstructionError | { ok: false; errors: Record<string, string> }> {
      const found = await find(agent, fileNumber);
      if (!found.ok) return found;
      const p = found.p;
      const text = body.trim();
      if (!text) return { ok: false, errors: { message: 'Écrivez votre message' } };
      if (text.length > MESSAGE_MAX) return { ok: false, errors: { message: `Le message ne doit pas dépasser ${MESSAGE_MAX} caractères` } };
      await db.transaction().execute(async (trx) => {
        const id = await postMessage(trx, owner(p), { kind: 'agent', agentId: agent.id }, text);
        await notifyUser(trx, {
          accountId: p.account_id,
          subject: `Nouveau message du centre d’instruction (${PROCEDURE_LABELS[p.kind]} ${p.file_number})`,
          text: 'Le centre d’instruction vous a écrit au sujet de votre demande. Lisez son message sur la page de votre demande ; vous pouvez y répondre.',
          link: `${config.publicUrl}/vehicules/demandes/${p.file_number}`,
          dedupeKey: `request-message:${id}`,
        });
        await audit(trx, actor(agent, ip), 'agent.messaged_user', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, message: id });
      });
      return { ok: true };
    },

    /** A piece's bytes for an agent in scope (viewed inline); the access is audited. */
    async piece(agent: Agent, fileNumber: string, pieceId: number, ip: string) {
      const found = await find(agent, fileNumber);
      if (!found.ok) return null;
      const piece = await attachments.find(owner(found.p), pieceId);
      if (piece) await audit(db, actor(agent, ip), 'agent.viewed_attachment', { kind: 'vehicle_procedure', id: found.p.id }, { file_number: found.p.file_number, attachment: piece.id });
      return piece ?? null;
    },

    /** The request's history as CSV (terms of use §1.17: evidence in case of dispute), for operators. */
    async historyCsv(agent: Agent, fileNumber: string, ip: string): Promise<string | null> {
      if (agent.role !== 'operator') return null;
      const p = await db.selectFrom('vehicle_procedures').select(['id', 'file_number']).where('file_number', '=', fileNumber.toUpperCase()).executeTakeFirst();
      if (!p) return null;
      const rows = await db
        .selectFrom('audit_events')
        .select(['id', 'at', 'actor_kind', 'actor_id', 'action', 'ip', 'details', 'hash'])
        .where('subject_kind', '=', 'vehicle_procedure')
        .where('subject_id', '=', p.id)
        .orderBy('id')
        .execute();
      const cell = (v: unknown) => {
        const s = v === null || v === undefined ? '' : typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v);
        const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s; // no formula injection in a spreadsheet
        return `"${safe.replace(/"/g, '""')}"`;
      };
      await audit(db, actor(agent, ip), 'agent.exported_history', { kind: 'vehicle_procedure', id: p.id }, { file_number: p.file_number, rows: rows.length });
      return [['id', 'date_utc', 'acteur', 'acteur_id', 'action', 'ip', 'details', 'empreinte'].join(';'), ...rows.map((r) => [r.id, r.at, r.actor_kind, r.actor_id, r.action, r.ip, r.details, r.hash].map(cell).join(';'))].join('\r\n') + '\r\n';
    },
  };
}
export type VehicleInstruction = ReturnType<typeof createVehicleInstruction>;
