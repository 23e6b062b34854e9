// Job kind "store-deletion": deletes a store and everything in it (../../admin/store-deletion.ts) in bounded
// steps; the store stays listed until the last one.
import { deleteStore } from "../../admin/store-deletion";
import { storeDatabase } from "../../db/store-databases";
import type { JobKind } from "../job-kind";

export const storeDeletionJob: JobKind = {
  async step(env, job, budget) {
    const pass = await deleteStore(env.DB, await storeDatabase(env, job.storeId), env.BLOBS, job.storeId, budget);
    const rows = Object.values(pass.deleted).reduce((sum, n) => sum + n, 0);
    return { finished: pass.done, counts: pass.deleted, done: rows };
  },
};
