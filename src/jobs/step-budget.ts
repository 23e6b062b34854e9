// The storage calls one job step may make. Each Workflow step is its own invocation on the platform, and the
// Free plan allows 50 D1/R2/Durable Object calls per invocation (PLATFORM.md: subrequests, D1 queries); a step
// spends at most STEP_CALLS on its work and the job runner two more (read and save the job row), so every step
// stays under 45. The wall-clock bound keeps a step far inside the Workflow step timeout.
export const STEP_CALLS = 40;

export class StepBudget {
  private calls = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxCalls = STEP_CALLS,
    maxMs = 20_000,
  ) {
    this.deadline = Date.now() + maxMs;
  }

  /** Reserves `n` calls; false when the step must stop here (its work resumes in the next step). */
  take(n = 1): boolean {
    if (this.calls + n > this.maxCalls || Date.now() > this.deadline) return false;
    this.calls += n;
    return true;
  }

  /** Calls still allowed (the wall-clock bound aside). */
  get left(): number {
    return this.maxCalls - this.calls;
  }
}

/** `DELETE ... WHERE rowid IN (...)` with the ids as one JSON parameter (D1 allows 100 bound parameters). */
export function deleteRowids(db: D1Database, table: string, rowids: readonly number[]): D1PreparedStatement {
  return db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(rowids));
}
