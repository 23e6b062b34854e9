// The console says how far its figures reach: up to which stored time the aggregator has counted, and up to which
// stored time statements wait to be counted (src/statement-store/rollups/freshness.ts, rendered by the figure pages).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { Browser, statement } from "../console/console-helpers";
import { aggregate, holdAggregator } from "./aggregator";

const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
const storedOf = async (storeId: string, offset: number) =>
  (await env.DB.prepare("SELECT stored_ms FROM statements WHERE store_id = ? ORDER BY seq LIMIT 1 OFFSET ?")
    .bind(storeId, offset)
    .first<{ stored_ms: number }>())!.stored_ms;

describe("figure freshness", () => {
  it("names what is not counted yet on every figure page, and nothing once the aggregator has run", async () => {
    const store = await storeWithCredential("rollups-freshness");
    const release = await holdAggregator(store.storeId);
    const browser = new Browser();
    expect((await browser.signInAdmin()).status).toBe(303);
    const base = `/console/s/${store.storeId}`;
    const pages = [base, `${base}/dashboard`, `${base}/activity?activityId=${encodeURIComponent("http://example.com/a")}`,
      `${base}/learner?agent=${encodeURIComponent("mbox:mailto:ana@example.com")}`];

    for (const path of pages) expect((await browser.get(path)).html, path).toContain("No statement counted yet.</p>");
    const body = [1, 2, 3].map(() => statement({ actor: "Ana", activity: "http://example.com/a" }));
    expect((await xapiAs(store, "/statements", { method: "POST", json: body })).status).toBe(200);
    const newest = utc(await storedOf(store.storeId, 2));
    for (const path of pages) {
      expect((await browser.get(path)).html, path).toContain(
        `No statement counted yet. Statements stored up to ${newest} are not counted yet (counting runs in the background).</p>`,
      );
    }

    await release();
    await aggregate(store.storeId);
    const held = await holdAggregator(store.storeId);
    expect((await xapiAs(store, "/statements", { method: "POST", json: [statement({ actor: "Ana" })] })).status).toBe(200);
    const [third, fourth] = [utc(await storedOf(store.storeId, 2)), utc(await storedOf(store.storeId, 3))];
    expect((await browser.get(base)).html).toContain(
      `Figures include statements stored up to ${third}. Statements stored since, up to ${fourth}, are not counted yet (counting runs in the background).</p>`,
    );
    await held();
    await aggregate(store.storeId);
    const counted = await storedOf(store.storeId, 3);
    for (const path of pages) {
      expect((await browser.get(path)).html, path).toContain(
        `data-counted-through="${counted}" data-uncounted-through="">Figures include statements stored up to ${utc(counted)}.</p>`,
      );
    }
  });
});
