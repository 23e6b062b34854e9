// One step of a job, as the Workflow runs it inside step.do(): read the job row (1 call), run its kind's step
// with a fresh StepBudget (at most STEP_CALLS calls), save cursor and counters (1 call). The row is the truth,
// so a step repeated after a crash, or a Workflow run restarted from scratch, resumes where the last save left.
import type { Bindings } from "../env";
import { JOB_KINDS, type JobKindName } from "./job-kinds";
import { addCounts } from "./job-kind";
import { readJob, saveStep, type Counts } from "./job-rows";
import { StepBudget } from "./step-budget";

export type StepReport = "more" | "ended";

export async function runJobStep(env: Bindings, jobId: string): Promise<StepReport> {
  const db = env.DB;
  const job = await readJob(db, jobId);
  if (!job || job.state === "succeeded" || job.state === "failed") return "ended";
  const kind = JOB_KINDS[job.kind as JobKindName];
  if (!kind) throw new Error(`unknown job kind ${job.kind}`);
  const counts = JSON.parse(job.counts) as Counts;
  const outcome = await kind.step(
    env,
    {
      id: job.id,
      storeId: job.storeId,
      params: JSON.parse(job.params) as unknown,
      cursor: JSON.parse(job.cursor) as unknown,
      counts,
      done: job.done,
      total: job.total,
    },
    new StepBudget(),
  );
  await saveStep(db, job.id, {
    cursor: outcome.cursor ?? null,
    counts: addCounts(counts, outcome.counts),
    done: job.done + (outcome.done ?? 0),
    total: outcome.total === undefined ? job.total : outcome.total,
    finished: outcome.finished ? { result: outcome.result } : undefined,
  });
  return outcome.finished ? "ended" : "more";
}
