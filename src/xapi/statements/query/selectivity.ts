// Which filter drives a statement query. The walk over the driving filter's index range is as long as that
// filter is broad, so with two or more filters the one with the fewest index rows drives (counted by one probe
// of at most SELECTIVITY_CAP entries per filter, see sql.ts buildSelectivitySql). Pure, no I/O.
import type { IndexFilter } from "./parameters";

/** How far the probe counts each filter; past this, filters are ranked by kind alone. */
export const SELECTIVITY_CAP = 10_000;

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
 * The filters (as ranked by rankByKind) with the rarest first, given the probe's counts `c0`, `c1`, ...;
 * undefined when some filter matches nothing, which answers the whole query.
 */
export function orderByCounts(
  ranked: readonly IndexFilter[],
  counts: Record<string, number> | null | undefined,
): IndexFilter[] | undefined {
  const entries = ranked.map((filter, i) => ({ filter, count: counts?.[`c${i}`] ?? SELECTIVITY_CAP, i }));
  if (entries.some(({ count }) => count === 0)) return undefined;
  entries.sort((a, b) => a.count - b.count || a.i - b.i);
  return entries.map(({ filter }) => filter);
}
