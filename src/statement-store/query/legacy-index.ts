// Queries while the upgrade backfill runs (src/statement-store/legacy-rows.ts): a statement stored before the storage
// change keeps its old index rows in legacy_statement_index until the backfill moves it, and each chunk moves
// whole statements in one transaction, so every statement is in exactly one of the two indexes. A filtered page
// is then the merge of two pages read in ONE batch (one snapshot): the new index's (sql.ts) and this one over the
// legacy rows, the query the previous release ran (its rows carry copies of their StatementRef targets' rows,
// which is how it answered 1.0.3 Communication 2.1.3 for them). Once the backfill drops the table, the first query
// to fail on it marks it gone in the isolate and nothing here runs again (it never comes back).
// Not covered meanwhile: a statement stored after the upgrade whose StatementRef targets a statement not moved yet
// is found through its own properties only, not its target's, until the target is moved.
import { firstSeqStoredAfter } from "../stored-order";
import type { IndexFilter } from "../../xapi/statements/query/parameters";
import type { BuiltSql, QueryPlan } from "./sql";
import { rowCredentialSql } from "../store-walk";

let legacyGone = false;

/** Whether queries still read legacy_statement_index (false once it was found dropped). */
export function legacyIndexInUse(): boolean {
  return !legacyGone;
}

/** True (and from then on legacyIndexInUse() false) when `error` says the legacy table is gone. */
export function noteLegacyIndexGone(error: unknown): boolean {
  if (!String(error instanceof Error ? error.message : error).includes("no such table: legacy_statement_index")) return false;
  legacyGone = true;
  return true;
}

/** The page over the legacy rows: one filter drives (a seek on its primary key), the others are probes. */
export function buildLegacyPageSql(plan: QueryPlan & { filters: [IndexFilter, ...IndexFilter[]] }): BuiltSql {
  const params: (string | number)[] = [];
  const [driver, ...others] = plan.filters;
  const where = ["d.store_id = ? AND d.kind = ? AND d.value = ?", "s.store_id = ?"];
  params.push(plan.storeId, driver.kind, driver.value, plan.storeId);
  if (plan.credentialId !== undefined) {
    where.push(`${rowCredentialSql("s")} = ?`);
    params.push(plan.credentialId);
  }
  if (plan.sinceMs !== undefined) {
    const first = firstSeqStoredAfter(plan.storeId, plan.sinceMs);
    where.push(`d.seq >= ${first.sql}`);
    params.push(...first.params);
  }
  if (plan.untilMs !== undefined) {
    const first = firstSeqStoredAfter(plan.storeId, plan.untilMs);
    where.push(`d.seq < coalesce(${first.sql}, 9223372036854775807)`);
    params.push(...first.params);
  }
  if (plan.afterSeq !== undefined) {
    where.push(`d.seq ${plan.ascending ? ">" : "<"} ?`);
    params.push(plan.afterSeq);
  }
  for (const filter of others) {
    where.push("EXISTS (SELECT 1 FROM legacy_statement_index AS f WHERE f.store_id = ? AND f.kind = ? AND f.value = ? AND f.seq = d.seq)");
    params.push(plan.storeId, filter.kind, filter.value);
  }
  // 1.0.3 Communication 2.1.4.s1.b1: voided statements never appear in query results.
  if (!plan.includeVoided) where.push("s.voided = 0");
  const direction = plan.ascending ? "ASC" : "DESC";
  params.push(plan.fetch);
  const page =
    `SELECT s.seq AS seq, s.stored_ms AS storedMs, s.statement AS statement FROM legacy_statement_index AS d ` +
    `CROSS JOIN statements AS s ON s.seq = d.seq WHERE ${where.join(" AND ")} ORDER BY d.seq ${direction} LIMIT ?`;
  if (plan.maxBytes === undefined) return { sql: page, params };
  // The same byte budget as the new index's page (sql.ts buildStatementQuerySql).
  params.push(plan.maxBytes);
  return {
    sql:
      `SELECT seq, storedMs, statement, matched FROM (SELECT seq, storedMs, statement, ` +
      `sum(length(statement)) OVER (ORDER BY seq ${direction} ROWS UNBOUNDED PRECEDING) - length(statement) AS before, ` +
      `count(*) OVER () AS matched FROM (${page})) WHERE before < ? ORDER BY seq ${direction}`,
    params,
  };
}

export type PageRow = { seq: number; storedMs: number; statement: string; matched?: number };

/**
 * Two pages of the same query (each at most `fetch` rows, cut by its byte budget) as one: in seq order, only as
 * far as both are complete (past the last row of a page that was cut, the other page's rows may skip some), then
 * `limit` rows and the byte budget.
 */
export function mergePages(
  pages: readonly (readonly PageRow[])[],
  plan: { ascending: boolean; fetch: number; limit: number; maxBytes: number },
): { rows: PageRow[]; hasMore: boolean } {
  const before = (a: number, b: number) => (plan.ascending ? a < b : a > b);
  let edge: number | undefined;
  let cut = false;
  for (const rows of pages) {
    const truncated = rows.length >= plan.fetch || (rows[0]?.matched ?? 0) > rows.length;
    if (!truncated || rows.length === 0) continue;
    cut = true;
    const last = rows[rows.length - 1]!.seq;
    if (edge === undefined || before(last, edge)) edge = last;
  }
  const seen = new Set<number>();
  const merged = pages
    .flat()
    .filter((row) => (edge === undefined || !before(edge, row.seq)) && !seen.has(row.seq) && seen.add(row.seq))
    .sort((a, b) => (plan.ascending ? a.seq - b.seq : b.seq - a.seq));
  const rows: PageRow[] = [];
  let bytes = 0;
  for (const row of merged) {
    if (rows.length === plan.limit || bytes >= plan.maxBytes) break;
    rows.push(row);
    bytes += row.statement.length;
  }
  return { rows, hasMore: cut || merged.length > rows.length };
}
