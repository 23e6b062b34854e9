// Cleanup of attachment contents nothing can reach: `attachments` rows no statement links to any more (after
// statements were erased), with their R2 objects, then R2 objects under a store's prefix without an
// `attachments` row (an upload whose request was then rejected or abandoned). Only things older than a grace
// period go, so an upload whose statement batch is about to commit is never taken from under it. Last, the
// store's tiered-statement segment objects no row names (../tiering/segment-sweep.ts).
// Runs as a durable job (src/jobs/kinds/orphan-sweep.ts) in bounded steps: each call here does as much as its
// StepBudget allows and returns the cursor to go on from.
import type { StepBudget } from "../../../jobs/step-budget";
import { findRecordedKeys } from "./attachment-rows";
import { attachmentPrefix, deleteKeys } from "./attachment-blobs";
import { sweepSegmentPage } from "../../../statement-store/tiering/segment-sweep";

export type SweepOptions = { graceMs?: number; nowMs?: number };
export type SweepCursor = { phase: "rows" | "objects" | "segments"; after?: string };
export type SweepStep = { finished: boolean; cursor: SweepCursor; deletedObjects: number; deletedRows: number };

const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;
/** Rows per DELETE and objects per R2 listing: each key list stays one D1 parameter chunk and one R2 delete. */
const ROWS_PER_CALL = 500;
const OBJECTS_PER_LIST = 200;

export async function sweepOrphanAttachments(
  db: D1Database,
  bucket: R2Bucket,
  storeId: string,
  cursor: SweepCursor,
  budget: StepBudget,
  options: SweepOptions = {},
): Promise<SweepStep> {
  const cutoff = (options.nowMs ?? Date.now()) - (options.graceMs ?? DEFAULT_GRACE_MS);
  const step: SweepStep = { finished: false, cursor: { ...cursor }, deletedObjects: 0, deletedRows: 0 };

  while (step.cursor.phase === "rows") {
    if (!budget.take(2)) return step;
    const { results: unlinked } = await db
      .prepare(
        `DELETE FROM attachments WHERE rowid IN (
           SELECT rowid FROM attachments a WHERE a.store_id = ?1 AND a.created_ms < ?2 AND NOT EXISTS
             (SELECT 1 FROM statement_attachments sa WHERE sa.store_id = ?1 AND sa.sha2 = a.sha2)
           LIMIT ?3)
         RETURNING r2_key AS r2Key`,
      )
      .bind(storeId, cutoff, ROWS_PER_CALL)
      .all<{ r2Key: string }>();
    await deleteKeys(bucket, unlinked.map((row) => row.r2Key));
    step.deletedRows += unlinked.length;
    step.deletedObjects += unlinked.length;
    if (unlinked.length < ROWS_PER_CALL) step.cursor = { phase: "objects" };
  }

  // R2 lists in key order; `startAfter` (not an R2 cursor, which may expire) is the place to go on from.
  const prefix = attachmentPrefix(storeId);
  while (step.cursor.phase === "objects") {
    if (!budget.take(4)) return step;
    const listing = await bucket.list({ prefix, startAfter: step.cursor.after, limit: OBJECTS_PER_LIST });
    const old = listing.objects.filter((object) => object.uploaded.getTime() < cutoff).map((object) => object.key);
    const referenced = old.length > 0 ? await findRecordedKeys(db, storeId, old) : new Set<string>();
    const orphans = old.filter((key) => !referenced.has(key));
    await deleteKeys(bucket, orphans);
    step.deletedObjects += orphans.length;
    const last = listing.objects.at(-1)?.key;
    step.cursor = !listing.truncated || last === undefined ? { phase: "segments" } : { phase: "objects", after: last };
  }

  for (;;) {
    if (!budget.take(3)) return step;
    const page = await sweepSegmentPage(db, bucket, storeId, step.cursor.after, cutoff);
    step.deletedObjects += page.deleted;
    if (page.finished) return { ...step, finished: true, cursor: { phase: "segments" } };
    step.cursor = { phase: "segments", after: page.after };
  }
}
