// Recounting a store's rollups from its statements, after a repair or for statements stored before rollup_counts
// existed. The one place that reads every statement of a store, so it runs as a durable job
// (src/jobs/kinds/rollup-rebuild.ts). The first batch empties the store's rollups and puts its aggregator cursor
// back to 0 in one transaction (counts and cursor agree: nothing counted); then the job counts pages exactly as
// the aggregator does (aggregate.ts), each page and its cursor move in one batch, so the store's aggregator
// working beside it only shares the pages, and a statement voided or erased meanwhile is counted correctly
// whichever side of the cursor it is. The job ends with the cursor at or past the highest seq it found.
import type { StepBudget } from "../../jobs/step-budget";
import { countNextPage, pagesMustIntern } from "./aggregate";

const RESET_SQL = [
  "DELETE FROM rollup_counts WHERE store_id = ?1",
  `INSERT INTO rollup_cursors (store_id, seq) VALUES (?1, 0) ON CONFLICT (store_id) DO UPDATE SET seq = 0`,
];
// The runs' span (store-walk.ts): it may reach past statements since erased, which only costs an empty page.
const SEQ_RANGE_SQL = "SELECT min(first_seq) AS low, max(last_seq) AS high FROM statement_runs WHERE store_id = ?1";
/** Statements per page (one D1 batch), larger than the aggregator's: a rebuild is all backlog. */
const PAGE_STATEMENTS = 5000;

/**
 * Seqs: `next` is the first one not counted yet; the job is done past `high` (the highest when it started).
 * `intern`: whether its pages intern (aggregate.ts pagesMustIntern), learned once per rebuild (a store's legacy
 * rows only ever go), so that a step of few calls still counts pages.
 */
export type RebuildCursor = { low: number; next: number; high: number; intern?: boolean };
export type RebuildStep = { finished: boolean; cursor: RebuildCursor; recounted: number };

export async function rebuildRollups(
  db: D1Database,
  storeId: string,
  cursor: RebuildCursor | null,
  budget: StepBudget,
  pageStatements = PAGE_STATEMENTS,
): Promise<RebuildStep> {
  let place = cursor;
  if (place === null) {
    if (!budget.take()) return { finished: false, cursor: { low: 0, next: 0, high: -1 }, recounted: 0 };
    const results = await db.batch<{ low: number | null; high: number | null }>([
      ...RESET_SQL.map((sql) => db.prepare(sql).bind(storeId)),
      db.prepare(SEQ_RANGE_SQL).bind(storeId),
    ]);
    const { low, high } = results[RESET_SQL.length]!.results[0] ?? { low: null, high: null };
    place = { low: low ?? 0, next: low ?? 0, high: high ?? -1 };
  }
  const start = place.next;
  if (place.intern === undefined && place.next <= place.high) {
    if (!budget.take(2)) return { finished: false, cursor: place, recounted: 0 };
    place = { ...place, intern: await pagesMustIntern(db, storeId) };
  }
  while (place.next <= place.high && budget.take()) {
    const page = await countNextPage(db, storeId, { intern: place.intern !== false, pageStatements });
    place = { ...place, next: page.behind ? Math.min(page.cursor + 1, place.high + 1) : place.high + 1 };
  }
  return { finished: place.next > place.high, cursor: place, recounted: place.next - start };
}
