// The SQL of statement queries, kept apart from execution so a test can EXPLAIN exactly what runs.
// Shape: one filter drives (a seek on index_entries (value_id, seq) walked in seq order, the value's id looked up
// once in index_values), every other filter is an EXISTS probe on that same primary key, and the statement row is
// fetched by its rowid. since/until become seq bounds, found by a binary search over the store's seq index
// (stored-order.ts: stored_ms never decreases as seq grows). CROSS JOIN and INDEXED BY pin this plan: the planner
// may not turn a query into a walk over the store's statements. The byte budget wraps that page in a window over its at most
// `fetch` rows (sorted in memory by SQLite, never the store).
//
// StatementRefs (1.0.3 Communication 2.1.3 "Filter Conditions for StatementRefs"; 9274.1.1 4.1.6.1): a statement
// whose object is a StatementRef meets a filter when it, or the statement it targets (recursively, a -> b -> c),
// meets that filter; since/until/limit apply to the referring statement. Answered at query time: besides the
// statements matching every filter themselves, the page finds candidate referring statements (forwards over
// statement_refs in seq order, stopping at the seq of the fetch-th direct match: a page of direct matches never
// needs a referrer beyond it; or backwards from the driver's statements when they are fewer than those references)
// and checks each filter on each candidate's chain. A store without StatementRefs in range pays one empty seek.
import { filterTarget } from "../statement-index";
import { firstSeqStoredAfter } from "../stored-order";
import { rowCredentialSql, WALK_MAX_SEQ, walkFrom, walkOrder } from "../store-walk";
import type { IndexFilter } from "../../xapi/statements/query/parameters";

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

/**
 * A driver with fewer index rows than the page's range has StatementRefs (counted up to this many) finds its
 * referring statements backwards (its statements, then statement_refs by target); otherwise the page walks
 * statement_refs forwards within its range.
 */
export const FEW_DRIVER_ROWS = 2_000;

// Statement text per page (characters): with the page size capped too, this keeps a page of unusually large
// statements from exhausting the Worker's memory; `more` continues after the last statement served.
export const PAGE_TEXT_BUDGET = 4_000_000;

/** The dictionary id of a filter's value (NULL when the store never saw it: the seek then finds nothing). */
function valueIdSql(filter: IndexFilter, params: (string | number)[], storeId: string): string {
  params.push(storeId, filterTarget(filter.kind).valueKind, filter.value);
  return "(SELECT id FROM index_values WHERE store_id = ? AND kind = ? AND value = ?)";
}

/** `alias`'s index row is one the filter accepts (the plain agent/activity filters want the direct role). */
function rolesSql(filter: IndexFilter, alias: string): string {
  const roles = filterTarget(filter.kind).roles;
  return roles ? ` AND (${alias}.roles & ${roles}) <> 0` : "";
}

/** EXISTS: the statement at `seqExpr` meets `filter` itself. */
function meetsSql(filter: IndexFilter, seqExpr: string, params: (string | number)[], storeId: string): string {
  const id = valueIdSql(filter, params, storeId);
  return `EXISTS (SELECT 1 FROM index_entries AS f WHERE f.value_id = ${id} AND f.seq = ${seqExpr}${rolesSql(filter, "f")})`;
}

/** The seq range of since/until and the keyset, on column `seq`, as SQL conditions. */
function seqBounds(plan: QueryPlan, seq: string, params: (string | number)[], bounds?: string): string[] {
  const where: string[] = [];
  if (plan.sinceMs !== undefined) {
    // From the first statement stored after `since`; NULL (no rows) when there is none.
    if (bounds) where.push(`${seq} >= (SELECT lo FROM ${bounds})`);
    else {
      const first = firstSeqStoredAfter(plan.storeId, plan.sinceMs);
      where.push(`${seq} >= ${first.sql}`);
      params.push(...first.params);
    }
  }
  if (plan.untilMs !== undefined) {
    // Before the first statement stored after `until`; every statement when there is none.
    if (bounds) where.push(`${seq} < (SELECT hi FROM ${bounds})`);
    else {
      const first = firstSeqStoredAfter(plan.storeId, plan.untilMs);
      where.push(`${seq} < coalesce(${first.sql}, 9223372036854775807)`);
      params.push(...first.params);
    }
  }
  if (plan.afterSeq !== undefined) {
    where.push(`${seq} ${plan.ascending ? ">" : "<"} ?`);
    params.push(plan.afterSeq);
  }
  return where;
}

/**
 * since/until as seq bounds `bounds(lo, hi)`, searched once: a filtered page bounds four walks by them, and each
 * binary search is ~40 seeks into statement rows (at 1,000,000 statements, 3-4 ms each when repeated inline).
 */
function boundsCte(plan: QueryPlan, params: (string | number)[]): string | undefined {
  if (plan.sinceMs === undefined && plan.untilMs === undefined) return undefined;
  const columns: string[] = [];
  if (plan.sinceMs !== undefined) {
    const first = firstSeqStoredAfter(plan.storeId, plan.sinceMs);
    columns.push(first.sql);
    params.push(...first.params);
  } else columns.push("NULL");
  if (plan.untilMs !== undefined) {
    const first = firstSeqStoredAfter(plan.storeId, plan.untilMs);
    columns.push(`coalesce(${first.sql}, 9223372036854775807)`);
    params.push(...first.params);
  } else columns.push("NULL");
  return `bounds(lo, hi) AS MATERIALIZED (SELECT ${columns.join(", ")})`;
}

/** Conditions on the statement row `s` itself: its store, read-mine, not voided. */
function rowConditions(plan: QueryPlan, params: (string | number)[]): string[] {
  const where = ["s.store_id = ?"];
  params.push(plan.storeId);
  if (plan.credentialId !== undefined) {
    where.push(`${rowCredentialSql("s")} = ?`);
    params.push(plan.credentialId);
  }
  // 1.0.3 Communication 2.1.4.s1.b1: voided statements never appear in query results.
  if (!plan.includeVoided) where.push("s.voided = 0");
  return where;
}

export function buildStatementQuerySql(plan: QueryPlan): BuiltSql {
  const direction = plan.ascending ? "ASC" : "DESC";
  const { sql: page, params } = plan.filters.length === 0 ? unfilteredPage(plan, direction) : filteredPage(plan, direction);
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

/**
 * No filter: the store's statements in seq order (StatementRefs play no part), a walk of its runs (or of the
 * credential's, for `statements/read/mine`) between bounds worked out once: since/until and the keyset.
 */
function unfilteredPage(plan: QueryPlan, direction: string): BuiltSql {
  // Each side's SQL with its parameters, in text order.
  const lows: BuiltSql[] = [];
  const highs: BuiltSql[] = [];
  if (plan.sinceMs !== undefined) lows.push(firstSeqStoredAfter(plan.storeId, plan.sinceMs));
  if (plan.untilMs !== undefined) {
    const first = firstSeqStoredAfter(plan.storeId, plan.untilMs);
    highs.push({ sql: `coalesce(${first.sql}, ${WALK_MAX_SEQ}) - 1`, params: first.params });
  }
  if (plan.afterSeq !== undefined) {
    if (plan.ascending) lows.push({ sql: "? + 1", params: [plan.afterSeq] });
    else highs.push({ sql: "? - 1", params: [plan.afterSeq] });
  }
  // A since with no statement after it is NULL, and so is max() or min() of it: the walk then finds nothing.
  const bound = (parts: BuiltSql[], fn: string) =>
    parts.length === 0 ? "NULL" : parts.length === 1 ? parts[0]!.sql : `${fn}(${parts.map((part) => part.sql).join(", ")})`;
  const cte = `walk_bounds(store, credential, lo, hi) AS MATERIALIZED (SELECT ?, ?, ${bound(lows, "max")}, ${bound(highs, "min")})`;
  const params = [plan.storeId, plan.credentialId ?? "", ...lows.flatMap((p) => p.params), ...highs.flatMap((p) => p.params)];
  const walk = walkFrom({
    store: "(SELECT store FROM walk_bounds)",
    ...(plan.credentialId === undefined ? {} : { credential: "(SELECT credential FROM walk_bounds)" }),
    ...(lows.length === 0 ? {} : { from: "(SELECT lo FROM walk_bounds)" }),
    ...(highs.length === 0 ? {} : { through: "(SELECT hi FROM walk_bounds)" }),
  });
  // 1.0.3 Communication 2.1.4.s1.b1: voided statements never appear in query results.
  const voided = plan.includeVoided ? "" : " AND s.voided = 0";
  params.push(plan.fetch);
  return {
    sql:
      `WITH ${cte} SELECT s.seq AS seq, s.stored_ms AS storedMs, s.statement AS statement ${walk}${voided} ` +
      `ORDER BY ${walkOrder(direction === "DESC")} LIMIT ?`,
    params,
  };
}

/**
 * Filters: the union of `direct` (statements meeting every filter themselves: the driver's seek, the others
 * probed) and `referring` (statements with a StatementRef whose chain, themselves included, meets each filter),
 * the first `fetch` of them in seq order.
 */
function filteredPage(plan: QueryPlan, direction: string): BuiltSql {
  const params: (string | number)[] = [];
  const [driver, ...others] = plan.filters as [IndexFilter, ...IndexFilter[]];
  const cmp = plan.ascending ? "<=" : ">=";
  const range = boundsCte(plan, params);
  const bounds = range ? "bounds" : undefined;

  const directWhere = [`d.value_id = ${valueIdSql(driver, params, plan.storeId)}${rolesSql(driver, "d")}`];
  directWhere.push(...rowConditions(plan, params), ...seqBounds(plan, "d.seq", params, bounds));
  for (const filter of others) directWhere.push(meetsSql(filter, "d.seq", params, plan.storeId));
  const direct =
    `SELECT d.seq AS seq FROM index_entries AS d CROSS JOIN statements AS s ON s.seq = d.seq ` +
    `WHERE ${directWhere.join(" AND ")} ORDER BY d.seq ${direction} LIMIT ?`;
  params.push(plan.fetch);

  // The fetch-th direct match: no referring statement past it can be on this page.
  const edge = `SELECT seq FROM direct ORDER BY seq ${direction} LIMIT 1 OFFSET ?`;
  params.push(plan.fetch - 1);
  const untilEdge = (seq: string) =>
    // A range bound (not an OR), so a walk is a seek from the keyset to the edge.
    `${seq} ${cmp} coalesce((SELECT seq FROM edge), ${plan.ascending ? "9223372036854775807" : "0"})`;
  // Which way to find referring statements: by walking statement_refs forwards over the page's range, or backwards
  // from the driver's statements (statement_refs by target) when the driver has fewer statements than the range has
  // references (a learner or a registration in a store rich in StatementRefs). The counts stop at the smaller one.
  const refsWhere = ["rc.store_id = ?"];
  params.push(plan.storeId);
  refsWhere.push(...seqBounds(plan, "rc.seq", params, bounds), untilEdge("rc.seq"));
  const refs =
    `SELECT count(*) FROM (SELECT 1 FROM statement_refs AS rc WHERE ${refsWhere.join(" AND ")} ` +
    `LIMIT ${FEW_DRIVER_ROWS + 1})`;
  const few =
    `SELECT CASE WHEN (SELECT total FROM refs) = 0 THEN 0 ELSE (SELECT count(*) FROM (SELECT 1 FROM index_entries AS dn ` +
    `WHERE dn.value_id = ${valueIdSql(driver, params, plan.storeId)}${rolesSql(driver, "dn")} ` +
    `LIMIT (SELECT total FROM refs))) < (SELECT total FROM refs) END`;
  // The branch not taken seeks NULL, so it reads nothing (a constant condition beside the seek would still walk it).
  const walkWhere = ["r.store_id = CASE WHEN (SELECT yes FROM few) = 0 THEN ? END"];
  params.push(plan.storeId);
  walkWhere.push(...seqBounds(plan, "r.seq", params, bounds), untilEdge("r.seq"));
  const walk = `SELECT r.seq AS seq FROM statement_refs AS r WHERE ${walkWhere.join(" AND ")}`;
  // The driver's statements and, recursively, the statements referring to them (statement_refs by target).
  const back =
    `SELECT b.seq FROM index_entries AS b ` +
    `WHERE b.value_id = CASE WHEN (SELECT yes FROM few) = 1 THEN ${valueIdSql(driver, params, plan.storeId)} END${rolesSql(driver, "b")} UNION ` +
    `SELECT br.seq FROM back AS k CROSS JOIN statements AS bt ON bt.seq = k.seq ` +
    `CROSS JOIN statement_refs AS br INDEXED BY statement_refs_target ON br.store_id = ? AND br.target_id = bt.id`;
  params.push(plan.storeId);
  // Referring statements within the page's range, found either way.
  const rootsWhere = [...seqBounds(plan, "k.seq", params, bounds), untilEdge("k.seq")];
  rootsWhere.push("EXISTS (SELECT 1 FROM statement_refs AS kr WHERE kr.store_id = ? AND kr.seq = k.seq)");
  params.push(plan.storeId);
  const roots = `SELECT seq FROM walk UNION SELECT k.seq FROM back AS k WHERE ${rootsWhere.join(" AND ")}`;
  // Each referring statement with every statement its StatementRef chain reaches (UNION stops at a cycle).
  const chain =
    `SELECT seq, seq FROM roots UNION ` +
    `SELECT c.root, t.seq FROM chain AS c CROSS JOIN statement_refs AS cr ON cr.store_id = ? AND cr.seq = c.member ` +
    `CROSS JOIN statements AS t ON t.store_id = ? AND t.id = cr.target_id`;
  params.push(plan.storeId, plan.storeId);
  const meets = plan.filters.map((filter) => `max(${meetsSql(filter, "member", params, plan.storeId)}) = 1`);
  const referring = `SELECT root AS seq FROM chain GROUP BY root HAVING ${meets.join(" AND ")}`;

  const pageWhere = rowConditions(plan, params);
  params.push(plan.fetch);
  const sql =
    `WITH RECURSIVE ${range ? `${range}, ` : ""}direct(seq) AS (${direct}), edge(seq) AS (${edge}), refs(total) AS (${refs}), few(yes) AS (${few}), ` +
    `walk(seq) AS (${walk}), back(seq) AS (${back}), roots(seq) AS (${roots}), ` +
    `chain(root, member) AS (${chain}), referring(seq) AS (${referring}) ` +
    `SELECT s.seq AS seq, s.stored_ms AS storedMs, s.statement AS statement ` +
    `FROM (SELECT seq FROM direct UNION SELECT seq FROM referring) AS m CROSS JOIN statements AS s ON s.seq = m.seq ` +
    `WHERE ${pageWhere.join(" AND ")} ORDER BY s.seq ${direction} LIMIT ?`;
  return { sql, params };
}

/**
 * Per filter, its next `depth` index rows from where the page starts (the keyset, in the query's direction):
 * `c<i>` how many there are, `r<i>` the seq of the last of them. Enough to pick the filter that is sparsest where
 * the page walks (selectivity.ts) for ~depth rows read per filter, where counting whole index ranges read up to
 * 20,000 (at 1,000,000 statements, a course and a common verb both past any cap, tied, and the denser one drove).
 */
export function buildSelectivitySql(
  storeId: string,
  filters: readonly IndexFilter[],
  depth: number,
  position: { afterSeq?: number; ascending?: boolean; sinceMs?: number; untilMs?: number } = {},
): BuiltSql {
  const params: (string | number)[] = [];
  // Counted inside since/until too (the bounds searched once, as the page does): a filter dense outside the range
  // but sparse inside it is the one to drive.
  const range = boundsCte({ storeId, sinceMs: position.sinceMs, untilMs: position.untilMs, filters: [], ascending: false, fetch: 0 }, params);
  const inRange = [
    ...(position.sinceMs === undefined ? [] : [" AND f.seq >= (SELECT lo FROM bounds)"]),
    ...(position.untilMs === undefined ? [] : [" AND f.seq < (SELECT hi FROM bounds)"]),
  ].join("");
  const direction = position.ascending ? "ASC" : "DESC";
  const last = position.ascending ? "max" : "min";
  // Each filter is read only up to one past the smallest count before it: a filter with more rows than that
  // cannot drive, so reading further would only cost rows read (an agent and a common verb: 40 + 41 rows).
  const counts = filters.map((filter, i) => {
    const id = valueIdSql(filter, params, storeId);
    let after = "";
    if (position.afterSeq !== undefined) {
      after = ` AND f.seq ${position.ascending ? ">" : "<"} ?`;
      params.push(position.afterSeq);
    }
    params.push(depth);
    const before = filters.slice(0, i).map((_, j) => `(SELECT n FROM c${j}) + 1`);
    const limit = before.length > 0 ? `min(?, ${before.join(", ")})` : "?";
    return (
      `c${i}(n, reach) AS (SELECT count(*), ${last}(seq) FROM (SELECT f.seq AS seq FROM index_entries AS f ` +
      `WHERE f.value_id = ${id}${rolesSql(filter, "f")}${after}${inRange} ORDER BY f.seq ${direction} LIMIT ${limit}))`
    );
  });
  const columns = filters.map((_, i) => `(SELECT n FROM c${i}) AS c${i}, (SELECT reach FROM c${i}) AS r${i}`);
  return { sql: `WITH ${range ? `${range}, ` : ""}${counts.join(", ")} SELECT ${columns.join(", ")}`, params };
}
