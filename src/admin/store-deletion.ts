// Deleting a store: its credentials first (so nothing new arrives), then every row of its data table by table
// in chunks, R2 bodies before the rows that name them, then whatever else lies under the store's R2 prefixes
// (objects no row names: uploads or document writes cut off before they cleaned up; export files), and the store
// row last. `home` is the home database (credentials, the store row, the audit entry), `db` the store's (its data).
// Runs as a durable job (src/jobs/kinds/store-deletion.ts), one bounded pass per step; the store stays listed
// until the last pass.
import { deleteStoreCredentials } from "../auth/credentials";
import { documentKeyPrefix } from "../durable/document-writer";
import { exportPrefix } from "../jobs/kinds/statement-export";
import { attachmentPrefix } from "../xapi/statements/attachments/attachment-blobs";
import { deleteStoreChunkSql, STATEMENT_STORE_TABLES } from "../statement-store/store-rows";
import { segmentPrefix } from "../statement-store/tiering/segments";
import { recordAudit } from "./audit";
import { deleteStoreRow } from "./stores";
import { deleteRowids, StepBudget } from "../jobs/step-budget";

/** Tables without R2 bodies, dependants before what they point at. */
const ROW_TABLES = [
  // Forwarders first: a store re-created under the same id must not inherit them (and their destinations).
  "forwarders",
  "statement_attachments",
  ...STATEMENT_STORE_TABLES,
];
/** Tables whose rows name an R2 object in `r2_key`. */
const BLOB_TABLES = ["documents", "attachments", "statement_segments"];
/** Rows per DELETE, and rows or listed objects (so R2 keys, at most 1000 per R2 call) per blob chunk. */
export type ChunkSizes = { rows: number; blobs: number };
const CHUNKS: ChunkSizes = { rows: 2000, blobs: 500 };

export type DeletionPass = { done: boolean; deleted: Record<string, number> };

export async function deleteStore(
  home: D1Database,
  db: D1Database,
  blobs: R2Bucket,
  storeId: string,
  budget = new StepBudget(),
  chunks = CHUNKS,
): Promise<DeletionPass> {
  const deleted: Record<string, number> = {};
  const count = (table: string, n: number) => (deleted[table] = (deleted[table] ?? 0) + n);

  if (!budget.take()) return { done: false, deleted };
  count("credentials", await deleteStoreCredentials(home, storeId));

  for (const table of BLOB_TABLES) {
    for (;;) {
      if (!budget.take()) return { done: false, deleted };
      const { results } = await db
        .prepare(`SELECT rowid AS rowid, r2_key FROM ${table} WHERE store_id = ? LIMIT ?`)
        .bind(storeId, chunks.blobs)
        .all<{ rowid: number; r2_key: string }>();
      if (results.length === 0) break;
      if (!budget.take(2)) return { done: false, deleted };
      await blobs.delete(results.map((row) => row.r2_key));
      await deleteRowids(db, table, results.map((row) => row.rowid)).run();
      count(table, results.length);
    }
  }

  // Every row naming an object is gone, so no pass leaves a row whose body is missing. Listing from the start
  // each time finds what is left, as the objects listed before are deleted (R2: <= 1,000 keys per list and delete).
  for (const prefix of [documentKeyPrefix(storeId), attachmentPrefix(storeId), exportPrefix(storeId), segmentPrefix(storeId)]) {
    for (;;) {
      if (!budget.take()) return { done: false, deleted };
      const listing = await blobs.list({ prefix, limit: chunks.blobs });
      if (listing.objects.length === 0) break;
      if (!budget.take()) return { done: false, deleted };
      await blobs.delete(listing.objects.map((object) => object.key));
      count("orphan_objects", listing.objects.length);
      if (!listing.truncated) break;
    }
  }

  for (const table of ROW_TABLES) {
    for (;;) {
      if (!budget.take()) return { done: false, deleted };
      const result = await db
        .prepare(deleteStoreChunkSql(table))
        .bind(storeId, chunks.rows)
        .run();
      const changes = result.meta.changes ?? 0;
      count(table, changes);
      if (changes < chunks.rows) break;
    }
  }

  // The row's copy in the store's own database (src/db/store-databases.ts) first: until the home row goes, the
  // store is listed and a repeated pass ends here again.
  if (!budget.take(3)) return { done: false, deleted };
  if (db !== home) await deleteStoreRow(db, storeId);
  await recordAudit(home, storeId, "store.delete", { storeId });
  await deleteStoreRow(home, storeId);
  return { done: true, deleted };
}
