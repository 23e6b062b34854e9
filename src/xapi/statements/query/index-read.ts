// Storage verb for statement queries: one page in seq order, read through index seeks only.
import type { IndexFilter } from "./parameters";
import { orderByCounts, rankByKind, SELECTIVITY_CAP } from "./selectivity";
import { buildSelectivitySql, buildStatementQuerySql, PAGE_TEXT_BUDGET, type QueryPlan } from "./sql";

export type QueriedRow = { seq: number; storedMs: number; statement: string };

export type StatementPage = { rows: QueriedRow[]; hasMore: boolean };

/**
 * One page of at most `limit` statements in seq order, and whether the query has more after it, with
 * `companion`'s result: it rides in the first round trip (the probe's batch, or the page's), so a page costs
 * one D1 call, or two when filters are ranked first. It runs before the page, never after it.
 */
export async function queryStatements(
  db: D1Database,
  plan: Omit<QueryPlan, "fetch" | "maxBytes"> & { limit: number; maxBytes?: number },
  companion?: D1PreparedStatement,
): Promise<StatementPage & { companion?: D1Result }> {
  let pending = companion ? [companion] : [];
  let answered: D1Result[] = [];
  const ranked = rankByKind(plan.filters);
  let filters: IndexFilter[] | undefined = ranked;
  if (ranked.length >= 2) {
    // The rarest filter drives, counted by one probe (./selectivity.ts).
    const probe = buildSelectivitySql(plan.storeId, ranked, SELECTIVITY_CAP);
    answered = await db.batch<unknown>([...pending, db.prepare(probe.sql).bind(...probe.params)]);
    pending = [];
    filters = orderByCounts(ranked, answered[answered.length - 1]!.results[0] as Record<string, number> | undefined);
  }
  if (!filters) return { rows: [], hasMore: false, companion: companion && answered[0] };
  const { sql, params } = buildStatementQuerySql({
    ...plan,
    filters,
    fetch: plan.limit + 1,
    maxBytes: plan.maxBytes ?? PAGE_TEXT_BUDGET,
  });
  const read = await db.batch<QueriedRow & { matched: number }>([...pending, db.prepare(sql).bind(...params)]);
  if (pending.length > 0) answered = read;
  const { results } = read[read.length - 1]!;
  const rows = results.slice(0, plan.limit).map(({ seq, storedMs, statement }) => ({ seq, storedMs, statement }));
  return { rows, hasMore: (results[0]?.matched ?? 0) > rows.length, companion: companion && answered[0] };
}
