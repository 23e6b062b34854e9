// Which filter drives a statement query. The walk over the driving filter's index range is as long as that
// filter is dense where the page reads, so with two or more filters the sparsest there drives: one probe reads
// each filter's next SELECTIVITY_DEPTH index rows from the page's start (sql.ts buildSelectivitySql); fewer rows
// than that, or the same number spread over more seqs, is sparser. Pure, no I/O.
import type { IndexFilter } from "../../xapi/statements/query/parameters";

/** Index rows the probe reads per filter (at most): more than a page's direct matches need to be told apart. */
export const SELECTIVITY_DEPTH = 256;

// Which filter to drive from when counts tie: usually the narrowest first.
const KIND_RANK: Record<IndexFilter["kind"], number> = {
  registration: 0,
  agent: 1,
  activity: 2,
  verb: 3,
  related_agent: 4,
  related_activity: 5,
};

/** The filters in the order the probe counts them. */
export function rankByKind(filters: readonly IndexFilter[]): IndexFilter[] {
  return [...filters].sort((a, b) => KIND_RANK[a.kind] - KIND_RANK[b.kind]);
}

/**
 * The filters (as ranked by rankByKind) with the sparsest first, given the probe's `c0`, `r0`, `c1`, `r1`, ...;
 * undefined when, reading from the start of the store (`fromStart`), some filter has no index rows at all, which
 * answers the whole query. Past a cursor a filter without rows ahead still matters: a StatementRef ahead may
 * target a statement behind (1.0.3 Communication 2.1.3), so it only drives (its walk is empty).
 */
export function orderByCounts(
  ranked: readonly IndexFilter[],
  probe: Record<string, number | null> | null | undefined,
  { ascending = false, fromStart = true }: { ascending?: boolean; fromStart?: boolean } = {},
): IndexFilter[] | undefined {
  const entries = ranked.map((filter, i) => ({
    filter,
    count: probe?.[`c${i}`] ?? SELECTIVITY_DEPTH,
    reach: probe?.[`r${i}`] ?? null,
    i,
  }));
  if (fromStart && entries.some(({ count }) => count === 0)) return undefined;
  // Both at full depth: the one whose depth-th row lies farther from the start is sparser.
  const spread = (reach: number | null) => (reach === null ? 0 : ascending ? reach : -reach);
  entries.sort((a, b) =>
    a.count !== b.count || a.count < SELECTIVITY_DEPTH ? a.count - b.count || a.i - b.i : spread(b.reach) - spread(a.reach) || a.i - b.i,
  );
  return entries.map(({ filter }) => filter);
}
