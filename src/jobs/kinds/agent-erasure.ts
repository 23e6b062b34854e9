// Job kind "agent-erasure": erases one person's data from a store (../../admin/erasure.ts) in bounded steps,
// then writes the audit entry with the totals and a keyed hash of the agent only (../../admin/audit.ts).
import { recordAudit } from "../../admin/audit";
import { eraseAgent } from "../../admin/erasure";
import type { JobKind } from "../job-kind";
import { addCounts } from "../job-kind";

export type AgentErasureParams = { agentKeys: string[]; related: boolean; subject: string };

export const agentErasureJob: JobKind = {
  async step(env, job, budget) {
    const params = job.params as AgentErasureParams;
    const pass = await eraseAgent(env.DB, env, job.storeId, params.agentKeys, { related: params.related }, budget);
    const progress = { counts: pass.erased, done: pass.erased.statements };
    // The audit entry needs one more call; without room for it the next step (a short pass) writes it.
    if (!pass.done || !budget.take()) return { finished: false, ...progress };
    const erased = addCounts(job.counts, pass.erased);
    await recordAudit(env.DB, job.storeId, "agent.erase", {
      subject: params.subject,
      related: params.related,
      job: job.id,
      erased,
    });
    return { finished: true, ...progress, result: { erased } };
  },
};
