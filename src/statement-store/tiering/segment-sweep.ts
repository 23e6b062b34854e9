// Segment objects no statement_segments row names: left by a tiering run or a rewrite cut off between its R2 write
// and its D1 batch, or between the batch and the old object's delete (./tier-statements.ts, ./segment-rewrite.ts).
// Only objects older than the sweep's grace period go, so a run between its two calls is never robbed.
// One listing page per call, in key order from `after`; part of the orphan sweep (../attachments/orphan-sweep.ts).
import { segmentPrefix } from "./segments";

const OBJECTS_PER_LIST = 200;

export type SegmentSweepPage = { finished: boolean; after?: string; deleted: number };

/** One page: 3 calls (list, D1 lookup, delete). */
export async function sweepSegmentPage(
  db: D1Database,
  bucket: R2Bucket,
  storeId: string,
  after: string | undefined,
  cutoffMs: number,
): Promise<SegmentSweepPage> {
  const listing = await bucket.list({ prefix: segmentPrefix(storeId), startAfter: after, limit: OBJECTS_PER_LIST });
  const old = listing.objects.filter((object) => object.uploaded.getTime() < cutoffMs).map((object) => object.key);
  let orphans: string[] = [];
  if (old.length > 0) {
    const { results } = await db
      .prepare("SELECT r2_key FROM statement_segments WHERE store_id = ? AND r2_key IN (SELECT value FROM json_each(?))")
      .bind(storeId, JSON.stringify(old))
      .all<{ r2_key: string }>();
    const named = new Set(results.map((row) => row.r2_key));
    orphans = old.filter((key) => !named.has(key));
    if (orphans.length > 0) await bucket.delete(orphans);
  }
  const last = listing.objects.at(-1)?.key;
  return { finished: !listing.truncated || last === undefined, after: last, deleted: orphans.length };
}
