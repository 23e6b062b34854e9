// Storage verb for statement queries: at most `fetch` rows, in seq order, read through index seeks only.
import type { IndexFilter } from "./parameters";
import { buildSelectivitySql, buildStatementQuerySql, type QueryPlan } from "./sql";

export type QueriedRow = { seq: number; storedMs: number; statement: string };

// How far the selectivity probe counts each filter: past this, filters are ranked by kind alone.
const SELECTIVITY_CAP = 2000;
// Which filter to drive from when counts tie: usually the narrowest first.
const KIND_RANK: Record<IndexFilter["kind"], number> = {
  registration: 0,
  agent: 1,
  activity: 2,
  verb: 3,
  related_agent: 4,
  related_activity: 5,
};

// Statement text per page (characters): with the page size capped, this keeps a page of unusually large
// statements from exhausting the Worker's memory; `more` continues after the last statement served.
export const PAGE_TEXT_BUDGET = 4_000_000;

export type StatementPage = { rows: QueriedRow[]; hasMore: boolean };

/** One page of at most `limit` statements in seq order, and whether the query has more after it. */
export async function queryStatements(
  db: D1Database,
  plan: Omit<QueryPlan, "fetch" | "maxBytes"> & { limit: number; maxBytes?: number },
): Promise<StatementPage> {
  const filters = await orderBySelectivity(db, plan.storeId, plan.filters);
  if (!filters) return { rows: [], hasMore: false };
  const { sql, params } = buildStatementQuerySql({
    ...plan,
    filters,
    fetch: plan.limit + 1,
    maxBytes: plan.maxBytes ?? PAGE_TEXT_BUDGET,
  });
  const { results } = await db.prepare(sql).bind(...params).all<QueriedRow & { matched: number }>();
  const rows = results.slice(0, plan.limit).map(({ seq, storedMs, statement }) => ({ seq, storedMs, statement }));
  return { rows, hasMore: (results[0]?.matched ?? 0) > rows.length };
}

/**
 * With two or more filters, the one matching the fewest index rows drives the query, so the walk is as short
 * as the rarest filter makes it (one round trip counting at most SELECTIVITY_CAP index entries per filter).
 * undefined when some filter matches nothing at all.
 */
async function orderBySelectivity(
  db: D1Database,
  storeId: string,
  filters: IndexFilter[],
): Promise<IndexFilter[] | undefined> {
  const byKind = [...filters].sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
  if (byKind.length < 2) return byKind;
  const { sql, params } = buildSelectivitySql(storeId, byKind, SELECTIVITY_CAP);
  const counts = await db.prepare(sql).bind(...params).first<Record<string, number>>();
  const ranked = byKind.map((filter, i) => ({ filter, count: counts?.[`c${i}`] ?? SELECTIVITY_CAP, i }));
  // A filter nothing matches answers the whole query.
  if (ranked.some(({ count }) => count === 0)) return undefined;
  ranked.sort((a, b) => a.count - b.count || a.i - b.i);
  return ranked.map(({ filter }) => filter);
}
