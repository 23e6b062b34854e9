// Bytes a store keeps outside its statements: document bodies and attachment contents (both in R2, sized in
// D1). Sums over the store's rows of those two tables (their primary keys start with store_id); the
// statements table is never read.
import { coalescedBatches } from "../db/coalesced-batches";
import { databaseNamed, HOME_DATABASE } from "../db/store-databases";
import type { Bindings } from "../env";
import { totals, type Totals } from "../statement-store/rollups/read";

export async function storageUsed(db: D1Database, storeId: string): Promise<{ documentBytes: number; attachmentBytes: number }> {
  const [documents, attachments] = await db.batch<{ bytes: number | null }>([
    db.prepare("SELECT COALESCE(SUM(size), 0) AS bytes FROM documents WHERE store_id = ?").bind(storeId),
    db.prepare("SELECT COALESCE(SUM(length), 0) AS bytes FROM attachments WHERE store_id = ?").bind(storeId),
  ]);
  return {
    documentBytes: Number(documents?.results[0]?.bytes ?? 0),
    attachmentBytes: Number(attachments?.results[0]?.bytes ?? 0),
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The stores page's figures, for every store listed: rollup totals and stored bytes. Their batches go to D1
 * together (coalescedBatches), one query per database for the whole page instead of two per store: 30 stores
 * would otherwise pass the 50 D1 queries an invocation may make on Free. `home` is a session on DB.
 */
export async function storeListFigures(
  env: Bindings,
  home: D1Database,
  stores: readonly { id: string; database: string | null }[],
  days: { today: string; weekStart: string },
): Promise<{ counts: Totals; storage: { documentBytes: number; attachmentBytes: number } }[]> {
  const batchedByDatabase = new Map<string, D1Database>();
  const batchedIn = (name: string) => {
    let batched = batchedByDatabase.get(name);
    if (!batched) {
      const session = name === HOME_DATABASE ? home : (databaseNamed(env, name).withSession("first-primary") as unknown as D1Database);
      batchedByDatabase.set(name, (batched = coalescedBatches(session)));
    }
    return batched;
  };
  return Promise.all(
    stores.map(async ({ id: storeId, database }) => {
      const batched = batchedIn(database ?? HOME_DATABASE);
      const [counts, storage] = await Promise.all([totals(batched, storeId, days), storageUsed(batched, storeId)]);
      return { counts, storage };
    }),
  );
}
