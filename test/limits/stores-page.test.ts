// The console's stores page at 30 stores: every store's totals and stored bytes in one D1 batch, so the page
// stays within the 45 calls of the strict entry (Free: 50 D1 queries per invocation) however many stores.
import { describe, expect, it } from "vitest";
import { adminFetch, ConsoleSession, metered } from "./limits-helpers";

describe("console stores page", () => {
  it("lists 30 stores with their figures in a fixed number of D1 calls", async () => {
    for (let i = 1; i < 30; i++) {
      const response = await adminFetch("/stores", { method: "POST", json: { name: `Store ${i}`, id: `store-${String(i).padStart(2, "0")}` } });
      expect(response.status).toBe(201);
    }
    const console_ = new ConsoleSession();
    await console_.signInAdmin();
    const { status, text, report } = await metered(() => console_.request("/admin"));
    expect(status).toBe(200);
    expect(text.match(/<tr data-store-id="/g)?.length).toBe(30);
    expect(report.violations).toEqual([]);
    // Session, the store list, and one batch of 7 statements per store.
    expect(report.d1).toBeLessThanOrEqual(6);
  }, 120_000);
});
