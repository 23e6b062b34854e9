// since/until as seq positions (src/statement-store/stored-order.ts): the binary search over a store's walk
// must find exactly what a scan of its stored times finds, with statements of another store interleaved in the
// seq order, batches sharing one stored time, and times before, between, at and after every stored one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { firstSeqStoredAfter } from "../../../src/statement-store/stored-order";
import { storeWithCredential, xapiAs } from "../../admin/admin-helpers";
import { statement } from "./fixtures";

async function searched(storeId: string, ms: number): Promise<number | null> {
  const { sql, params } = firstSeqStoredAfter(storeId, ms);
  return (await env.DB.prepare(`SELECT ${sql} AS seq`).bind(...params).first<{ seq: number | null }>())!.seq;
}

async function scanned(storeId: string, ms: number): Promise<number | null> {
  return (await env.DB.prepare("SELECT min(seq) AS seq FROM statements WHERE store_id = ? AND stored_ms > ?")
    .bind(storeId, ms)
    .first<{ seq: number | null }>())!.seq;
}

describe("the first statement stored after a time", () => {
  it("is found by the binary search exactly as by a scan", async () => {
    const mine = await storeWithCredential("stored order");
    const other = await storeWithCredential("stored order, interleaved");
    for (let round = 0; round < 12; round++) {
      for (const credential of round % 3 === 0 ? [other, mine] : [mine, other]) {
        const batch = Array.from({ length: 1 + (round % 4) }, () => statement({ id: crypto.randomUUID() }));
        expect((await xapiAs(credential, "/statements", { method: "POST", json: batch })).status).toBe(200);
      }
    }
    const { results } = await env.DB.prepare("SELECT DISTINCT stored_ms AS ms FROM statements WHERE store_id = ? ORDER BY 1")
      .bind(mine.storeId)
      .all<{ ms: number }>();
    expect(results.length).toBeGreaterThan(5);
    const times = results.flatMap(({ ms }) => [ms - 1, ms, ms + 1]);
    for (const ms of [0, ...times, Number.MAX_SAFE_INTEGER]) {
      expect(await searched(mine.storeId, ms), `after ${ms}`).toBe(await scanned(mine.storeId, ms));
    }
    expect(await searched("no-such-store", 0)).toBeNull();
  });
});
