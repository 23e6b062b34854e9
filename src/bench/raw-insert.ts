// Bench-only: the limit the ingest benchmark compares against (scripts/bench.mjs). POST /bench/raw-insert takes
// a JSON array of statements and writes them with the very same storage insert function as POST /statements
// (insertStatements in src/statement-store/statement-rows.ts), `batch` rows per transaction, under the bootstrap
// credential, but without per-batch HTTP, authentication, validation or the stored-id comparison. It answers
// 404 unless the Worker runs with LRS_BENCH=1, so mounting it in production exposes nothing.
// With `counted=1` it then wakes the store's rollup aggregator exactly as POST /statements does, so the rows
// counting writes into rollup_counts are written for the raw rows too, off the response, in the same database:
// "the same rows" of issue 13, whose raw insert wrote the rollup rows in its own batch when the issue was filed.
import { type Context, Hono } from "hono";
import { assignedAuthority, defaultAuthority, DEFAULT_STORE_ID } from "../auth/credentials";
import type { AppEnv, Principal } from "../env";
import { badRequest, notFound } from "../errors";
import { prepareStatements } from "../xapi/statements/record-statements";
import { insertStatements, type PreparedStatement } from "../statement-store/statement-rows";
import { insertBreakdown } from "./insert-breakdown";
import { rollupAggregator, wakeRollupAggregator } from "../statement-store/rollups/aggregator-wake";

export const benchRoutes = new Hono<AppEnv>();

benchRoutes.use("*", async function onlyWhenBenchmarking(c, next) {
  if ((c.env as { LRS_BENCH?: string }).LRS_BENCH !== "1") throw notFound(`nothing at ${c.req.path}`);
  await next();
});

/** The rows exactly as the full path builds them for the bootstrap credential (same id, authority, version). */
async function preparedFromBody(c: Context<AppEnv>): Promise<{ principal: Principal; prepared: PreparedStatement[] }> {
  const statements: unknown = await c.req.json();
  if (!Array.isArray(statements)) throw badRequest("the body must be an array of statements");
  const key = c.env.LRS_BOOTSTRAP_KEY ?? "bench";
  const principal: Principal = {
    storeId: DEFAULT_STORE_ID,
    credentialId: `bootstrap:${key}`,
    scopes: ["all"],
    authority: assignedAuthority(defaultAuthority(key), new URL(c.req.url).origin),
  };
  return { principal, prepared: prepareStatements(statements as Record<string, unknown>[], principal, "2.0.0") };
}

benchRoutes.post("/insert-breakdown", async function breakdown(c) {
  const { principal, prepared } = await preparedFromBody(c);
  const db = c.env.DB.withSession("first-primary") as unknown as D1Database;
  // Caught up first, so that the rollups step counts these statements and no others.
  await settleDefaultStore(c.env);
  return c.json(await insertBreakdown(db, principal.storeId, principal.credentialId, prepared));
});

benchRoutes.post("/raw-insert", async function rawInsert(c) {
  const batch = Number(c.req.query("batch") ?? 100);
  if (!Number.isInteger(batch) || batch < 1) throw badRequest("batch must be a positive integer", "batch");
  // The benchmark bounds each cell in time: stop starting new transactions once the budget is spent.
  const budgetMs = Number(c.req.query("budgetMs") ?? 60_000);
  const { principal, prepared } = await preparedFromBody(c);
  const db = c.env.DB.withSession("first-primary") as unknown as D1Database;
  const started = Date.now();
  let inserted = 0;
  while (inserted < prepared.length && Date.now() - started < budgetMs) {
    const rows = prepared.slice(inserted, inserted + batch);
    await insertStatements(db, principal.storeId, principal.credentialId, "2.0.0", rows);
    inserted += rows.length;
  }
  // Date.now() advances across I/O in workerd, so this is the time spent in D1 for these rows.
  const ms = Date.now() - started;
  if (c.req.query("counted") === "1") c.executionCtx.waitUntil(wakeRollupAggregator(c.env, principal.storeId));
  return c.json({ inserted, ms });
});

/**
 * Counts the default store's statements into the rollups until none is left (the aggregator's own catchUp), so
 * that a cell of the benchmark does not pay for the counting the rows of the cell before it left behind.
 */
benchRoutes.post("/settle", async function settle(c) {
  const started = Date.now();
  const pages = await settleDefaultStore(c.env);
  return c.json({ pages, ms: Date.now() - started });
});

/** Runs the default store's aggregator until it has counted every statement; the pages it counted. */
async function settleDefaultStore(env: AppEnv["Bindings"]): Promise<number> {
  const aggregator = rollupAggregator(env, DEFAULT_STORE_ID);
  let pages = 0;
  // Bounded: 500 runs of 20 pages of 2,000 statements is 20,000,000 statements, more than any cell writes.
  for (let run = 0; run < 500; run++) {
    const caughtUp = await aggregator.catchUp(DEFAULT_STORE_ID);
    pages += caughtUp.pages;
    if (!caughtUp.behind) break;
  }
  return pages;
}
