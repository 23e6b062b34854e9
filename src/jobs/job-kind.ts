// What a job kind is: one bounded step that resumes from a cursor. The runner (./job-runner.ts) reads the job
// row, hands the step a fresh StepBudget, and saves what the step returns; kinds are listed in ./job-kinds.ts.
import type { Bindings } from "../env";
import type { Counts } from "./job-rows";
import type { StepBudget } from "./step-budget";

export type JobContext = {
  id: string;
  storeId: string;
  params: unknown;
  /** What the last step returned as `cursor` (null before the first step). */
  cursor: unknown;
  /** The counters so far. */
  counts: Counts;
  done: number;
  total: number | null;
};

export type StepOutcome = {
  finished: boolean;
  cursor?: unknown;
  /** Added to the job's counters. */
  counts?: Counts;
  /** Added to the units done. */
  done?: number;
  /** Replaces the expected units, when the step learned them. */
  total?: number | null;
  /** On the last step: what the job produced (shown by the admin API). */
  result?: unknown;
};

export type JobKind = {
  /** Whether POST /admin/stores/:storeId/jobs {kind} starts it (else only its own route does, with params). */
  startable?: boolean;
  /** One step: at most budget's calls to D1, R2 and Durable Objects, and it must leave the data consistent. */
  step(env: Bindings, job: JobContext, budget: StepBudget): Promise<StepOutcome>;
};

/** Adds counters (a missing key counts 0). */
export function addCounts(base: Counts, delta: Counts | undefined): Counts {
  const sum = { ...base };
  for (const [key, n] of Object.entries(delta ?? {})) sum[key] = (sum[key] ?? 0) + n;
  return sum;
}
