// How fresh the console's figures are: the rollups count statements up to the store's aggregator cursor
// (aggregate.ts), so a figure page says up to which stored time they count and, when the aggregator is behind,
// up to which stored time statements wait to be counted. Seeks only, whatever the lag (no count of the waiting
// statements: that would walk them): the cursor by primary key, then one step of the store's walk each way
// from it (store-walk.ts), a few rows read.
import { walkEnd } from "../store-walk";
import { CURSOR } from "./aggregate";

const FRESHNESS_SQL = `
SELECT ${walkEnd({ store: "?1", through: "c.seq" }, "stored_ms", true)} AS counted_ms,
  ${walkEnd({ store: "?1", from: "c.seq + 1" }, "stored_ms", true)} AS uncounted_ms
FROM (SELECT ${CURSOR} AS seq) c`;

export type Freshness = {
  /** `stored` (ms) of the newest statement counted; null when none is. */
  countedThroughMs: number | null;
  /** `stored` (ms) of the newest statement not counted yet; null when the aggregator is caught up. */
  uncountedThroughMs: number | null;
};

type Row = { counted_ms: number | null; uncounted_ms: number | null };

export function freshnessQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare(FRESHNESS_SQL).bind(storeId);
}

/** The Freshness in FRESHNESS_SQL's result (one row). */
export function freshnessOf(result: D1Result<object> | undefined): Freshness {
  const row = result?.results[0] as Row | undefined;
  return { countedThroughMs: row?.counted_ms ?? null, uncountedThroughMs: row?.uncounted_ms ?? null };
}

export async function readFreshness(db: D1Database, storeId: string): Promise<Freshness> {
  return freshnessOf(await freshnessQuery(db, storeId).all<Row>());
}
