// Storage verb for statement queries: one page in seq order, read through index seeks only.
import type { IndexFilter } from "../../xapi/statements/query/parameters";
import { orderByCounts, rankByKind, SELECTIVITY_DEPTH } from "./selectivity";
import { buildLegacyPageSql, legacyIndexInUse, mergePages, noteLegacyIndexGone } from "./legacy-index";
import { buildSelectivitySql, buildStatementQuerySql, PAGE_TEXT_BUDGET, type QueryPlan } from "./sql";

export type QueriedRow = { seq: number; storedMs: number; statement: string };

/** `driver`: which filter drove (its index in rankByKind's order), for the `more` cursor (./cursor.ts). */
export type StatementPage = { rows: QueriedRow[]; hasMore: boolean; driver?: number };

/**
 * One page of at most `limit` statements in seq order, and whether the query has more after it, with
 * `companion`'s result: it rides in the first round trip (the probe's batch, or the page's), so a page costs
 * one D1 call, or two when filters are ranked first (the first page of a query of two or more filters; later
 * pages are driven as the cursor says, `plan.driver`). It runs before the page, never after it.
 */
export async function queryStatements(
  db: D1Database,
  plan: Omit<QueryPlan, "fetch" | "maxBytes"> & { limit: number; maxBytes?: number; driver?: number },
  companion?: D1PreparedStatement,
): Promise<StatementPage & { companion?: D1Result }> {
  let pending = companion ? [companion] : [];
  let answered: D1Result[] = [];
  const ranked = rankByKind(plan.filters);
  let filters: IndexFilter[] | undefined = ranked;
  const kept = plan.driver !== undefined && ranked.length >= 2 ? ranked[plan.driver] : undefined;
  if (kept) {
    // Any driver answers the same rows (the others are checked); the first page's choice stays good for the next.
    filters = [kept, ...ranked.filter((filter) => filter !== kept)];
  } else if (ranked.length >= 2) {
    // The sparsest filter where the page reads drives, found by one probe (./selectivity.ts).
    const position = { afterSeq: plan.afterSeq, ascending: plan.ascending, sinceMs: plan.sinceMs, untilMs: plan.untilMs };
    const probe = buildSelectivitySql(plan.storeId, ranked, SELECTIVITY_DEPTH, position);
    answered = await db.batch<unknown>([...pending, db.prepare(probe.sql).bind(...probe.params)]);
    pending = [];
    const counts = answered[answered.length - 1]!.results[0] as Record<string, number | null> | undefined;
    // Counted within since/until, a filter without rows there still drives: a StatementRef inside the range may
    // target a match outside it, so only a count over the whole store can answer "nothing matches".
    const whole = plan.afterSeq === undefined && plan.sinceMs === undefined && plan.untilMs === undefined;
    filters = orderByCounts(ranked, counts, { ascending: plan.ascending, fromStart: whole });
  }
  const page = { ...plan, fetch: plan.limit + 1, maxBytes: plan.maxBytes ?? PAGE_TEXT_BUDGET };
  // Statements not moved yet by the upgrade backfill are found in the legacy index (./legacy-index.ts).
  const legacy = ranked.length > 0 && legacyIndexInUse() ? buildLegacyPageSql({ ...page, filters: ranked as [IndexFilter, ...IndexFilter[]] }) : undefined;
  if (!filters && !legacy) return { rows: [], hasMore: false, companion: companion && answered[0] };
  const pages = [
    ...(filters ? [buildStatementQuerySql({ ...page, filters })] : []),
    ...(legacy ? [legacy] : []),
  ];
  let read: D1Result<QueriedRow & { matched: number }>[];
  try {
    read = await db.batch<QueriedRow & { matched: number }>([...pending, ...pages.map(({ sql, params }) => db.prepare(sql).bind(...params))]);
  } catch (error) {
    // The backfill dropped the legacy table since this isolate last looked: the same page without it.
    if (legacy && noteLegacyIndexGone(error)) return queryStatements(db, plan, companion);
    throw error;
  }
  if (pending.length > 0) answered = read;
  const results = read.slice(read.length - pages.length).map((result) => result.results);
  const merged = results.length === 1 ? undefined : mergePages(results, { ...page, ascending: plan.ascending });
  const rows = (merged?.rows ?? results[0]!.slice(0, plan.limit)).map(({ seq, storedMs, statement }) => ({ seq, storedMs, statement }));
  const hasMore = merged ? merged.hasMore : (results[0]![0]?.matched ?? 0) > rows.length;
  const driver = ranked.length >= 2 && filters ? ranked.indexOf(filters[0]!) : undefined;
  return { rows, hasMore, ...(driver === undefined ? {} : { driver }), companion: companion && answered[0] };
}
