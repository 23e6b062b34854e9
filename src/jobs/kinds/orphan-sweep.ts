// Job kind "orphan-sweep": the attachment orphan sweep (../../xapi/statements/attachments/orphan-sweep.ts) of
// one store, or of every store one after another when the job's store is ALL_STORES (the daily cron). A store
// whose sweep fails is recorded in the result and skipped, so it never hides the stores after it.
import { sweepOrphanAttachments, type SweepCursor } from "../../xapi/statements/attachments/orphan-sweep";
import { storeDatabase } from "../../db/store-databases";
import type { JobKind } from "../job-kind";
import type { StepBudget } from "../step-budget";

/** The store id of a job that concerns every store (no real store id can contain '*'). */
export const ALL_STORES = "*";
/** Failed stores named in the result at most (the count is exact). */
const NAMED_FAILURES = 20;

/** `last`: the store swept last (stores go in id order); `store`: the one being swept. */
type Cursor = { last?: string; store: string | null; sweep: SweepCursor; failed: { storeId: string; error: string }[] };

export const orphanSweepJob: JobKind = {
  startable: true,
  async step(env, job, budget) {
    if (job.storeId !== ALL_STORES) {
      const sweep = (job.cursor as SweepCursor | null) ?? { phase: "rows" };
      const swept = await sweepOrphanAttachments(await storeDatabase(env, job.storeId), env.BLOBS, job.storeId, sweep, budget);
      return { finished: swept.finished, cursor: swept.cursor, ...progressOf(swept) };
    }
    const cursor: Cursor = (job.cursor as Cursor | null) ?? { store: null, sweep: { phase: "rows" }, failed: [] };
    const counts = { deletedObjects: 0, deletedRows: 0, stores: 0, failedStores: 0 };
    for (;;) {
      if (cursor.store === null) {
        const next = await nextStore(env.DB, budget, cursor);
        if (next === undefined) return { finished: false, cursor, counts, done: counts.deletedObjects };
        if (next === null) return { finished: true, cursor, counts, done: counts.deletedObjects, result: { failed: cursor.failed } };
        cursor.store = next;
        cursor.sweep = { phase: "rows" };
      }
      try {
        // Stores come from the home database's list; each is swept in its own database.
        const swept = await sweepOrphanAttachments(await storeDatabase(env, cursor.store), env.BLOBS, cursor.store, cursor.sweep, budget);
        counts.deletedObjects += swept.deletedObjects;
        counts.deletedRows += swept.deletedRows;
        cursor.sweep = swept.cursor;
        if (!swept.finished) return { finished: false, cursor, counts, done: counts.deletedObjects };
      } catch (error) {
        counts.failedStores++;
        if (cursor.failed.length < NAMED_FAILURES) {
          cursor.failed.push({ storeId: cursor.store, error: error instanceof Error ? error.message : String(error) });
        }
      }
      counts.stores++;
      cursor.last = cursor.store;
      cursor.store = null;
    }
  },
};

function progressOf(swept: { deletedObjects: number; deletedRows: number }) {
  return { counts: { deletedObjects: swept.deletedObjects, deletedRows: swept.deletedRows }, done: swept.deletedObjects };
}

/** The store after the last one swept: its id, null when none is left, undefined when the budget is spent. */
async function nextStore(db: D1Database, budget: StepBudget, cursor: Cursor): Promise<string | null | undefined> {
  if (!budget.take()) return undefined;
  const row = await db
    .prepare("SELECT id FROM stores WHERE id > ? ORDER BY id LIMIT 1")
    .bind(cursor.last ?? "")
    .first<{ id: string }>();
  return row?.id ?? null;
}
