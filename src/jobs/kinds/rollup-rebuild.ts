// Job kind "rollup-rebuild": recounts a store's console rollups from its statements (../../rollups/rebuild.ts).
// Progress is in seqs (statement numbers), which is what the steps walk.
import { rebuildRollups, type RebuildCursor } from "../../statement-store/rollups/rebuild";
import { storeDatabase } from "../../db/store-databases";
import type { JobKind } from "../job-kind";

export const rollupRebuildJob: JobKind = {
  startable: true,
  async step(env, job, budget) {
    const cursor = job.cursor as RebuildCursor | null;
    const step = await rebuildRollups(await storeDatabase(env, job.storeId), job.storeId, cursor, budget);
    return {
      finished: step.finished,
      cursor: step.cursor,
      counts: { seqs: step.recounted },
      done: step.recounted,
      total: step.cursor.high - step.cursor.low + 1,
    };
  },
};
