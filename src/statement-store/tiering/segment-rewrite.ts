// Erasure and tiered statements: an erased statement's bytes must not outlive it in a segment. Erasure deletes
// the rows and, in the same transaction, marks their segments (`rewrite = 1`, markSegmentsSql); then each marked
// segment is rewritten here without them: a NEW object (segments are immutable) with the remaining bodies, one
// D1 batch that records it, repoints the remaining rows and drops the old segment (only if the old one still
// holds exactly the rows read: a concurrent erasure makes it change nothing, and the next round starts again),
// then the old object is deleted. A segment left with no row is dropped with its object. A crash between the
// calls leaves either the old or the new object unnamed by any row, which the segment sweep removes.
import type { StepBudget } from "../../jobs/step-budget";
import { bodyAt, buildSegment, putSegment, readWholeSegment, reserveSegmentId, segmentKey } from "./segments";
import { pointersJson, REPOINT_ROWS_SQL } from "./tier-statements";
import { pointerOf, TIERED_PREFIX } from "./tiered-row";

/** SQL (?1 store, ?2 JSON array of segment ids): the segments of erased statements, to rewrite. */
export const MARK_SEGMENTS_SQL =
  "UPDATE statement_segments SET rewrite = 1 WHERE store_id = ?1 AND id IN (SELECT value FROM json_each(?2))";

/** The rows of a segment: its seq range, and a pointer naming it (?1 store, ?2 first, ?3 last, ?4 prefix). */
const POINTING_SQL = `s.store_id = ?1 AND s.seq BETWEEN ?2 AND ?3 AND substr(s.statement, 1, length(?4)) = ?4`;
const pointerPrefix = (segment: number) => `${TIERED_PREFIX}[${segment},`;

type Segment = { id: number; first_seq: number; last_seq: number };

/** Rewrites the store's marked segments as the budget allows; true once none is left. */
export async function rewriteMarkedSegments(db: D1Database, blobs: R2Bucket, storeId: string, budget: StepBudget): Promise<boolean> {
  for (;;) {
    if (!budget.take()) return false;
    const segment = await db
      .prepare("SELECT id, first_seq, last_seq FROM statement_segments WHERE store_id = ? AND rewrite = 1 LIMIT 1")
      .bind(storeId)
      .first<Segment>();
    if (!segment) return true;
    // The rows, the old object, the new id, the put, the batch, the delete.
    if (!budget.take(6)) return false;
    await rewriteSegment(db, blobs, storeId, segment);
  }
}

async function rewriteSegment(db: D1Database, blobs: R2Bucket, storeId: string, old: Segment): Promise<void> {
  const prefix = pointerPrefix(old.id);
  const { results: rows } = await db
    .prepare(`SELECT s.seq AS seq, s.statement AS statement FROM statements AS s NOT INDEXED WHERE ${POINTING_SQL} ORDER BY s.seq`)
    .bind(storeId, old.first_seq, old.last_seq, prefix)
    .all<{ seq: number; statement: string }>();
  const stillNamed = `(SELECT count(*) FROM statements AS s NOT INDEXED WHERE ${POINTING_SQL}) = ?5`;
  if (rows.length === 0) {
    const [dropped] = await db.batch([
      db.prepare(`DELETE FROM statement_segments WHERE id = ?6 AND ${stillNamed}`).bind(storeId, old.first_seq, old.last_seq, prefix, 0, old.id),
    ]);
    if ((dropped!.meta.changes ?? 0) === 1) await blobs.delete(segmentKey(storeId, old.id));
    return;
  }
  const whole = await readWholeSegment(blobs, storeId, old.id);
  const bodies = rows.map((row) => ({ seq: row.seq, body: bodyAt(whole, 0, pointerOf(row.statement)) }));
  const segment = await reserveSegmentId(db);
  const { bytes, pointers } = buildSegment(segment, bodies);
  await putSegment(blobs, storeId, segment, bytes);
  const columns = pointersJson(pointers);
  const [inserted] = await db.batch([
    db
      .prepare(
        `INSERT INTO statement_segments (id, store_id, r2_key, first_seq, last_seq, statements, bytes, rewrite, created_ms)
         SELECT ?7, ?1, ?8, ?9, ?10, ?5, ?11, 0, ?12 WHERE EXISTS (SELECT 1 FROM statement_segments WHERE id = ?6) AND ${stillNamed}`,
      )
      .bind(storeId, old.first_seq, old.last_seq, prefix, rows.length, old.id, segment, segmentKey(storeId, segment),
        rows[0]!.seq, rows[rows.length - 1]!.seq, bytes.byteLength, Date.now()),
    db
      .prepare(REPOINT_ROWS_SQL)
      .bind(storeId, columns, segment),
    db.prepare("DELETE FROM statement_segments WHERE id = ?1 AND EXISTS (SELECT 1 FROM statement_segments WHERE id = ?2)").bind(old.id, segment),
  ]);
  const replaced = (inserted!.meta.changes ?? 0) === 1;
  await blobs.delete(segmentKey(storeId, replaced ? old.id : segment));
}
