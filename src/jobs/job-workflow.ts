// The one Workflow class (wrangler.toml [[workflows]] JOBS): runs any job kind as a sequence of step.do()
// steps, each one bounded job step (./job-runner.ts). Workflows were chosen over Queues because a job is a long
// sequence of dependent steps for one subject, which Workflows persist, retry and resume as such.
// A Workflow instance has a step limit (1,024 on Free), so a job still running after STEPS_PER_INSTANCE steps
// continues in a new instance; the job row keeps its place either way.
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep } from "cloudflare:workers";
import type { Bindings } from "../env";
import { failJob } from "./job-rows";
import { runJobStep } from "./job-runner";
import { continueJob } from "./start-job";

export type JobPayload = { jobId: string; generation?: number };

export const STEPS_PER_INSTANCE = 1000;

// Transient D1/R2 errors are retried a few times (a step is safe to repeat); then the job fails.
const STEP_CONFIG = { retries: { limit: 3, delay: "1 second", backoff: "exponential" }, timeout: "5 minutes" } as const;

export class JobWorkflow extends WorkflowEntrypoint<Bindings, JobPayload> {
  override async run(event: Readonly<WorkflowEvent<JobPayload>>, step: WorkflowStep): Promise<void> {
    const { jobId, generation = 0 } = event.payload;
    try {
      for (let n = 1; n <= STEPS_PER_INSTANCE; n++) {
        const report = await step.do(`step ${n}`, STEP_CONFIG, () => runJobStep(this.env, jobId));
        if (report === "ended") return;
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await step.do("record the failure", () => failJob(this.env.DB, jobId, message));
      return;
    }
    await step.do("continue in a new instance", () => continueJob(this.env, jobId, generation + 1));
  }
}
