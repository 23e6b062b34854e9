// Job kind "agent-erasure": erases one person's data from a store (../../admin/erasure.ts) in bounded steps,
// removes the store's export files (they may hold the person's statements; ./statement-export.ts), then writes
// the audit entry with the totals and a keyed hash of the agent only (../../admin/audit.ts).
import { recordAudit } from "../../admin/audit";
import { eraseAgent } from "../../admin/erasure";
import { storeDatabase } from "../../db/store-databases";
import type { JobKind } from "../job-kind";
import { addCounts } from "../job-kind";
import type { StepBudget } from "../step-budget";
import { backfillStoreFirst } from "../../statement-store/legacy-rows";
import { exportPrefix } from "./statement-export";

export type AgentErasureParams = { agentKeys: string[]; related: boolean; subject: string };

export const agentErasureJob: JobKind = {
  async step(env, job, budget) {
    const params = job.params as AgentErasureParams;
    // The store's data and the erasure's audit entry are in the store's database (src/db/store-databases.ts).
    const db = await storeDatabase(env, job.storeId);
    // Statements stored before the storage change are found once the upgrade backfill moved them: move the store's first.
    if (!(await backfillStoreFirst(db, job.storeId, () => budget.take()))) return { finished: false };
    const pass = await eraseAgent(db, env, job.storeId, params.agentKeys, { related: params.related }, budget);
    const progress = { counts: pass.erased, done: pass.erased.statements };
    if (!pass.done) return { finished: false, ...progress };
    const exportsLeft = await deleteExports(env.BLOBS, job.storeId, budget);
    // The audit entry needs one more call; without room for it the next step (a short pass) writes it.
    if (exportsLeft || !budget.take()) return { finished: false, ...progress };
    const erased = addCounts(job.counts, pass.erased);
    await recordAudit(db, job.storeId, "agent.erase", {
      subject: params.subject,
      related: params.related,
      job: job.id,
      erased,
    });
    return { finished: true, ...progress, result: { erased } };
  },
};

/** Deletes the store's export files, 1,000 per listing (R2's most); true when the budget ran out first. */
async function deleteExports(blobs: R2Bucket, storeId: string, budget: StepBudget): Promise<boolean> {
  for (;;) {
    if (!budget.take(2)) return true;
    const listing = await blobs.list({ prefix: exportPrefix(storeId), limit: 1000 });
    if (listing.objects.length === 0) return false;
    await blobs.delete(listing.objects.map((object) => object.key));
    if (!listing.truncated) return false;
  }
}
