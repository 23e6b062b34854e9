// Cleanup of attachment contents nothing can reach: R2 objects under a store's prefix without an
// `attachments` row (an upload whose request was then rejected or abandoned), and `attachments` rows no
// statement links to any more (after statements were erased). Only things older than a grace period go, so
// an upload whose statement batch is about to commit is never taken from under it. Run it from a scheduled
// handler or the admin API.
import { findRecordedKeys } from "./attachment-rows";
import { attachmentPrefix, deleteKeys } from "./attachment-store";

export type SweepOptions = { graceMs?: number; nowMs?: number };
export type SweepResult = { deletedObjects: number; deletedRows: number };

const DEFAULT_GRACE_MS = 24 * 60 * 60 * 1000;

export async function sweepOrphanAttachments(
  db: D1Database,
  bucket: R2Bucket,
  storeId: string,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const cutoff = (options.nowMs ?? Date.now()) - (options.graceMs ?? DEFAULT_GRACE_MS);
  const { results: unlinked } = await db
    .prepare(
      `DELETE FROM attachments WHERE store_id = ?1 AND created_ms < ?2 AND NOT EXISTS
         (SELECT 1 FROM statement_attachments sa WHERE sa.store_id = ?1 AND sa.sha2 = attachments.sha2)
       RETURNING r2_key AS r2Key`,
    )
    .bind(storeId, cutoff)
    .all<{ r2Key: string }>();
  if (unlinked.length > 0) await deleteKeys(bucket, unlinked.map((row) => row.r2Key));

  let deletedObjects = unlinked.length;
  const prefix = attachmentPrefix(storeId);
  let cursor: string | undefined;
  do {
    const listing = await bucket.list({ prefix, cursor, limit: 1000 });
    const old = listing.objects.filter((object) => object.uploaded.getTime() < cutoff);
    const referenced = await findRecordedKeys(db, storeId, old.map((object) => object.key));
    const orphans = old.map((object) => object.key).filter((key) => !referenced.has(key));
    await deleteKeys(bucket, orphans);
    deletedObjects += orphans.length;
    cursor = listing.truncated ? listing.cursor : undefined;
  } while (cursor);
  return { deletedObjects, deletedRows: unlinked.length };
}

/** sweepOrphanAttachments for every store, e.g. from the Worker's `scheduled` handler. */
export async function sweepOrphanAttachmentsEverywhere(
  db: D1Database,
  bucket: R2Bucket,
  options: SweepOptions = {},
): Promise<SweepResult> {
  const { results: stores } = await db.prepare("SELECT id FROM stores ORDER BY id").all<{ id: string }>();
  const total: SweepResult = { deletedObjects: 0, deletedRows: 0 };
  for (const store of stores) {
    const swept = await sweepOrphanAttachments(db, bucket, store.id, options);
    total.deletedObjects += swept.deletedObjects;
    total.deletedRows += swept.deletedRows;
  }
  return total;
}
