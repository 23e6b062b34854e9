// Erasure and store deletion keep the console's counters true: an erased agent's statements are uncounted in
// the erasing transaction, no rollup row names the agent afterwards, and a deleted store leaves no row.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runJob, storeWithCredential, xapiAs } from "../admin/admin-helpers";
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

    const job = await runJob(`/stores/${store.storeId}/erase-agent`, { method: "POST", json: { agent: TARGET } });
    // The target's 12, the statement voiding one of them (it refers to it) and the one about the target.
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 14 } });
    const after = await actualCounts(store.storeId);
    expect(after).toEqual(await expectedCounts(store.storeId));
    expect(after).not.toEqual(before);
    expect(await rowsNaming(store.storeId, "tess@example.com")).toBe(0);
    expect(await rowsNaming(store.storeId, TARGET_KEY)).toBe(0);
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
    for (const trace of ["tess@example.com", ...sums]) {
      const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE store_id = ? AND instr(lower(value), ?) > 0")
        .bind(store.storeId, trace)
        .first<{ n: number }>();
      expect(row!.n, trace).toBeGreaterThan(0);
    }

    const job = await runJob(`/stores/${store.storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:tess@example.com" } } });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 13 } });
    expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
    for (const trace of ["tess@example.com", ...sums]) {
      const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE store_id = ? AND instr(lower(value), ?) > 0")
        .bind(store.storeId, trace)
        .first<{ n: number }>();
      expect(row!.n, trace).toBe(0);
    }
  });

  it("delete every rollup row of a deleted store, and none of another store", async () => {
    const doomed = await storeWithCredential("rollups-doomed");
    const kept = await storeWithCredential("rollups-kept");
    await post(doomed, variedStatements(20));
    await post(kept, variedStatements(5));
    const keptBefore = await actualCounts(kept.storeId);
    expect(await runJob(`/stores/${doomed.storeId}`, { method: "DELETE" })).toMatchObject({ state: "succeeded" });
    const row = await env.DB.prepare("SELECT count(*) AS n FROM rollup_daily WHERE store_id = ?")
      .bind(doomed.storeId)
      .first<{ n: number }>();
    expect(row!.n).toBe(0);
    expect(await actualCounts(kept.storeId)).toEqual(keptBefore);
  });
});
