// Statements stored before rollup_daily existed are counted by an explicit rebuild, which replaces the
// store's rows with counts derived from its statements (voided ones left out) and touches no other store.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { rebuildRollups } from "../../src/rollups/rebuild";
import { actualCounts, expectedCounts } from "./expected";
import { variedStatements, voidingOf } from "./fixtures";

async function post(credential: { auth: string }, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  expect(res.status).toBe(200);
  return (await res.json()) as string[];
}

describe("rebuildRollups", () => {
  it("recounts a store from its statements", async () => {
    const store = await storeWithCredential("rollups-rebuild");
    const other = await storeWithCredential("rollups-rebuild-other");
    const ids = await post(store, variedStatements(40));
    await post(store, [voidingOf(ids[0]!), voidingOf(ids[1]!)]);
    await post(other, variedStatements(5));
    const expected = await expectedCounts(store.storeId);
    const otherBefore = await actualCounts(other.storeId);
    // As if the statements predated the rollups, plus a stray row to be replaced.
    await env.DB.batch([
      env.DB.prepare("DELETE FROM rollup_daily WHERE store_id = ?").bind(store.storeId),
      env.DB.prepare("INSERT INTO rollup_daily VALUES (?, 'total', '2000-01-01', '', 5)").bind(store.storeId),
    ]);
    await rebuildRollups(env.DB, store.storeId);
    expect(await actualCounts(store.storeId)).toEqual(expected);
    expect(await actualCounts(other.storeId)).toEqual(otherBefore);
    // Rebuilding again, in seq ranges of 7, changes nothing; an empty store ends with no rows.
    await rebuildRollups(env.DB, store.storeId, 7);
    expect(await actualCounts(store.storeId)).toEqual(expected);
    const empty = await storeWithCredential("rollups-rebuild-empty");
    await rebuildRollups(env.DB, empty.storeId);
    expect(await actualCounts(empty.storeId)).toEqual({});
  });
});
