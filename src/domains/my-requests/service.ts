import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';
import { PAGE_SIZE, searchCandidates, SOURCES, statesIn, stateView, TABS, type Source, type StateView, type Tab } from './model.ts';

/** One request of the account, as the dashboard lists it. */
export interface RequestRow {
  source: Source;
  id: number;
  /** file number, pre-application number or contact reference; null for a pre-application draft */
  reference: string | null;
  /** the kind of procedure, licence reason, document or contact topic (the page names it) */
  subkind: string;
  plate: string | null;
  /** a contact request's subject */
  title: string | null;
  state: string;
  view: StateView;
  updatedAt: Date;
  createdAt: Date;
  /** messages of the instruction centre the user has not read yet (vehicle procedures) */
  unread: number;
  /** `updatedAt` to the microsecond, as PostgreSQL writes it (the cursor) */
  atText: string;
}

export interface RequestPage {
  rows: RequestRow[];
  /** the cursor of the next page, null on the last one */
  next: string | null;
}

interface Cursor {
  at: string;
  source: Source;
  id: number;
}
/** A timestamptz as PostgreSQL writes it: "2026-12-01 09:00:00.123456+00". */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?|Z)$/;
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify([c.at, c.source, c.id])).toString('base64url');
function decodeCursor(value: string | undefined): Cursor | null {
  if (!value || value.length > 200) return null;
  try {
    const [at, source, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof at !== 'string' || !TIMESTAMP.test(at) || !SOURCES.includes(source as Source) || !Number.isSafeInteger(id)) return null;
    return { at, source: source as Source, id: id as number };
  } catch {
    return null;
  }
}

/**
 * Each kind of request as one SELECT of the same columns. `at` is the instant the list sorts on
 * (last update; a contact request's receipt) and `at_text` that instant to the microsecond, for the
 * cursor. Every branch reads only the account's own rows: the account id is in each WHERE.
 */
interface Branch {
  source: Source;
  /** FROM … WHERE <account> : the table(s) with the account's rows */
  from: (accountId: number) => RawBuilder<unknown>;
  state: RawBuilder<string>;
  at: RawBuilder<Date>;
  id: RawBuilder<number>;
  columns: RawBuilder<unknown>;
  /** the condition of a search by file number or plate, in their stored forms (model.ts) */
  search: (c: { references: string[]; plates: string[] }) => RawBuilder<boolean>;
}

function branches(now: Date): Branch[] {
  return [
    {
      source: 'vehicle',
      from: (accountId) => sql`vehicle_procedures vp left join vehicles v on v.id = vp.vehicle_id where vp.account_id = ${accountId}`,
      state: sql<string>`case when vp.status = 'in_progress' and vp.submitted_at is not null then 'in_progress_reviewed' else vp.status end`,
      at: sql<Date>`vp.updated_at`,
      id: sql<number>`vp.id`,
      columns: sql`vp.file_number as reference, vp.kind as subkind, coalesce(v.plate, vp.data->'tpc'->>'plate') as plate, null::text as title, vp.created_at`,
      search: (c) => sql<boolean>`(vp.file_number in (${sql.join(c.references)}) or vp.vehicle_id in (select id from vehicles where plate in (${sql.join(c.plates)})))`,
    },
    {
      source: 'pre_application',
      from: (accountId) => sql`pre_applications pa where pa.account_id = ${accountId}`,
      state: sql<string>`case when pa.status = 'submitted' and pa.expires_at < ${now} then 'expired' else pa.status end`,
      at: sql<Date>`pa.updated_at`,
      id: sql<number>`pa.id`,
      columns: sql`pa.number as reference, pa.document as subkind, null::text as plate, null::text as title, pa.created_at`,
      search: (c) => sql<boolean>`pa.number in (${sql.join(c.references)})`,
    },
    {
      source: 'licence',
      from: (accountId) => sql`licence_requests lr where lr.account_id = ${accountId}`,
      state: sql<string>`lr.status`,
      at: sql<Date>`lr.updated_at`,
      id: sql<number>`lr.id`,
      columns: sql`lr.file_number as reference, lr.reason as subkind, null::text as plate, null::text as title, lr.created_at`,
      search: (c) => sql<boolean>`lr.file_number in (${sql.join(c.references)})`,
    },
    {
      source: 'contact',
      from: (accountId) => sql`contact_requests cr where cr.account_id = ${accountId}`,
      state: sql<string>`cr.status`,
      at: sql<Date>`cr.received_at`,
      id: sql<number>`cr.id`,
      columns: sql`cr.reference, cr.topic as subkind, null::text as plate, cr.subject as title, cr.received_at as created_at`,
      // a contact request is found by its own reference or by the file number it is about
      search: (c) => sql<boolean>`(cr.reference in (${sql.join(c.references)}) or cr.file_number in (${sql.join(c.references)}))`,
    },
  ];
}

/** Orders the list: newest activity first; at the same instant by kind (SOURCES order), then id. */
const rank = (source: Source) => SOURCES.indexOf(source);

/** The keyset condition of a branch after `cursor`, written so that its `at <= …` part can use the index. */
function afterCursor(b: Branch, cursor: Cursor): RawBuilder<boolean> {
  const at = sql`${cursor.at}::timestamptz`;
  if (rank(b.source) < rank(cursor.source)) return sql<boolean>`${b.at} < ${at}`; // listed before the cursor's kind at equal instants
  if (rank(b.source) > rank(cursor.source)) return sql<boolean>`${b.at} <= ${at}`;
  return sql<boolean>`${b.at} <= ${at} and (${b.at} < ${at} or ${b.id} < ${cursor.id})`;
}

interface RawRow {
  source: Source;
  id: number;
  reference: string | null;
  subkind: string;
  plate: string | null;
  title: string | null;
  state: string;
  at: Date;
  at_text: string;
  created_at: Date;
}

export function createMyRequests(deps: { db: Db }) {
  const { db } = deps;

  async function unreadOf(accountId: number, rows: RawRow[]): Promise<Map<number, number>> {
    const ids = rows.filter((r) => r.source === 'vehicle').map((r) => r.id);
    if (!ids.length) return new Map();
    const counts = await db
      .selectFrom('request_messages as m')
      .innerJoin('vehicle_procedures as vp', 'vp.id', 'm.owner_id')
      .select(['m.owner_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('m.owner_kind', '=', 'vehicle_procedure')
      .where('m.owner_id', 'in', ids)
      .where('vp.account_id', '=', accountId)
      .where('m.author_kind', '=', 'agent')
      .where('m.read_at', 'is', null)
      .groupBy('m.owner_id')
      .execute();
    return new Map(counts.map((c) => [Number(c.owner_id), Number(c.n)]));
  }

  async function select(accountId: number, where: (b: Branch) => RawBuilder<boolean> | null, limit: number): Promise<RequestRow[]> {
    const parts = branches(new Date()).map((b) => {
      const condition = where(b);
      return sql`(select ${sql.lit(b.source)}::text as source, ${b.id} as id, ${b.columns}, ${b.state} as state, ${b.at} as at, ${b.at}::text as at_text
        from ${b.from(accountId)} ${condition ? sql`and ${condition}` : sql``}
        order by ${b.at} desc, ${b.id} desc limit ${limit})`;
    });
    const result = await sql<RawRow>`select * from (${sql.join(parts, sql` union all `)}) r
      order by r.at desc, ${sql.raw(`array_position(array[${SOURCES.map((s) => `'${s}'`).join(',')}]::text[], r.source)`)}, r.id desc
      limit ${limit}`.execute(db);
    const unread = await unreadOf(accountId, result.rows);
    return result.rows.map((r) => ({
      source: r.source,
      id: Number(r.id),
      reference: r.reference,
      subkind: r.subkind,
      plate: r.plate,
      title: r.title,
      state: r.state,
      view: stateView(r.source, r.state),
      updatedAt: new Date(r.at),
      createdAt: new Date(r.created_at),
      unread: r.source === 'vehicle' ? (unread.get(Number(r.id)) ?? 0) : 0,
      atText: r.at_text,
    }));
  }

  return {
    /** One page of a tab, newest activity first; `after` is the cursor the previous page gave. */
    async page(accountId: number, tab: Tab, after?: string): Promise<RequestPage> {
      const cursor = decodeCursor(after);
      const rows = await select(
        accountId,
        (b) => {
          const states = statesIn(b.source, tab);
          if (!states.length) return sql<boolean>`false`;
          const inTab = sql<boolean>`${b.state} in (${sql.join(states)})`;
          return cursor ? sql<boolean>`${inTab} and ${afterCursor(b, cursor)}` : inTab;
        },
        PAGE_SIZE + 1,
      );
      const shown = rows.slice(0, PAGE_SIZE);
      const last = shown.at(-1);
      return {
        rows: shown,
        next: rows.length > PAGE_SIZE && last ? encodeCursor({ at: last.atText, source: last.source, id: last.id }) : null,
      };
    },

    /** How many requests each tab holds. */
    async counts(accountId: number): Promise<Record<Tab, number>> {
      const counts = Object.fromEntries(TABS.map((t) => [t.key, 0])) as Record<Tab, number>;
      const parts = branches(new Date()).map(
        (b) => sql`(select ${sql.lit(b.source)}::text as source, ${b.state} as state, count(*)::int as n from ${b.from(accountId)} group by 2)`,
      );
      const result = await sql<{ source: Source; state: string; n: number }>`${sql.join(parts, sql` union all `)}`.execute(db);
      for (const r of result.rows) counts[stateView(r.source, r.state).tab] += Number(r.n);
      return counts;
    },

    /** The account's requests whose file number, reference or plate is `q` (normalised: model.ts), at most 50. */
    search: (accountId: number, q: string): Promise<RequestRow[]> => {
      const candidates = searchCandidates(q);
      return select(accountId, (b) => b.search(candidates), 50);
    },
  };
}
export type MyRequests = ReturnType<typeof createMyRequests>;
