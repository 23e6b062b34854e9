// The store actions (src/admin/actions/store-actions.ts) as both front ends reach them: one input rule set,
// the same refusals, and an audit row written with each change, none with a refused one.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, adminJson } from "../admin-helpers";
import { Browser } from "../../console/console-helpers";

type AuditEntries = { entries: { action: string; detail: Record<string, unknown> }[] };

const auditOf = async (storeId: string) =>
  (await adminJson<AuditEntries>(`/stores/${storeId}/audit`)).entries.map(({ action, detail }) => ({ action, detail }));

describe("store actions", () => {
  it("audits creating and renaming a store through the admin API, newest first", async () => {
    expect((await admin("/stores", { method: "POST", json: { id: "audited", name: "Audited" } })).status).toBe(201);
    expect((await admin("/stores/audited", { method: "PATCH", json: { name: "Renamed" } })).status).toBe(200);
    expect(await auditOf("audited")).toEqual([
      { action: "store.rename", detail: { storeId: "audited" } },
      { action: "store.create", detail: { storeId: "audited" } },
    ]);
  });

  it("writes no audit row for a taken id or an unknown store", async () => {
    await adminJson("/stores", { method: "POST", json: { id: "taken-once", name: "First" } });
    const taken = await admin("/stores", { method: "POST", json: { id: "taken-once", name: "Second" } });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toEqual({
      error: { status: 409, message: "id: a store with id taken-once exists", path: "id" },
    });
    expect((await admin("/stores/never-made", { method: "PATCH", json: { name: "x" } })).status).toBe(404);
    expect(await auditOf("taken-once")).toEqual([{ action: "store.create", detail: { storeId: "taken-once" } }]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE store_id = ?").bind("never-made").first();
    expect(rows).toEqual({ n: 0 });
  });

  it("audits a store made in the console exactly like one made through the admin API", async () => {
    const operator = new Browser();
    await operator.signInAdmin();
    await operator.get("/console/admin");
    expect((await operator.post("/console/admin/stores", { name: "From console", id: "console-audited" })).location).toBe(
      "/console/admin/stores/console-audited",
    );
    expect(await auditOf("console-audited")).toEqual([{ action: "store.create", detail: { storeId: "console-audited" } }]);
  });

  it("checks a store id by the same rule in the console as in the admin API, naming the property", async () => {
    const rule = "a store id is 1-63 of a-z 0-9 _ - (starting a-z 0-9)";
    const api = await admin("/stores", { method: "POST", json: { id: "Not Valid", name: "x" } });
    expect(api.status).toBe(400);
    expect(await api.json()).toEqual({ error: { status: 400, message: `id: ${rule}`, path: "id" } });

    const operator = new Browser();
    await operator.signInAdmin();
    await operator.get("/console/admin");
    const page = await operator.post("/console/admin/stores", { name: "x", id: "Not Valid" });
    expect(page.status).toBe(400);
    expect(page.html).toContain(`id: ${rule}`);
    expect((await admin("/stores/Not%20Valid")).status).toBe(404);
  });

  it("refuses an over-long name in the console as the admin API does, instead of cutting it", async () => {
    const name = "n".repeat(201);
    expect((await admin("/stores", { method: "POST", json: { id: "long-api", name } })).status).toBe(400);
    const operator = new Browser();
    await operator.signInAdmin();
    await operator.get("/console/admin");
    const page = await operator.post("/console/admin/stores", { name, id: "long-console" });
    expect(page.status).toBe(400);
    expect(page.html).toContain("name: a name of 1 to 200 characters is required");
    expect((await admin("/stores/long-console")).status).toBe(404);
  });
});
