// Starting a job: its row first (so it is listed, and found by the stalled-job check even if the Workflow
// call fails), then its Workflow instance, named after the job.
import type { Bindings } from "../env";
import type { JobKindName } from "./job-kinds";
import { insertJob, touchJob, type JobRow } from "./job-rows";

export type JobRequest = { storeId: string; kind: JobKindName; params?: unknown; total?: number | null };

export async function startJob(env: Bindings, db: D1Database, request: JobRequest): Promise<JobRow> {
  const id = crypto.randomUUID();
  const row = await insertJob(db, { id, storeId: request.storeId, kind: request.kind, params: request.params, total: request.total });
  await env.JOBS.create({ id, params: { jobId: id } });
  return row;
}

/**
 * Moves a job to a new Workflow instance (step limit reached, or its run was lost); the row keeps its place.
 * Instance ids allow letters, digits, - and _ (at most 100 characters).
 */
export async function continueJob(env: Bindings, jobId: string, generation: number): Promise<string> {
  const instanceId = `${jobId}-g${generation}`;
  try {
    await env.JOBS.create({ id: instanceId, params: { jobId, generation } });
  } catch (error) {
    // A repeated step: the instance exists already, which is what was wanted.
    await env.JOBS.get(instanceId).catch(() => Promise.reject(error));
  }
  await touchJob(env.DB, jobId, instanceId);
  return instanceId;
}
