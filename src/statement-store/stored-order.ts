// `stored` as a position in a store's statements. stored_ms is assigned inside the insert as max(database clock,
// newest stored + 1 ms) (statement-rows.ts), so it never decreases as seq grows within a store: a time is a seq
// boundary, found by a binary search over the store's walk (store-walk.ts), about two seeks per halving of the seq
// range (at most 64). This spares every statement a (store_id, stored_ms) index entry, which D1 would bill as a row
// written and keep as ~26 bytes, for one bounded search per query with since/until.
import type { BuiltSql } from "./query/sql";
import { walkEnd } from "./store-walk";

/**
 * The first seq of `storeId` stored after `ms` (a scalar subquery; NULL when none is). Search state (lo, hi):
 * every store seq below lo was stored at or before ms, every store seq at or above hi after it.
 */
export function firstSeqStoredAfter(storeId: string, ms: number): BuiltSql {
  const first = (from?: string) => walkEnd({ store: "?", ...(from === undefined ? {} : { from }) }, "seq");
  const sql = `(WITH RECURSIVE bs(lo, hi) AS (
  SELECT ${first()}, ${walkEnd({ store: "?" }, "seq", true)} + 1
  UNION ALL
  SELECT CASE WHEN p.seq IS NULL OR p.seq >= bs.hi OR p.stored_ms > ? THEN bs.lo ELSE p.seq + 1 END,
    CASE WHEN p.seq IS NULL OR p.seq >= bs.hi THEN (bs.lo + bs.hi) / 2 WHEN p.stored_ms > ? THEN p.seq ELSE bs.hi END
  FROM bs LEFT JOIN statements AS p ON p.seq = ${first("(bs.lo + bs.hi) / 2")}
  WHERE bs.lo < bs.hi)
${first("(SELECT min(hi) FROM bs)").slice(1, -1)})`;
  // Each "?" in order: the walks repeat the store.
  const stores = (n: number) => Array<string>(n).fill(storeId);
  return { sql, params: [...stores(4), ms, ms, ...stores(3), ...stores(3)] };
}

/** The newest `stored` of a store (ms), or NULL: the last row of its walk. ?1 is the store. */
export const NEWEST_STORED_MS_SQL = walkEnd({ store: "?1" }, "stored_ms", true);
