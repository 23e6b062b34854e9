// Long admin jobs (deleting a store, erasing an agent) run in bounded passes: each request does at most a fixed
// number of D1/R2 calls and a fixed wall time, then answers 202 with what remains, and the client repeats the
// request until it answers 200. Every pass leaves the data consistent, so a pass cut short is simply resumed.
// 40 calls stay under the Workers free plan's 50 subrequests per invocation with room for the request's own.
export class WorkBudget {
  private calls = 0;
  private readonly deadline: number;

  constructor(
    private readonly maxCalls = 40,
    maxMs = 20_000,
  ) {
    this.deadline = Date.now() + maxMs;
  }

  /** Reserves `n` calls; false when the pass must stop here. */
  take(n = 1): boolean {
    if (this.calls + n > this.maxCalls || Date.now() > this.deadline) return false;
    this.calls += n;
    return true;
  }
}

/** `DELETE ... WHERE rowid IN (...)` with the ids as one JSON parameter (D1 allows 100 bound parameters). */
export function deleteRowids(db: D1Database, table: string, rowids: readonly number[]): D1PreparedStatement {
  return db.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT value FROM json_each(?))`).bind(JSON.stringify(rowids));
}
