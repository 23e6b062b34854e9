// The console says how far its figures reach: up to which stored time the aggregator has counted, and how many
// statements stored since are not counted yet (src/rollups/freshness.ts, rendered by the figure pages).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { Browser, statement } from "../console/console-helpers";
import { aggregate, holdAggregator } from "./aggregator";

const pending = (html: string) => /data-pending="(\d+)"/.exec(html)?.[1];

describe("figure freshness", () => {
  it("names the statements not counted yet on every figure page, and none once the aggregator has run", async () => {
    const store = await storeWithCredential("rollups-freshness");
    const release = await holdAggregator(store.storeId);
    const browser = new Browser();
    expect((await browser.signInAdmin()).status).toBe(303);
    const base = `/console/s/${store.storeId}`;
    const pages = [base, `${base}/dashboard`, `${base}/activity?activityId=${encodeURIComponent("http://example.com/a")}`,
      `${base}/learner?agent=${encodeURIComponent("mbox:mailto:ana@example.com")}`];

    for (const path of pages) expect((await browser.get(path)).html).toContain("No statement counted yet.</p>");
    const body = [1, 2, 3].map(() => statement({ actor: "Ana", activity: "http://example.com/a" }));
    expect((await xapiAs(store, "/statements", { method: "POST", json: body })).status).toBe(200);
    for (const path of pages) {
      const html = (await browser.get(path)).html;
      expect(pending(html), path).toBe("3");
      expect(html).toContain("No statement counted yet. 3 statements stored since not counted yet (counting runs in the background).</p>");
    }

    await release();
    await aggregate(store.storeId);
    const held = await holdAggregator(store.storeId);
    expect((await xapiAs(store, "/statements", { method: "POST", json: [statement({ actor: "Ana" })] })).status).toBe(200);
    const third = await env.DB.prepare("SELECT stored_ms FROM statements WHERE store_id = ? ORDER BY seq LIMIT 1 OFFSET 2")
      .bind(store.storeId)
      .first<{ stored_ms: number }>();
    const through = new Date(third!.stored_ms).toISOString().slice(0, 19).replace("T", " ");
    expect((await browser.get(base)).html).toContain(
      `Figures include statements stored up to ${through} UTC. 1 statement stored since not counted yet (counting runs in the background).</p>`,
    );
    await held();
    await aggregate(store.storeId);
    for (const path of pages) expect(pending((await browser.get(path)).html), path).toBe("0");
  });
});
