// One erasure request, as the admin API and the console make it: resolve the person's agent keys and count
// what matches (the preview's total drives the progress bar), then start the durable job that erases
// (src/jobs/kinds/agent-erasure.ts). The job row and its audit entry hold a keyed hash of the agent only.
import { storeSessionBeside } from "../db/store-databases";
import type { Bindings } from "../env";
import { startJob } from "../jobs/start-job";
import type { JobRow } from "../jobs/job-rows";
import type { AgentErasureParams } from "../jobs/kinds/agent-erasure";
import { agentKey, type AgentLike } from "../xapi/agents/identifier";
import { hashSubject } from "./audit";
import type { ErasureScope } from "../statement-store/erase-statements";
import { previewErasure, type ErasurePreview } from "./erasure-preview";
import { erasureKeys } from "./erasure-subject";

/** The default scope: mentions anywhere in a statement (issue 11), not only actor and object. */
export const scopeOf = (related: boolean | undefined): ErasureScope => ({ related: related ?? true });

export async function startErasure(
  db: D1Database,
  env: Bindings,
  storeId: string,
  agent: AgentLike,
  scope: ErasureScope,
): Promise<JobRow> {
  const storeDb = await storeSessionBeside(env, storeId, db);
  const agentKeys = await erasureKeys(storeDb, storeId, agent);
  const preview = await previewErasure(storeDb, storeId, agentKeys, scope);
  const params: AgentErasureParams = {
    agentKeys,
    related: scope.related,
    subject: await hashSubject(env.LRS_ADMIN_TOKEN!, agentKey(agent)!),
  };
  return startJob(env, db, { storeId, kind: "agent-erasure", params, total: preview.statements });
}

export async function erasurePreview(
  db: D1Database,
  storeId: string,
  agent: AgentLike,
  scope: ErasureScope,
): Promise<ErasurePreview> {
  return previewErasure(db, storeId, await erasureKeys(db, storeId, agent), scope);
}
