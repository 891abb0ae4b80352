import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../platform/db/database.ts';

/** A request's message thread between its user and the agents; each side sees what the other has not read yet. */
export interface ThreadOwner {
  kind: string;
  id: number;
}
export type ThreadAuthor = { kind: 'user'; accountId: number } | { kind: 'agent'; agentId: number };
export type Reader = 'user' | 'agent';

export const MESSAGE_MAX = 4000;

export async function postMessage(trx: Db, owner: ThreadOwner, author: ThreadAuthor, body: string): Promise<number> {
  const row = await trx
    .insertInto('request_messages')
    .values({
      owner_kind: owner.kind,
      owner_id: owner.id,
      author_kind: author.kind,
      author_account_id: author.kind === 'user' ? author.accountId : null,
      author_agent_id: author.kind === 'agent' ? author.agentId : null,
      body: body.slice(0, MESSAGE_MAX),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ThreadMessage {
  id: number;
  authorKind: 'user' | 'agent';
  /** agents are shown as "Centre d'instruction" to the user; their name only in the back office */
  agentName: string | null;
  body: string;
  createdAt: Date;
  unread: boolean;
}

/** The thread, oldest first; `unread` from the reader's side. */
export async function listMessages(db: Db, owner: ThreadOwner, reader: Reader): Promise<ThreadMessage[]> {
  const rows = await db
    .selectFrom('request_messages')
    .leftJoin('agents', 'agents.id', 'request_messages.author_agent_id')
    .select(['request_messages.id', 'request_messages.author_kind', 'request_messages.body', 'request_messages.created_at', 'request_messages.read_at', 'agents.display_name'])
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .orderBy('request_messages.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    authorKind: r.author_kind,
    agentName: r.display_name ?? null,
    body: r.body,
    createdAt: r.created_at,
    unread: r.author_kind !== reader && r.read_at === null,
  }));
}

/** The reader has seen the thread: the other side's messages are marked read. */
export async function markRead(db: Db, owner: ThreadOwner, reader: Reader): Promise<void> {
  await db
    .updateTable('request_messages')
    .set({ read_at: new Date() })
    .where('owner_kind', '=', owner.kind)
    .where('owner_id', '=', owner.id)
    .where('author_kind', '!=', reader)
    .where('read_at', 'is', null)
    .execute();
}

/** The thread as the reader sees it now (what was unread is flagged), then marked read. */
export async function readThread(db: Db, owner: ThreadOwner, reader: Reader): Promise<ThreadMessage[]> {
  const messages = await listMessages(db, owner, reader);
  await markRead(db, owner, reader);
  return messages;
}

/**
 * The unread messages of each listed owner as a column of the list's own query (one round trip for a
 * page: "Mes démarches", the agents' queue): `ownerId` names the owner's id column.
 */
export function unreadCountColumn(ownerKind: string, ownerId: string, reader: Reader): RawBuilder<number> {
  return sql<number>`(select count(*)::int from request_messages m where m.owner_kind = ${ownerKind} and m.owner_id = ${sql.ref(ownerId)} and m.author_kind != ${reader} and m.read_at is null)`;
}
