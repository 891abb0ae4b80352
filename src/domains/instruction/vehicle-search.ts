import { type Expression, type RawBuilder, sql } from 'kysely';

/**
 * What an agent's search text looks for, and where (issue 20). Two places answer it:
 *
 * - the request row (migration 0029): a file number or a plate exactly (b-trees), and the names of
 *   its holders, normalised in `search_names` (registry holder chr(31) part 2 holder), by trigrams;
 * - the accounts (migration 0033): the names and the email of the account that filed it, through
 *   the accounts' own trigram indexes, never copied into its requests (a garage renamed writes one
 *   row, not its 25,000 requests).
 *
 * Names and emails are compared in their normalised form (lower case, no accents: `search_key`),
 * so both sides always agree.
 */
export interface SearchPlan {
  /** a condition on the request row (`vp`), or null: the row is not searched */
  row: RawBuilder<boolean> | null;
  /** a condition on the filing account (`a`), or null: the accounts are not searched */
  account: RawBuilder<boolean> | null;
}

const likePattern = (s: string) => `%${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A plate without separators: SIV (AB123CD) or FNI (1234AB75, 123ABC2A). */
const PLATE_SHAPES = [/^[A-Z]{2}\d{3}[A-Z]{2}$/, /^\d{1,4}[A-Z]{1,3}(\d{2}|2A|2B|97\d)$/];
/** Fewer letters than a trigram: a name or an email is not searched (it would read every request). */
export const NAME_SEARCH_MIN = 3;
/** Separates the parts of search_names: the registry holder's names, the part 2 holder's (migration 0029). */
const NAMES_SEPARATOR = '\u001f';

/** An account's normalised names and email: the expressions of its trigram indexes (migration 0033). */
const accountNames = sql`account_search_key(a.family_name, a.given_name, a.organisation_name)`;
const accountEmail = sql`search_key(a.email)`;

export function searchPlan(text: string): SearchPlan {
  const compact = text.toUpperCase().replace(/[\s-]/g, '');
  // What the text looks like decides where to look: each kind of search is one index.
  if (/^V\d{2}[A-Z0-9]{8}$/.test(compact)) return { row: sql<boolean>`vp.file_number = ${`${compact.slice(0, 3)}-${compact.slice(3)}`}`, account: null };
  const byPlate = sql<boolean>`vp.search_plate = plate_key(${text})`;
  if (PLATE_SHAPES.some((shape) => shape.test(compact))) return { row: byPlate, account: null };
  const byEmail = sql<boolean>`${accountEmail} like search_key(${likePattern(text)})`;
  if (text.includes('@')) return { row: null, account: byEmail };
  if (text.replace(/[\s%_\\]/g, '').length < NAME_SEARCH_MIN) return { row: byPlate, account: null };
  // the separator typed would match across two people: no name holds it
  if (text.includes(NAMES_SEPARATOR)) return { row: byPlate, account: byEmail };
  return { row: sql<boolean>`(${holdersCondition(text)} or ${byPlate})`, account: sql<boolean>`(${filerCondition(text)} or ${byEmail})` };
}

/** The words of a name as the user gives it (« Camille Martin », « MARTIN Camille », « jean-pierre durand »). */
const wordsOf = (text: string) => text.split(/[\s-]+/).filter((word) => word.length > 0);
/** One word, or no word long enough for a trigram index: the text is searched as typed, as one piece. */
const asOnePiece = (words: string[]) => words.length < 2 || !words.some((word) => word.replace(/[%_\\]/g, '').length >= NAME_SEARCH_MIN);

/**
 * The request's holders: each word, in any order, in the names of the same holder (the registry's or
 * the part 2's: one part of search_names between separators), never some words in one and the rest in
 * the other. Each word of a trigram or more is its own trigram condition on search_names, AND-ed (the
 * index finds the rows); the same-holder check and the shorter words (« le », « de ») are read on those
 * rows only.
 */
function holdersCondition(text: string) {
  const words = wordsOf(text);
  if (asOnePiece(words)) return sql<boolean>`vp.search_names like search_key(${likePattern(text)})`;
  const indexed = words.filter((word) => word.replace(/[%_\\]/g, '').length >= NAME_SEARCH_MIN);
  const like = (word: string) => sql<boolean>`vp.search_names like search_key(${likePattern(word)})`;
  const sameHolder = sql<boolean>`exists (select from unnest(string_to_array(vp.search_names, chr(31))) as holder(names)
    where ${sql.join(words.map((word) => sql`holder.names like search_key(${likePattern(word)})`), sql` and `)})`;
  return sql<boolean>`(${sql.join(indexed.map(like), sql` and `)} and ${sameHolder})`;
}

/** The filing account: every word in its names (one person: family name, organisation, given name). */
function filerCondition(text: string) {
  const words = wordsOf(text);
  if (asOnePiece(words)) return sql<boolean>`${accountNames} like search_key(${likePattern(text)})`;
  return sql<boolean>`(${sql.join(words.map((word) => sql`${accountNames} like search_key(${likePattern(word)})`), sql` and `)})`;
}

/**
 * How the requests of the matching accounts are read, by how many accounts match (those that have
 * filed a request; counted once per search, up to `hashUpTo` + 1):
 * - up to `eachUpTo` (a rare name, an email, a garage however many requests it has): each account's
 *   own first page through (account_id, status, submitted_at, id), beside the request rows' own
 *   search (walk or indexes, the planner's choice);
 * - up to `hashUpTo` (a common name): one walk of the queue in its order, each row kept if the row
 *   matches or its account is in a hash of the matching ones, until the page is full;
 * - more (a text nearly every account holds, as a mail domain): the same walk, each row's account
 *   looked up by its key instead of hashing them all; so many accounts match that the page fills
 *   within a few rows.
 * The thresholds come from measures at 1 M requests and 100 k accounts (docs/performance.md, helper
 * E, 2 December); each way gives the same page (test/integration/request-search-accounts.test.ts).
 */
export interface AccountSearchLimits {
  eachUpTo: number;
  hashUpTo: number;
}
export const ACCOUNT_SEARCH: AccountSearchLimits = { eachUpTo: 500, hashUpTo: 2000 };

/** A first page of the queue (its filters, keyset, order and limit) of the requests meeting a condition on `vp`. */
export type FirstPage = (condition: RawBuilder<boolean>) => Expression<unknown>;
type PageId = { id: number; submitted_at: Date | null };

/**
 * The page's ids (and submission times) for a search: the first page of each way that may hold a
 * match, gathered, ordered, cut to the page. One statement; the count of matching accounts
 * (`matched`, read once) chooses which branches run — the others stop at their one-time filter
 * without reading anything.
 */
export function searchedIds(plan: SearchPlan, firstPage: FirstPage, pageSize: number, limits: AccountSearchLimits = ACCOUNT_SEARCH) {
  if (!plan.account) return sql<PageId>`${firstPage(plan.row!)}`;
  const matching = sql<number>`(select count(*) from matched)`;
  const few = sql<boolean>`${matching} <= ${sql.lit(limits.eachUpTo)}`;
  const orRow = (byAccount: RawBuilder<boolean>) => (plan.row ? sql<boolean>`(${plan.row} or ${byAccount})` : byAccount);
  const branches = [
    sql`(select own.id, own.submitted_at from matched cross join lateral ${firstPage(sql<boolean>`vp.account_id = matched.id`)} as own where ${few})`,
    // each account test is read on the rows of the queue's walk: a hash of the matched ids (coalesce keeps it out of
    // a semi-join), or the row's account by its key (a scalar subquery: never turned into a hash of every matching account)
    sql`${firstPage(sql<boolean>`${orRow(sql<boolean>`coalesce(vp.account_id in (select matched.id from matched), false)`)} and ${matching} > ${sql.lit(limits.eachUpTo)} and ${matching} <= ${sql.lit(limits.hashUpTo)}`)}`,
    sql`${firstPage(sql<boolean>`${orRow(sql<boolean>`coalesce((select true from accounts a where a.id = vp.account_id and ${plan.account}), false)`)} and ${matching} > ${sql.lit(limits.hashUpTo)}`)}`,
  ];
  if (plan.row) branches.unshift(sql`${firstPage(sql<boolean>`${plan.row} and ${few}`)}`);
  // the accounts that have filed a request at all (the others can add nothing to a page, nor count for the way chosen)
  return sql<PageId>`(with matched as materialized (select a.id from accounts a where exists (select from vehicle_procedures vp where vp.account_id = a.id and vp.submitted_at is not null) and ${plan.account} limit ${sql.lit(limits.hashUpTo + 1)})
    select found.id, found.submitted_at from (${sql.join(branches, sql` union `)}) as found order by found.submitted_at, found.id limit ${sql.lit(pageSize)})`;
}
