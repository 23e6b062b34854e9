// Recounting a store's rollups from its statements: for statements stored before rollup_daily existed (the
// migration that adds it starts empty), or after a repair. The one place that reads every statement of a store,
// so it runs as a durable job (src/jobs/kinds/rollup-rebuild.ts), a range of seqs per D1 batch.
// The first batch empties the store's rollups and notes the highest seq in the same transaction: statements
// stored later count themselves as they are inserted (maintain.ts), the job counts the ones up to that seq.
// Known gap: a statement voided or erased while the rebuild runs, in a range not yet recounted, is subtracted
// by that change and then not counted by the rebuild, so counts exclude it twice until the next rebuild.
import type { StepBudget } from "../jobs/step-budget";
import { rollupDeltaSql } from "./statement-keys";

const DELETE_SQL = "DELETE FROM rollup_daily WHERE store_id = ?1";
const SEQ_RANGE_SQL = "SELECT min(seq) AS low, max(seq) AS high FROM statements WHERE store_id = ?1";
// Seq ranges walk statements_store_seq.
const ADD_RANGE_SQL = rollupDeltaSql("s.store_id = ?1 AND s.voided = 0 AND s.seq >= ?2 AND s.seq < ?3", 1);
const SEQS_PER_BATCH = 5000;
/** Range batches per step: each reads up to SEQS_PER_BATCH statements, so a step stays well inside its time. */
const BATCHES_PER_STEP = 10;

export type RebuildCursor = { low: number; next: number; high: number };
export type RebuildStep = { finished: boolean; cursor: RebuildCursor; recounted: number };

export async function rebuildRollups(
  db: D1Database,
  storeId: string,
  cursor: RebuildCursor | null,
  budget: StepBudget,
  seqsPerBatch = SEQS_PER_BATCH,
): Promise<RebuildStep> {
  let place = cursor;
  if (place === null) {
    if (!budget.take()) return { finished: false, cursor: { low: 0, next: 0, high: -1 }, recounted: 0 };
    const [, range] = await db.batch<{ low: number | null; high: number | null }>([
      db.prepare(DELETE_SQL).bind(storeId),
      db.prepare(SEQ_RANGE_SQL).bind(storeId),
    ]);
    const { low, high } = range!.results[0] ?? { low: null, high: null };
    place = { low: low ?? 0, next: low ?? 0, high: high ?? -1 };
  }
  const start = place.next;
  for (let batches = 0; place.next <= place.high && batches < BATCHES_PER_STEP && budget.take(); batches++) {
    const end = Math.min(place.next + seqsPerBatch, place.high + 1);
    await db.prepare(ADD_RANGE_SQL).bind(storeId, place.next, end).run();
    place = { ...place, next: end };
  }
  return { finished: place.next > place.high, cursor: place, recounted: place.next - start };
}
