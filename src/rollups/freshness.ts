// How fresh the console's figures are: the rollups count statements up to the store's aggregator cursor
// (aggregate.ts), so a page says up to which stored time they count, and how many statements stored since wait
// to be counted. Read in one statement, placed in the page's own D1 batch where it has one: a primary-key seek
// on the cursor, one seek back on statements_store_seq for the last counted statement's `stored`, and a count
// of the statements past the cursor that stops at PENDING_CAP (a bounded walk of the same index; 0 rows when
// the aggregator is caught up, which is the normal case).
import { CURSOR } from "./aggregate";

/** Statements past the cursor counted at most: beyond it the page says "more than". */
export const PENDING_CAP = 1000;

const FRESHNESS_SQL = `
SELECT (SELECT stored_ms FROM statements INDEXED BY statements_store_seq
    WHERE store_id = ?1 AND seq <= c.seq ORDER BY seq DESC LIMIT 1) AS counted_ms,
  (SELECT count(*) FROM (SELECT 1 FROM statements INDEXED BY statements_store_seq
    WHERE store_id = ?1 AND seq > c.seq LIMIT ${PENDING_CAP + 1})) AS pending
FROM (SELECT ${CURSOR} AS seq) c`;

export type Freshness = {
  /** `stored` (ms) of the newest statement counted; null when none is. */
  countedThroughMs: number | null;
  /** Statements stored but not counted yet, up to PENDING_CAP + 1 (read: more than PENDING_CAP). */
  pending: number;
};

export function freshnessQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare(FRESHNESS_SQL).bind(storeId);
}

type Row = { counted_ms: number | null; pending: number };

/** The Freshness in FRESHNESS_SQL's result (one row). */
export function freshnessOf(result: D1Result<object> | undefined): Freshness {
  const row = result?.results[0] as Row | undefined;
  return { countedThroughMs: row?.counted_ms ?? null, pending: row?.pending ?? 0 };
}

export async function readFreshness(db: D1Database, storeId: string): Promise<Freshness> {
  return freshnessOf(await freshnessQuery(db, storeId).all<Row>());
}
