// The aggregator counts statements off the request path (src/statement-store/rollups/aggregate.ts): the ingest batch writes no
// rollup row, voiding takes back only what the cursor already counted, whatever the order of events, and a page
// whose batch fails leaves cursor and counts as they were. Each order is arranged by holding the store's aggregator
// (test/rollups/aggregator.ts), and every end state must equal a from-scratch rebuild.
import { createExecutionContext, createScheduledController, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { StepBudget } from "../../src/jobs/step-budget";
import type { Bindings } from "../../src/env";
import type { RollupAggregator } from "../../src/durable/rollup-aggregator";
import { rollupAggregator } from "../../src/statement-store/rollups/aggregator-wake";
import { rebuildRollups, type RebuildCursor } from "../../src/statement-store/rollups/rebuild";
import { pagesMustIntern } from "../../src/statement-store/rollups/aggregate";
import { toOldLayout } from "../migrations/old-layout";
import strictWorker from "../strict/strict-worker";
import { aggregate, cursorOf, holdAggregator } from "./aggregator";
import { actualCounts, expectedCounts, type Counts } from "./expected";
import { makeBatch } from "../../scripts/bench/statements.mjs";
import { variedStatements, voidingOf } from "./fixtures";

type Credential = { auth: string; storeId: string };

async function post(credential: Credential, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`POST: ${res.status} ${text}`);
  return JSON.parse(text) as string[];
}

async function rollupRows(storeId: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_counts WHERE store_id = ?").bind(storeId).first<{ n: number }>();
  return row!.n;
}

/** Counts after a from-scratch rebuild (which must not change them when they are right). */
async function rebuilt(storeId: string): Promise<Counts> {
  let cursor: RebuildCursor | null = null;
  for (let finished = false; !finished; ) ({ finished, cursor } = await rebuildRollups(env.DB, storeId, cursor, new StepBudget()));
  return actualCounts(storeId);
}

async function expectMatchesRebuild(storeId: string): Promise<void> {
  await aggregate(storeId);
  const counts = await actualCounts(storeId);
  expect(counts).toEqual(await expectedCounts(storeId));
  expect(await rebuilt(storeId)).toEqual(counts);
}

describe("rollup aggregator", () => {
  it("the ingest batch writes no rollup row and moves no cursor; the aggregator counts it later", async () => {
    const store = await storeWithCredential("aggregator-ingest");
    const release = await holdAggregator(store.storeId);
    await post(store, variedStatements(40));
    expect(await rollupRows(store.storeId)).toBe(0);
    expect(await cursorOf(store.storeId)).toBeUndefined();
    await release();
    const run = await aggregate(store.storeId);
    expect(run).toMatchObject({ pages: 1, behind: false, store: true });
    const last = await env.DB.prepare("SELECT max(seq) AS seq FROM statements WHERE store_id = ?").bind(store.storeId).first<{ seq: number }>();
    expect(run.cursor).toBe(last!.seq);
    expect(await cursorOf(store.storeId)).toBe(last!.seq);
    await expectMatchesRebuild(store.storeId);
  });

  it("voiding after the target was counted: the voiding batch takes it back at once", async () => {
    const store = await storeWithCredential("aggregator-void-after");
    const ids = await post(store, variedStatements(20));
    await aggregate(store.storeId);
    const release = await holdAggregator(store.storeId);
    const before = await actualCounts(store.storeId);
    await post(store, [voidingOf(ids[1]!), voidingOf(ids[2]!)]);
    // Uncounted in the voiding batch (the voiding statements themselves wait for the aggregator).
    const after = await actualCounts(store.storeId);
    expect(after).not.toEqual(before);
    const learners = (counts: Counts) => Object.entries(counts).filter(([k]) => k.startsWith("learner|")).reduce((n, [, c]) => n + c, 0);
    expect(learners(before) - learners(after)).toBe(2);
    await release();
    await expectMatchesRebuild(store.storeId);
  });

  it("voiding before the target was counted: nothing is subtracted and the aggregator skips it", async () => {
    const store = await storeWithCredential("aggregator-void-before");
    await post(store, variedStatements(10));
    await aggregate(store.storeId);
    const release = await holdAggregator(store.storeId);
    const before = await actualCounts(store.storeId);
    const ids = await post(store, variedStatements(10, 3));
    await post(store, [voidingOf(ids[0]!), voidingOf(ids[5]!)]);
    // Neither the targets nor the voiding statements are counted yet, and nothing was taken away.
    expect(await actualCounts(store.storeId)).toEqual(before);
    await release();
    await expectMatchesRebuild(store.storeId);
  });

  it("a voiding statement arriving before its target: the target is never counted", async () => {
    const store = await storeWithCredential("aggregator-void-first");
    const late = crypto.randomUUID();
    await post(store, [voidingOf(late)]);
    await aggregate(store.storeId);
    await post(store, [{ ...variedStatements(1, 1)[0], id: late }]);
    const voided = await env.DB.prepare("SELECT voided FROM statements WHERE store_id = ? AND id = ?").bind(store.storeId, late).first<{ voided: number }>();
    expect(voided!.voided).toBe(1);
    await expectMatchesRebuild(store.storeId);
    // Only the voiding statement counts (total and verb).
    expect(Object.keys(await actualCounts(store.storeId)).filter((k) => !/^(total|verb)\|/.test(k))).toEqual([]);
  });

  it("a page whose batch fails leaves cursor and counts unchanged, and the next run counts it once", async () => {
    const store = await storeWithCredential("aggregator-crash");
    await post(store, variedStatements(8));
    await aggregate(store.storeId);
    const release = await holdAggregator(store.storeId);
    const ids = await post(store, variedStatements(8, 2));
    const cursor = await cursorOf(store.storeId);
    const before = await actualCounts(store.storeId);
    // A row the key derivation cannot read fails the page's batch (as a D1 reset or overload would).
    const original = await env.DB.prepare("SELECT statement FROM statements WHERE store_id = ? AND id = ?").bind(store.storeId, ids[3]).first<{ statement: string }>();
    await env.DB.prepare("UPDATE statements SET statement = 'not json' WHERE store_id = ? AND id = ?").bind(store.storeId, ids[3]).run();
    await expect(aggregate(store.storeId)).rejects.toThrow(/malformed JSON/i);
    expect(await cursorOf(store.storeId)).toBe(cursor);
    expect(await actualCounts(store.storeId)).toEqual(before);
    await env.DB.prepare("UPDATE statements SET statement = ? WHERE store_id = ? AND id = ?").bind(original!.statement, store.storeId, ids[3]).run();
    await release();
    await expectMatchesRebuild(store.storeId);
  });

  it("counts 1,000 statements in bounded pages; figures of its own D1 rows written", { timeout: 60_000 }, async () => {
    // The bench's population (many learners, courses of activities, one registration per attempt), in its order.
    for (const [name, batch] of [
      ["bench population", (from: number) => makeBatch(from, 250)],
      ["test fixtures", (from: number) => variedStatements(250, from)],
    ] as const) {
      const store = await storeWithCredential(`aggregator-bench-${name}`);
      const release = await holdAggregator(store.storeId);
      for (let from = 0; from < 1000; from += 250) await post(store, batch(from));
      await release();
      const run = await aggregate(store.storeId);
      // Pages of 2,000: one page counts them all and reports nothing left.
      expect(run).toMatchObject({ pages: 1, behind: false });
      console.log(`aggregator, ${name}: ${run.rowsWritten} D1 rows written for 1,000 statements (${run.rowsWritten / 1000} per statement)`);
      // One upsert per distinct (dimension, day, value) of a page, plus the cursor: at most 12 keys per statement.
      expect(run.rowsWritten / 1000).toBeLessThan(12);
      await expectMatchesRebuild(store.storeId);
    }
  });

  it("interns a page's values only for a store with statements from before the dictionary (old index rows)", async () => {
    const upgraded = await storeWithCredential("aggregator-legacy");
    const release = await holdAggregator(upgraded.storeId);
    await post(upgraded, variedStatements(12));
    const plain = await storeWithCredential("aggregator-no-legacy");
    await post(plain, variedStatements(4));
    // As a deployment upgraded part way: the store's index back in the old table, its dictionary empty.
    expect(await toOldLayout(upgraded.storeId)).toBeGreaterThan(12);
    expect(await env.DB.prepare("SELECT count(*) AS n FROM index_values WHERE store_id = ?").bind(upgraded.storeId).first("n")).toBe(0);
    expect(await pagesMustIntern(env.DB, upgraded.storeId)).toBe(true);
    expect(await pagesMustIntern(env.DB, plain.storeId)).toBe(false);
    await release();
    // Every key counted, learners and activities included: their values were interned by the pages.
    await aggregate(upgraded.storeId);
    const counts = await actualCounts(upgraded.storeId);
    expect(counts).toEqual(await expectedCounts(upgraded.storeId));
    expect(Object.keys(counts).filter((k) => k.startsWith("learner|")).length).toBeGreaterThan(1);
    // Once the backfill has moved the store's old rows, its pages no longer intern.
    await env.DB.prepare("DELETE FROM legacy_statement_index WHERE store_id = ?").bind(upgraded.storeId).run();
    expect(await pagesMustIntern(env.DB, upgraded.storeId)).toBe(false);
    await expectMatchesRebuild(plain.storeId);
  });

  it("asks whether its pages intern once per object, not on every run (moved legacy rows never come back)", async () => {
    const store = await storeWithCredential("aggregator-intern-once");
    const release = await holdAggregator(store.storeId);
    await post(store, variedStatements(3));
    const schemaReads: string[] = [];
    const stub = rollupAggregator(env as unknown as Bindings, store.storeId);
    await runInDurableObject(stub, async (instance: RollupAggregator) => {
      // The object's own D1 binding, watched: legacyTablesOf() is the run's one read of sqlite_schema.
      const own = (instance as unknown as { env: Bindings }).env;
      const watched = new Proxy(own.DB, {
        get(target, property) {
          if (property === "prepare") {
            return (sql: string) => {
              if (sql.includes("sqlite_schema")) schemaReads.push(sql);
              return target.prepare(sql);
            };
          }
          const value: unknown = Reflect.get(target, property);
          return typeof value === "function" ? value.bind(target) : value;
        },
      });
      Object.defineProperty(instance, "env", { value: { ...own, DB: watched }, configurable: true, writable: true });
      try {
        expect((await instance.catchUp(store.storeId)).pages).toBe(1);
        expect((await instance.catchUp(store.storeId)).pages).toBe(1);
      } finally {
        Object.defineProperty(instance, "env", { value: own, configurable: true, writable: true });
      }
    });
    await release();
    expect(schemaReads).toHaveLength(1);
    expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
  });

  it("the cron wakes a store's aggregator whose wake was lost", async () => {
    const store = await storeWithCredential("aggregator-cron");
    const release = await holdAggregator(store.storeId);
    await post(store, variedStatements(5));
    // The wake's alarm is dropped, as if it never arrived: only the cron can find these statements.
    const stub = rollupAggregator(env as unknown as Bindings, store.storeId);
    await runInDurableObject(stub, (_instance, state) => state.storage.deleteAlarm());
    await release();
    expect(await cursorOf(store.storeId)).toBeUndefined();
    const ctx = createExecutionContext();
    await strictWorker.scheduled!(createScheduledController({ cron: "*/10 * * * *" }), env as never, ctx);
    await waitOnExecutionContext(ctx);
    const last = await env.DB.prepare("SELECT max(seq) AS seq FROM statements WHERE store_id = ?").bind(store.storeId).first<{ seq: number }>();
    for (let i = 0; i < 200 && (await cursorOf(store.storeId)) !== last!.seq; i++) await new Promise((r) => setTimeout(r, 25));
    expect(await cursorOf(store.storeId)).toBe(last!.seq);
    expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
  });
});
