import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { dateProblemMessage, readFrenchDate } from '../../platform/french-date.ts';
import type { Agent } from '../../schema.ts';
import type { VehicleDeps } from '../vehicles/deps.ts';
import type { ProcedureKind, ProcedureStatus } from '../vehicles/tables.ts';
import { INSTRUCTED_KINDS } from './vehicle-access.ts';
import { unreadCountColumn } from './threads.ts';
import { type AccountSearchLimits, searchedIds, searchPlan } from './vehicle-search.ts';

/** The instruction centre's queues of vehicle requests: filters, search, keyset pages, oldest first. */

/** The statuses a vehicle request can have in the instruction centre's queues. */
export const QUEUE_STATUSES = ['awaiting_review', 'to_complete', 'in_progress', 'awaiting_payment', 'completed', 'rejected', 'cancelled'] as const satisfies readonly ProcedureStatus[];
export const PAGE_SIZE = 20;

export interface QueueFilters {
  status: ProcedureStatus;
  kind: ProcedureKind | null;
  department: string | null;
  from: string | null; // ISO date, submitted on or after
  to: string | null; // ISO date, submitted on or before
  q: string;
  after: string | null; // keyset cursor
  /** the dates as typed (JJ/MM/AAAA), shown again in the form */
  typed?: { du: string; au: string };
  /** a date that could not be read, or a period that ends before it starts: the field's French message */
  errors?: Partial<Record<'du' | 'au', string>>;
}

const DATE_FIELDS = { du: 'la date « Transmise à partir du »', au: 'la date « Transmise jusqu’au »' } as const;

export function parseFilters(query: Record<string, string | undefined>): QueueFilters {
  const errors: NonNullable<QueueFilters['errors']> = {};
  // The portal's one date field (JJ/MM/AAAA, ISO read too): a date that cannot be read filters nothing and is named.
  const date = (field: 'du' | 'au') => {
    const reading = readFrenchDate(query[field]);
    if (reading.ok) return reading.iso;
    if (reading.problem !== 'empty') errors[field] = dateProblemMessage(reading.problem, DATE_FIELDS[field], '01/12/2026');
    return null;
  };
  const from = date('du');
  const to = date('au');
  if (from && to && to < from) errors.au = 'La date « Transmise jusqu’au » doit être le même jour ou après la date « Transmise à partir du »';
  return {
    status: (QUEUE_STATUSES as readonly string[]).includes(query.statut ?? '') ? (query.statut as ProcedureStatus) : 'awaiting_review',
    kind: INSTRUCTED_KINDS.includes(query.demarche as ProcedureKind) ? (query.demarche as ProcedureKind) : null,
    department: /^(0[1-9]|[1-8]\d|9[0-5]|2A|2B|97[1-6])$/.test((query.departement ?? '').toUpperCase()) ? query.departement!.toUpperCase() : null,
    from,
    to: errors.au ? null : to,
    q: (query.q ?? '').trim().slice(0, 100),
    after: query.apres && /^[A-Za-z0-9_-]{10,80}$/.test(query.apres) ? query.apres : null,
    typed: { du: (query.du ?? '').trim().slice(0, 20), au: (query.au ?? '').trim().slice(0, 20) },
    errors,
  };
}

const encodeCursor = (at: Date, id: number) => Buffer.from(`${at.toISOString()}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { at: Date; id: number } | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const date = new Date(at ?? '');
  return Number.isNaN(date.getTime()) || !Number.isSafeInteger(Number(id)) ? null : { at: date, id: Number(id) };
}
/**
 * The queue's query for these filters (also read by the search benchmark's EXPLAIN): the page's
 * ids first (filters, search, keyset, order, limit), then the joins for those 21 rows only.
 */
/**
 * `searchDb`: the back office's own pool (database.backOffice), so that queues and searches never take citizens' connections;
 * `accountSearch`: how the matching accounts' requests are read (vehicle-search.ts; tests set it to reach each way).
 */
export type QueueDeps = Pick<VehicleDeps, 'db'> & { searchDb?: Db; accountSearch?: AccountSearchLimits };

export function queueQuery(deps: QueueDeps, agent: Agent, f: QueueFilters) {
  const db = deps.searchDb ?? deps.db;
  const cursor = f.after ? decodeCursor(f.after) : null;
  /** The queue's first page (its filters, keyset, order, limit) of the requests meeting a search's condition. */
  const firstPage = (condition?: RawBuilder<boolean>) => {
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
    if (condition) ids = ids.where(condition);
    if (cursor) ids = ids.where(sql<boolean>`(vp.submitted_at, vp.id) > (${cursor.at}, ${cursor.id})`);
    return ids.orderBy('vp.submitted_at').orderBy('vp.id').limit(PAGE_SIZE + 1);
  };
  // a search gathers the first pages of the places its text may be found (vehicle-search.ts)
  const page = f.q ? searchedIds(searchPlan(f.q), firstPage, PAGE_SIZE + 1, deps.accountSearch) : sql<{ id: number; submitted_at: Date | null }>`${firstPage()}`;
  return db
    .selectFrom(page.as('page'))
    .innerJoin('vehicle_procedures as vp', 'vp.id', 'page.id')
    .leftJoin('vehicles as v', 'v.id', 'vp.vehicle_id')
    .leftJoin('vehicle_holders as h', 'h.id', 'v.holder_id')
    .leftJoin('agents as ag', 'ag.id', 'vp.assigned_agent_id')
    .innerJoin('accounts as a', 'a.id', 'vp.account_id')
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
      // filed for someone else (« pour quelqu’un d’autre »): who filed it, as the search finds them too
      sql<string | null>`case when vp.initiator = 'other' then coalesce(a.organisation_name, nullif(trim(coalesce(a.given_name, '') || ' ' || upper(coalesce(a.family_name, ''))), ''), a.email) end`.as('filed_by'),
      // the users' unread messages, for the page's rows only, in the same statement
      unreadCountColumn('vehicle_procedure', 'vp.id', 'agent').as('unread'),
    ])
    .orderBy('vp.submitted_at')
    .orderBy('vp.id');
}

/** One page of a queue, oldest first, with each request's unread messages and the next page's cursor: one statement. */
export async function queue(deps: QueueDeps, agent: Agent, f: QueueFilters) {
  const rows = await queueQuery(deps, agent, f).execute();
  const page = rows.slice(0, PAGE_SIZE);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > PAGE_SIZE && last?.submitted_at ? encodeCursor(last.submitted_at, last.id) : null,
  };
}
