// `stored` as a position in a store's statements. stored_ms is assigned inside the insert as max(database clock,
// newest stored + 1 ms) (statement-rows.ts), so it never decreases as seq grows within a store: a time is a seq
// boundary, found by a binary search over the store's walk (store-walk.ts), about two seeks per halving of the seq
// range (at most 64). This spares every statement a (store_id, stored_ms) index entry, which D1 would bill as a row
// written and keep as ~26 bytes, for one bounded search per query with since/until.
import type { BuiltSql } from "./query/sql";
import { walkEnd } from "./store-walk";

/**
 * The first seq of `storeId` stored after `ms` (a scalar subquery; NULL when none is). Search state (lo, hi, top):
 * every store seq below lo was stored at or before ms, every store seq at or above hi after it; hi only ever takes
 * the seq of a store row, so it is the answer unless it is still `top` (past the store's last seq). Each step
 * probes the store's last row at or below the middle: a walk down from there, on the runs' primary key alone (a
 * walk up from a seq needs a nested lookup of the run holding it, and D1 caps an expression's nesting at 100).
 */
export function firstSeqStoredAfter(storeId: string, ms: number): BuiltSql {
  const mid = "(bs.lo + bs.hi) / 2";
  const sql = `(WITH RECURSIVE bs(lo, hi, top) AS (
  SELECT first, last + 1, last + 1 FROM (SELECT ${walkEnd({ store: "?" }, "seq")} AS first, ${walkEnd({ store: "?" }, "seq", true)} AS last)
  UNION ALL
  SELECT CASE WHEN p.seq IS NOT NULL AND p.seq >= bs.lo AND p.stored_ms > ? THEN bs.lo ELSE ${mid} + 1 END,
    CASE WHEN p.seq IS NOT NULL AND p.seq >= bs.lo AND p.stored_ms > ? THEN p.seq ELSE bs.hi END, bs.top
  FROM bs LEFT JOIN statements AS p ON p.seq = ${walkEnd({ store: "?", through: mid }, "seq", true)}
  WHERE bs.lo < bs.hi)
SELECT nullif(min(hi), min(top)) FROM bs)`;
  // Each "?" in order: the walks name the store twice each.
  const stores = (n: number) => Array<string>(n).fill(storeId);
  return { sql, params: [...stores(4), ms, ms, ...stores(2)] };
}

/** The newest `stored` of a store (ms), or NULL: the last row of its walk. ?1 is the store. */
export const NEWEST_STORED_MS_SQL = walkEnd({ store: "?1" }, "stored_ms", true);
