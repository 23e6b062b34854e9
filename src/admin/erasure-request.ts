// One erasure request, as the admin API and the console make it: resolve the person's agent keys, run one
// bounded pass, audit it with counts and a keyed hash of the agent only (./audit.ts). Everything shares one
// WorkBudget, so a request stays under the platform's per-invocation call limit (../shared/PLATFORM.md).
import type { Bindings } from "../env";
import { agentKey, type AgentLike } from "../xapi/agents/identifier";
import { hashSubject, recordAudit } from "./audit";
import { eraseAgent, type ErasurePass, type ErasureScope } from "./erasure";
import { previewErasure, type ErasurePreview } from "./erasure-preview";
import { erasureKeys } from "./erasure-subject";
import { WorkBudget } from "./work-budget";

/** The default scope: mentions anywhere in a statement (issue 11), not only actor and object. */
export const scopeOf = (related: boolean | undefined): ErasureScope => ({ related: related ?? true });

export async function erasurePass(
  db: D1Database,
  env: Bindings,
  storeId: string,
  agent: AgentLike,
  scope: ErasureScope,
): Promise<ErasurePass> {
  const budget = new WorkBudget();
  budget.take(2); // the key lookup and the audit entry
  const keys = await erasureKeys(db, storeId, agent);
  const pass = await eraseAgent(db, env, storeId, keys, scope, budget);
  await recordAudit(db, storeId, "agent.erase", {
    subject: await hashSubject(env.LRS_ADMIN_TOKEN!, agentKey(agent)!),
    related: scope.related,
    ...pass,
  });
  return pass;
}

export async function erasurePreview(
  db: D1Database,
  storeId: string,
  agent: AgentLike,
  scope: ErasureScope,
): Promise<ErasurePreview> {
  return previewErasure(db, storeId, await erasureKeys(db, storeId, agent), scope);
}
