// Erasure and store deletion keep the console's counters true: an erased agent's statements are uncounted in
// the erasing transaction, no rollup row names the agent afterwards, and a deleted store leaves no row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runToCompletion, storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { actualCounts, expectedCounts } from "./expected";
import { variedStatements, voidingOf } from "./fixtures";

const TARGET = { objectType: "Agent", name: "Tess", mbox: "mailto:tess@example.com" };
const TARGET_KEY = "mbox:mailto:tess@example.com";

async function post(credential: { auth: string }, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

async function rowsNaming(storeId: string, text: string): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE store_id = ? AND instr(value, ?) > 0")
    .bind(storeId, text)
    .first<{ n: number }>();
  return row!.n;
}

describe("rollups under erasure and store deletion", () => {
  it("uncount an erased agent's statements and keep no row naming the agent", async () => {
    const store = await storeWithCredential("rollups-erasure");
    const others = variedStatements(30);
    const targets = variedStatements(12, 1).map((s) => ({ ...s, actor: TARGET }));
    const ids = await post(store, [...others, ...targets]);
    // One of the target's statements voided (already uncounted), one statement with the target as object.
    await post(store, [voidingOf(ids[30]!), { ...others[0], object: TARGET }]);
    expect(await rowsNaming(store.storeId, "tess@example.com")).toBeGreaterThan(0);
    const before = await actualCounts(store.storeId);

    await runToCompletion(`/stores/${store.storeId}/erase-agent`, { method: "POST", json: { agent: TARGET } });
    const after = await actualCounts(store.storeId);
    expect(after).toEqual(await expectedCounts(store.storeId));
    expect(after).not.toEqual(before);
    expect(await rowsNaming(store.storeId, "tess@example.com")).toBe(0);
    expect(await rowsNaming(store.storeId, TARGET_KEY)).toBe(0);
  });

  it("delete every rollup row of a deleted store, and none of another store", async () => {
    const doomed = await storeWithCredential("rollups-doomed");
    const kept = await storeWithCredential("rollups-kept");
    await post(doomed, variedStatements(20));
    await post(kept, variedStatements(5));
    const keptBefore = await actualCounts(kept.storeId);
    await runToCompletion(`/stores/${doomed.storeId}`, { method: "DELETE" });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE store_id = ?")
      .bind(doomed.storeId)
      .first<{ n: number }>();
    expect(row!.n).toBe(0);
    expect(await actualCounts(kept.storeId)).toEqual(keptBefore);
  });
});
