// Ingest through the full path (HTTP, auth, validation, storage) and the limit: the same statements written
// straight into the same local D1 by the bench-only route (src/bench/raw-insert.ts, mounted when LRS_BENCH=1).
import { batchBody } from "./bodies.mjs";
import { call, closedLoop, keepSamples } from "./http.mjs";

/** A shared statement counter, so every batch of a run is made of new statement numbers. */
export const counter = { next: 0, take(n) { const from = this.next; this.next += n; return from; } };

/** POST /xapi/statements with batches of `batch` at `concurrency` for `seconds`. */
export async function ingestCell(base, { batch, concurrency, seconds, maxStatements }) {
  const result = await closedLoop({
    concurrency,
    seconds,
    maxRequests: Math.max(concurrency, Math.floor(maxStatements / batch)),
    async task(_n, timeoutMs) {
      const { body } = batchBody(counter.take(batch), batch);
      const r = await call(base, "/xapi/statements", { method: "POST", json: body, timeoutMs });
      const ok = r.status === 200;
      return { ok, ms: r.ms, items: batch, status: r.status, error: ok ? undefined : `${r.status} ${r.text.slice(0, 200)}` };
    },
  });
  return keepSamples({ path: "full", batch, ...result, statementsPerSecond: result.itemsPerSecond }, result);
}

/** Statements per request of the raw path's default cell (see rawCell). */
export const rawPerRequest = (batch) => Math.min(1000, batch * 100);

/**
 * The raw-D1 limit for the same batch size: each request carries `perRequest` statements which the bench route
 * inserts `batch` at a time with the storage insert function, so HTTP is paid once per `perRequest` rows. By
 * default enough transactions per request that HTTP is noise, few enough that a request ends near the cell's end;
 * `perRequest: batch` pays HTTP per batch, as a client of the LRS does (path "raw-per-batch"). `counted` (the
 * default) wakes the rollup aggregator after each request as POST /statements does, so the raw rows are counted
 * into the rollups too, in the same database meanwhile; `counted: false` writes the statements' own rows only
 * (paths "…-uncounted").
 */
export async function rawCell(base, { batch, concurrency, seconds, maxStatements, perRequest = rawPerRequest(batch), counted = true }) {
  let rows = 0;
  let innerMs = 0;
  const stopAt = performance.now() + seconds * 1000;
  const result = await closedLoop({
    concurrency,
    seconds,
    maxRequests: Math.max(concurrency, Math.floor(maxStatements / perRequest)),
    async task(_n, timeoutMs) {
      const { body } = batchBody(counter.take(perRequest), perRequest);
      const budgetMs = Math.max(200, Math.round(stopAt - performance.now()));
      const query = `batch=${batch}&budgetMs=${budgetMs}${counted ? "&counted=1" : ""}`;
      const r = await call(base, `/bench/raw-insert?${query}`, { method: "POST", json: body, timeoutMs });
      const ok = r.status === 200;
      let inserted = 0;
      if (ok) {
        const answer = JSON.parse(r.text);
        inserted = answer.inserted;
        rows += inserted;
        innerMs += answer.ms ?? 0;
      }
      return { ok, ms: r.ms, items: inserted, status: r.status, error: ok ? undefined : `${r.status} ${r.text.slice(0, 200)}` };
    },
  });
  const path = (perRequest === batch && batch < 1000 ? "raw-per-batch" : "raw") + (counted ? "" : "-uncounted");
  return keepSamples({ path, batch, perRequest, counted, rowsInserted: rows, d1Ms: innerMs, ...result, statementsPerSecond: result.itemsPerSecond }, result);
}

/**
 * Waits until the store has finished work left over from the previous cell (requests the client gave up on
 * still run in the Worker, and D1 serialises writes), so each cell starts from an idle LRS.
 */
export async function drain(base) {
  await settleRollups(base);
  for (let i = 0; i < 3; i++) {
    const r = await call(base, "/xapi/statements", { method: "POST", json: batchBody(counter.take(1), 1).body, timeoutMs: 120_000 });
    if (r.status === 200 && r.ms < 1000) return;
  }
}

/** Has the aggregator count every statement stored so far (the bench route /bench/settle; nothing without it). */
export async function settleRollups(base) {
  const settled = await call(base, "/bench/settle", { method: "POST", json: "{}", timeoutMs: 300_000 });
  if (settled.status !== 200 && settled.status !== 404) throw new Error(`settle: ${settled.status} ${settled.text.slice(0, 200)}`);
}

/** Is the bench route mounted (LRS_BENCH=1 and src/app.ts mounting it)? */
export async function rawRouteAvailable(base) {
  try {
    const r = await call(base, "/bench/raw-insert?batch=1", { method: "POST", json: "[]" });
    return r.status === 200;
  } catch {
    return false;
  }
}

/** Where raw-D1 time goes for `count` statements: each SQL group of the insert timed alone (median of `runs`). */
export async function insertBreakdown(base, { count = 1000, runs = 3 } = {}) {
  const all = [];
  for (let n = 0; n < runs; n++) {
    const r = await call(base, "/bench/insert-breakdown", { method: "POST", json: batchBody(counter.take(count), count).body });
    if (r.status !== 200) return { error: `${r.status} ${r.text.slice(0, 200)}` };
    all.push(JSON.parse(r.text));
  }
  // By step name: a step may be missing from a run (the rollups one, when the aggregator had caught up).
  const names = [...new Set(all.flat().map((s) => s.step))];
  return names.map((step) => {
    const found = all.map((steps) => steps.find((s) => s.step === step)).filter(Boolean);
    const ms = found.map((s) => s.ms).sort((a, b) => a - b)[Math.floor(found.length / 2)];
    return { step, rowsWritten: found[0].rowsWritten, ms };
  });
}
