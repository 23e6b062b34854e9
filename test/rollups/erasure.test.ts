// Erasure and store deletion keep the console's counters true: an erased agent's statements the aggregator
// counted are uncounted in the erasing transaction (those it had not reached are simply never counted), no
// rollup row names the agent afterwards, and a deleted store leaves no row, no cursor, and an aggregator that
// tolerates it.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runJob, storeWithCredential, xapiAs } from "../admin/admin-helpers";
import type { Bindings } from "../../src/env";
import { rollupAggregator } from "../../src/statement-store/rollups/aggregator-wake";
import { aggregate, cursorOf, holdAggregator } from "./aggregator";
import { actualCounts, expectedCounts, rollupRowsNaming } from "./expected";
import { variedStatements, voidingOf } from "./fixtures";

const TARGET = { objectType: "Agent", name: "Tess", mbox: "mailto:tess@example.com" };
const TARGET_KEY = "mbox:mailto:tess@example.com";

async function post(credential: { auth: string }, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

const rowsNaming = (storeId: string, text: string) => rollupRowsNaming(storeId, text);

describe("rollups under erasure and store deletion", () => {
  it("uncount an erased agent's statements and keep no row naming the agent", async () => {
    const store = await storeWithCredential("rollups-erasure");
    const others = variedStatements(30);
    const targets = variedStatements(12, 1).map((s) => ({ ...s, actor: TARGET }));
    const ids = await post(store, [...others, ...targets]);
    // One of the target's statements voided (already uncounted), one statement with the target as object.
    await post(store, [voidingOf(ids[30]!), { ...others[0], object: TARGET }]);
    await aggregate(store.storeId);
    expect(await rowsNaming(store.storeId, "tess@example.com")).toBeGreaterThan(0);
    const before = await actualCounts(store.storeId);

    const job = await runJob(`/stores/${store.storeId}/erase-agent`, { method: "POST", json: { agent: TARGET } });
    // The target's 12, the statement voiding one of them (it refers to it) and the one about the target.
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 14 } });
    const after = await actualCounts(store.storeId);
    expect(after).toEqual(await expectedCounts(store.storeId));
    expect(after).not.toEqual(before);
    expect(await rowsNaming(store.storeId, "tess@example.com")).toBe(0);
    expect(await rowsNaming(store.storeId, TARGET_KEY)).toBe(0);
    // Nor a row keyed by the dictionary id the erasure forgot.
    expect(await rowsNaming(store.storeId, "#missing:")).toBe(0);
  });

  it("uncount and forget every spelling and SHA-1 sum of an erased mbox (issue 11)", async () => {
    const store = await storeWithCredential("rollups-erasure-variants");
    const sum = async (text: string) =>
      [...new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text)))]
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
    const sums = [await sum("mailto:tess@example.com"), await sum("mailto:Tess@Example.com")];
    const as = (actor: Record<string, unknown>, n: number, seed: number) =>
      variedStatements(n, seed).map((s) => ({ ...s, actor }));
    await post(store, [
      ...variedStatements(20),
      ...as({ mbox: "mailto:Tess@Example.com" }, 6, 1),
      ...as({ mbox_sha1sum: sums[0] }, 4, 2),
      ...as({ mbox_sha1sum: sums[1]!.toUpperCase() }, 3, 3),
    ]);
    await aggregate(store.storeId);
    for (const trace of ["tess@example.com", ...sums]) {
      expect(await rollupRowsNaming(store.storeId, trace, true), trace).toBeGreaterThan(0);
    }

    const job = await runJob(`/stores/${store.storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:tess@example.com" } } });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 13 } });
    expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
    for (const trace of ["tess@example.com", ...sums]) {
      expect(await rollupRowsNaming(store.storeId, trace, true), trace).toBe(0);
    }
  });

  it("delete every rollup row of a deleted store, and none of another store", async () => {
    const doomed = await storeWithCredential("rollups-doomed");
    const kept = await storeWithCredential("rollups-kept");
    await post(doomed, variedStatements(20));
    await post(kept, variedStatements(5));
    await aggregate(doomed.storeId);
    await aggregate(kept.storeId);
    const keptBefore = await actualCounts(kept.storeId);
    expect(await cursorOf(doomed.storeId)).toBeGreaterThan(0);
    expect(await runJob(`/stores/${doomed.storeId}`, { method: "DELETE" })).toMatchObject({ state: "succeeded" });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_counts WHERE store_id = ?")
      .bind(doomed.storeId)
      .first<{ n: number }>();
    expect(row!.n).toBe(0);
    expect(await cursorOf(doomed.storeId)).toBeUndefined();
    expect(await actualCounts(kept.storeId)).toEqual(keptBefore);
    // The deleted store's aggregator, woken late, writes nothing and forgets the store.
    const stub = rollupAggregator(env as unknown as Bindings, doomed.storeId);
    await stub.wake(doomed.storeId);
    expect(await stub.catchUp(doomed.storeId)).toMatchObject({ store: false, behind: false, rowsWritten: 0 });
    await runInDurableObject(stub, (instance) => instance.alarm());
    expect(await runInDurableObject(stub, (_instance, state) => state.storage.get("storeId"))).toBeUndefined();
    expect(await cursorOf(doomed.storeId)).toBeUndefined();
  });

  it("erase statements the aggregator has not reached yet: never counted, never subtracted", async () => {
    const store = await storeWithCredential("rollups-erasure-early");
    await post(store, variedStatements(10));
    await aggregate(store.storeId);
    const release = await holdAggregator(store.storeId);
    const cursor = await cursorOf(store.storeId);
    // Statements about the target past the cursor, then erased before the aggregator runs.
    await post(store, variedStatements(6, 1).map((s) => ({ ...s, actor: TARGET })));
    await post(store, variedStatements(3, 2));
    expect(await cursorOf(store.storeId)).toBe(cursor);
    const held = await actualCounts(store.storeId);
    const job = await runJob(`/stores/${store.storeId}/erase-agent`, { method: "POST", json: { agent: TARGET } });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 6 } });
    // Nothing was subtracted: none of them had been counted.
    expect(await actualCounts(store.storeId)).toEqual(held);
    await release();
    await aggregate(store.storeId);
    expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
    expect(await rowsNaming(store.storeId, "tess@example.com")).toBe(0);
  });
});
