// Jobs whose Workflow run stopped advancing: restarted from the job row's cursor. Workflows resume their
// instances after a deploy or crash on the platform; the local engine (wrangler dev, miniflare) does not
// resume an instance whose process was killed until something restarts it. Both the cron and a read of a
// stalled job through the admin API call this, so a waiting CLI also gets its job going again.
import type { Bindings } from "../env";
import { stalledJobs, touchJob, type JobRow } from "./job-rows";
import { continueJob } from "./start-job";

/** No save for this long means the run is gone: far above a step's 20 s bound plus retry delays (1+2+4 s). */
export const STALL_MS = 30_000;
const PER_CHECK = 5;

export async function resumeStalledJobs(env: Bindings, nowMs = Date.now()): Promise<number> {
  const rows = await stalledJobs(env.DB, nowMs - STALL_MS, PER_CHECK);
  for (const row of rows) await resumeJob(env, row);
  return rows.length;
}

/** resumeJob when `row` is stalled; true when it was. */
export async function resumeIfStalled(env: Bindings, row: JobRow, nowMs = Date.now()): Promise<boolean> {
  const active = row.state === "queued" || row.state === "running";
  if (!active || row.updatedAt >= nowMs - STALL_MS) return false;
  await resumeJob(env, row);
  return true;
}

/** A restart reruns the instance from its first step; every step reads its place from the job row. */
async function resumeJob(env: Bindings, row: JobRow): Promise<void> {
  // An instance that does not exist (its creation failed, or local state was lost) reads as no status.
  const instance = await env.JOBS.get(row.instanceId).catch(() => undefined);
  const status = instance ? await instance.status().then((s) => s.status, () => undefined) : undefined;
  if (instance && status !== undefined && status !== "complete" && status !== "errored" && status !== "terminated") {
    await instance.restart();
    await touchJob(env.DB, row.id);
    return;
  }
  await continueJob(env, row.id, Math.floor(Date.now() / 1000));
}
