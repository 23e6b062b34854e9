// Storage verb for statement queries: one page in seq order, read through index seeks only.
import type { IndexFilter } from "./parameters";
import { orderByCounts, rankByKind, SELECTIVITY_CAP } from "./selectivity";
import { buildSelectivitySql, buildStatementQuerySql, PAGE_TEXT_BUDGET, type QueryPlan } from "./sql";

export type QueriedRow = { seq: number; storedMs: number; statement: string };

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

/** The filters, rarest first (one probe round trip when there are two or more); undefined if one matches nothing. */
async function orderBySelectivity(
  db: D1Database,
  storeId: string,
  filters: IndexFilter[],
): Promise<IndexFilter[] | undefined> {
  const ranked = rankByKind(filters);
  if (ranked.length < 2) return ranked;
  const { sql, params } = buildSelectivitySql(storeId, ranked, SELECTIVITY_CAP);
  return orderByCounts(ranked, await db.prepare(sql).bind(...params).first<Record<string, number>>());
}
