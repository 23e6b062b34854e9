// Counting new statements into rollup_counts off the request path: the store's aggregator
// (src/durable/rollup-aggregator.ts) and the rebuild job count the next page of statements past the store's
// cursor (schema.ts rollup_cursors) and move the cursor, in ONE D1 batch. Every bound (the cursor, the page's
// end, which statements are voided) is read inside that batch's transaction, not before it: a statement voided
// or erased between a read and a write cannot be counted by mistake, a failed or retried batch counts nothing
// twice, and two runs racing (an alarm run twice, the rebuild job beside the aggregator) just count successive
// pages. The keys come from statement-keys.ts, grouped in SQL: one upsert per distinct (dimension, day, a, b)
// of the page, whatever the number of statements.
import { legacyTablesOf } from "../legacy-rows";
import { walkFrom, walkHasAny, walkOrder } from "../store-walk";
import { internKeyValuesSql, rollupDeltaSql } from "./statement-keys";

/** The store's cursor (?1 the store): 0 for a store never aggregated (its first seq is above 0). */
export const CURSOR = "coalesce((SELECT seq FROM rollup_cursors WHERE store_id = ?1), 0)";

/** The store's statements past its cursor. */
const PAST_CURSOR = { store: "?1", from: `${CURSOR} + 1` };

/** The last seq of the next page of ?2 statements past the cursor (a walk of the store's runs). */
const PAGE_END = `(SELECT max(seq) FROM (SELECT s.seq AS seq ${walkFrom(PAST_CURSOR)} ORDER BY ${walkOrder()} LIMIT ?2))`;

/** Voided statements are skipped: a statement voided before the cursor passes it is never counted. */
const PAGE_SOURCE = `${walkFrom({ ...PAST_CURSOR, through: PAGE_END })} AND s.voided = 0`;
export const INTERN_PAGE_SQL = internKeyValuesSql(PAGE_SOURCE);
export const COUNT_PAGE_SQL = rollupDeltaSql(PAGE_SOURCE, 1);

/** Placed after COUNT_PAGE_SQL, which reads the cursor this moves; nothing to move, no row written. */
export const MOVE_CURSOR_SQL = `
WITH page AS MATERIALIZED (SELECT ${PAGE_END} AS last)
INSERT INTO rollup_cursors (store_id, seq) SELECT ?1, last FROM page WHERE last IS NOT NULL
ON CONFLICT (store_id) DO UPDATE SET seq = excluded.seq`;

/** Where the store stands once the page is counted. */
export const AGGREGATION_STATE_SQL = `
SELECT ${CURSOR} AS cursor,
  ${walkHasAny(PAST_CURSOR)} AS behind,
  EXISTS (SELECT 1 FROM stores WHERE id = ?1) AS store`;

/**
 * Statements per page: a page is one D1 batch reading about this many statements (D1: 30 s per batch; the rebuild
 * job's pages hold 5,000). A page upserts each (dimension, day, value) once, so bigger pages write fewer rows per
 * statement: on the bench's statements 2,000 took about a third less D1 time per statement than 500.
 */
export const PAGE_STATEMENTS = 2000;

export type PageOutcome = {
  /** The cursor after the page. */
  cursor: number;
  /** Statements remain past the cursor. */
  behind: boolean;
  /** The store exists (a deleted store's aggregator has nothing to do). */
  store: boolean;
  /** D1's own figures for the batch, for the bench. */
  rowsWritten: number;
};

/**
 * Whether the store's pages must intern their values first (INTERN_PAGE_SQL). Ingest interns every value a count
 * needs, so only statements stored before the dictionary can lack theirs, and those keep rows in
 * legacy_statement_index until the upgrade backfill has moved them into the dictionary (legacy-rows.ts) and,
 * once no store has any left, dropped the table. Interning re-derives every key of the page from its JSON: a
 * quarter of counting's D1 time, for nothing on a store with no legacy rows. Two D1 calls while the table
 * exists, one once it is gone.
 */
export async function pagesMustIntern(db: D1Database, storeId: string): Promise<boolean> {
  if (!(await legacyTablesOf(db)).has("legacy_statement_index")) return false;
  try {
    const row = await db.prepare(LEGACY_ROWS_LEFT_SQL).bind(storeId).first<{ left: number }>();
    return row?.left === 1;
  } catch (error) {
    // Dropped between the two calls: its rows had all been moved.
    if (String(error).includes("no such table")) return false;
    throw error;
  }
}

/** A seek on the legacy table's (store_id, seq) index. */
const LEGACY_ROWS_LEFT_SQL = "SELECT EXISTS (SELECT 1 FROM legacy_statement_index WHERE store_id = ?1) AS left";

export type PageOptions = {
  /** pagesMustIntern(), asked once per run: legacy rows moved never come back. */
  intern: boolean;
  pageStatements?: number;
};

/** Counts the next page of the store's statements and moves its cursor, in one transaction. */
export async function countNextPage(
  db: D1Database,
  storeId: string,
  { intern, pageStatements = PAGE_STATEMENTS }: PageOptions,
): Promise<PageOutcome> {
  const results = await db.batch<{ cursor: number; behind: number; store: number }>([
    ...(intern ? [db.prepare(INTERN_PAGE_SQL).bind(storeId, pageStatements)] : []),
    db.prepare(COUNT_PAGE_SQL).bind(storeId, pageStatements),
    db.prepare(MOVE_CURSOR_SQL).bind(storeId, pageStatements),
    db.prepare(AGGREGATION_STATE_SQL).bind(storeId),
  ]);
  const state = results.at(-1)!.results[0]!;
  const rowsWritten = results.reduce((sum, result) => sum + (result.meta.rows_written ?? 0), 0);
  return { cursor: state.cursor, behind: state.behind === 1, store: state.store === 1, rowsWritten };
}
