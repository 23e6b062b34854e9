// The SQL of statement queries, kept apart from execution so a test can EXPLAIN exactly what runs.
// Shape: one filter drives (an index seek on statement_index (store, kind, value, seq) walked in seq order),
// every other filter is an EXISTS probe on that same primary key, and the statement row is fetched by its
// rowid. since/until become seq bounds found by one seek on statements (store_id, stored_ms), because
// stored_ms never decreases as seq grows. CROSS JOIN and INDEXED BY pin this plan: the planner may not
// turn a query into a walk over the store's statements. The byte budget wraps that page in a window over
// its at most `fetch` rows (sorted in memory by SQLite, never the store).
import type { IndexFilter } from "./parameters";

export type QueryPlan = {
  storeId: string;
  /** Index filters, the driving one first. */
  filters: IndexFilter[];
  sinceMs?: number;
  untilMs?: number;
  /** Keyset position: only statements past this seq in the query's direction. */
  afterSeq?: number;
  ascending: boolean;
  /** Rows to fetch (the page size plus one, to know whether there is more). */
  fetch: number;
  /** Statement text a page may hold (in characters); the page ends after the statement that reaches it. */
  maxBytes?: number;
  /** Only statements written by this credential (`statements/read/mine`). */
  credentialId?: string;
  /** Voided statements too: forwarding sends every stored statement, in order (src/forwarding). */
  includeVoided?: boolean;
};

export type BuiltSql = { sql: string; params: (string | number)[] };

// Statement text per page (characters): with the page size capped too, this keeps a page of unusually large
// statements from exhausting the Worker's memory; `more` continues after the last statement served.
export const PAGE_TEXT_BUDGET = 4_000_000;

export function buildStatementQuerySql(plan: QueryPlan): BuiltSql {
  const params: (string | number)[] = [];
  const [driver, ...others] = plan.filters;
  const seqColumn = driver ? "d.seq" : "s.seq";
  const where: string[] = [];
  let from: string;
  if (driver) {
    from = "statement_index AS d CROSS JOIN statements AS s ON s.seq = d.seq";
    where.push("d.store_id = ? AND d.kind = ? AND d.value = ?");
    params.push(plan.storeId, driver.kind, driver.value);
  } else {
    const index = plan.credentialId ? "statements_store_credential" : "statements_store_seq";
    from = `statements AS s INDEXED BY ${index}`;
  }
  where.push("s.store_id = ?");
  params.push(plan.storeId);
  if (plan.credentialId !== undefined) {
    where.push("s.credential_id = ?");
    params.push(plan.credentialId);
  }
  if (plan.sinceMs !== undefined) {
    // The first statement stored after `since`; NULL (no rows) when there is none.
    where.push(
      `${seqColumn} >= (SELECT seq FROM statements INDEXED BY statements_store_stored WHERE store_id = ? AND stored_ms > ? ORDER BY stored_ms, seq LIMIT 1)`,
    );
    params.push(plan.storeId, plan.sinceMs);
  }
  if (plan.untilMs !== undefined) {
    where.push(
      `${seqColumn} <= (SELECT seq FROM statements INDEXED BY statements_store_stored WHERE store_id = ? AND stored_ms <= ? ORDER BY stored_ms DESC, seq DESC LIMIT 1)`,
    );
    params.push(plan.storeId, plan.untilMs);
  }
  if (plan.afterSeq !== undefined) {
    where.push(`${seqColumn} ${plan.ascending ? ">" : "<"} ?`);
    params.push(plan.afterSeq);
  }
  for (const filter of others) {
    where.push(
      `EXISTS (SELECT 1 FROM statement_index AS f WHERE f.store_id = ? AND f.kind = ? AND f.value = ? AND f.seq = ${seqColumn})`,
    );
    params.push(plan.storeId, filter.kind, filter.value);
  }
  // 1.0.3 Communication 2.1.4.s1.b1: voided statements never appear in query results.
  if (!plan.includeVoided) where.push("s.voided = 0");
  const direction = plan.ascending ? "ASC" : "DESC";
  const page =
    `SELECT s.seq AS seq, s.stored_ms AS storedMs, s.statement AS statement FROM ${from} ` +
    `WHERE ${where.join(" AND ")} ORDER BY ${seqColumn} ${direction} LIMIT ?`;
  params.push(plan.fetch);
  if (plan.maxBytes === undefined) return { sql: page, params };
  // The page stops once its statements reach maxBytes (the row that crosses it still comes, so a page is
  // never empty): the Worker's memory is bounded by the budget, not by how large statements are. `matched`
  // counts the rows before the cut, so the caller knows that more exist.
  const sql =
    `SELECT seq, storedMs, statement, matched FROM (SELECT seq, storedMs, statement, ` +
    `sum(length(statement)) OVER (ORDER BY seq ${direction} ROWS UNBOUNDED PRECEDING) - length(statement) AS before, ` +
    `count(*) OVER () AS matched FROM (${page})) WHERE before < ? ORDER BY seq ${direction}`;
  params.push(plan.maxBytes);
  return { sql, params };
}

/** Rows counted per filter, at most `cap` each: enough to pick the most selective filter to drive. */
export function buildSelectivitySql(storeId: string, filters: readonly IndexFilter[], cap: number): BuiltSql {
  const params: (string | number)[] = [];
  const columns = filters.map((filter, i) => {
    params.push(storeId, filter.kind, filter.value, cap);
    return `(SELECT count(*) FROM (SELECT 1 FROM statement_index WHERE store_id = ? AND kind = ? AND value = ? LIMIT ?)) AS c${i}`;
  });
  return { sql: `SELECT ${columns.join(", ")}`, params };
}
