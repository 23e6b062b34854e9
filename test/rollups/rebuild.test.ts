// An explicit rebuild (a durable job) replaces the store's rows with counts derived from its statements (voided
// ones left out), touches no other store, and ends with the store's aggregator cursor agreeing with what it
// counted, even with the aggregator and voiding running between its steps.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runJob, storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { StepBudget } from "../../src/jobs/step-budget";
import { rebuildRollups, type RebuildCursor } from "../../src/statement-store/rollups/rebuild";
import { aggregate, cursorOf } from "./aggregator";
import { actualCounts, expectedCounts } from "./expected";
import { variedStatements, voidingOf } from "./fixtures";

async function post(credential: { auth: string }, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

const rebuild = (storeId: string) => runJob(`/stores/${storeId}/jobs`, { method: "POST", json: { kind: "rollup-rebuild" } });

describe("rebuildRollups", () => {
  it("recounts a store from its statements", async () => {
    const store = await storeWithCredential("rollups-rebuild");
    const other = await storeWithCredential("rollups-rebuild-other");
    const ids = await post(store, variedStatements(40));
    await post(store, [voidingOf(ids[0]!), voidingOf(ids[1]!)]);
    await post(other, variedStatements(5));
    await aggregate(store.storeId);
    await aggregate(other.storeId);
    const expected = await expectedCounts(store.storeId);
    const otherBefore = await actualCounts(other.storeId);
    // As if the statements predated the rollups, plus a stray row to be replaced.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM rollup_counts WHERE store_id = ?").bind(store.storeId),
      env.DB.prepare("INSERT INTO rollup_counts VALUES (?, 0, 10957, 0, 0, 5)").bind(store.storeId),
    ]);
    const job = await rebuild(store.storeId);
    expect(job).toMatchObject({ state: "succeeded", done: 42, total: 42, counts: { seqs: 42 } });
    expect(await actualCounts(store.storeId)).toEqual(expected);
    expect(await actualCounts(other.storeId)).toEqual(otherBefore);
    const highest = await env.DB.prepare("SELECT max(seq) AS seq FROM statements WHERE store_id = ?").bind(store.storeId).first<{ seq: number }>();
    expect(await cursorOf(store.storeId)).toBe(highest!.seq);
    // Rebuilding again, in pages of 7 and steps of 3 calls, changes nothing.
    let cursor: RebuildCursor | null = null;
    let steps = 0;
    for (let finished = false; !finished; steps++) {
      const step = await rebuildRollups(env.DB, store.storeId, cursor, new StepBudget(3), 7);
      ({ finished, cursor } = step);
    }
    expect(steps).toBeGreaterThan(2);
    expect(await actualCounts(store.storeId)).toEqual(expected);
    // Rebuilding while the aggregator runs and statements are voided between steps: counts still match.
    cursor = null;
    for (let finished = false, i = 0; !finished; i++) {
      const step = await rebuildRollups(env.DB, store.storeId, cursor, new StepBudget(2), 5);
      ({ finished, cursor } = step);
      if (i === 1) await post(store, [voidingOf(ids[3]!), voidingOf(ids[30]!)]);
      if (i === 2) await aggregate(store.storeId);
    }
    await aggregate(store.storeId);
    expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
    // An empty store ends with no rows.
    const empty = await storeWithCredential("rollups-rebuild-empty");
    expect(await rebuild(empty.storeId)).toMatchObject({ state: "succeeded", done: 0, total: 0 });
    expect(await actualCounts(empty.storeId)).toEqual({});
  });
});
