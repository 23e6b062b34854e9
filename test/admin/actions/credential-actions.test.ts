// The credential actions (src/admin/actions/credential-actions.ts) as both front ends reach them: each change
// audited once, in its own batch; refusals change nothing and write no audit row; one name rule for both.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, adminJson, createCredential, createStore } from "../admin-helpers";
import { Browser } from "../../console/console-helpers";

type AuditEntries = { entries: { action: string; detail: Record<string, unknown> }[] };

const credentialAudit = async (storeId: string) =>
  (await adminJson<AuditEntries>(`/stores/${storeId}/audit`)).entries
    .filter(({ action }) => action.startsWith("credential."))
    .map(({ action, detail }) => ({ action, detail }));

describe("credential actions", () => {
  it("audits every change of a credential once, with its id and what changed, newest first", async () => {
    const storeId = await createStore("Audited credentials");
    const credential = await createCredential(storeId, ["statements/write"]);
    const base = `/stores/${storeId}/credentials/${credential.id}`;
    expect((await admin(base, { method: "PATCH", json: { name: "renamed", scopes: ["state"] } })).status).toBe(200);
    expect((await admin(`${base}/disable`, { method: "POST" })).status).toBe(200);
    expect((await admin(`${base}/rotate`, { method: "POST" })).status).toBe(200);
    expect((await admin(base, { method: "DELETE" })).status).toBe(204);
    const id = credential.id;
    expect(await credentialAudit(storeId)).toEqual([
      { action: "credential.delete", detail: { credentialId: id } },
      { action: "credential.rotate", detail: { credentialId: id } },
      { action: "credential.update", detail: { credentialId: id, disabled: true } },
      { action: "credential.update", detail: { credentialId: id, renamed: true, scopes: ["state"] } },
      { action: "credential.create", detail: { credentialId: id } },
    ]);
  });

  it("writes no audit row when the credential is not found, in its store or at all", async () => {
    const storeId = await createStore("Not found credentials");
    const other = await createCredential(await createStore("Other store"));
    for (const id of ["no-such-credential", other.id]) {
      const base = `/stores/${storeId}/credentials/${id}`;
      expect((await admin(base, { method: "PATCH", json: { scopes: ["state"] } })).status).toBe(404);
      expect((await admin(`${base}/disable`, { method: "POST" })).status).toBe(404);
      expect((await admin(`${base}/rotate`, { method: "POST" })).status).toBe(404);
      expect((await admin(base, { method: "DELETE" })).status).toBe(404);
    }
    expect((await admin("/stores/no-such-store/credentials", { method: "POST", json: { scopes: ["all"] } })).status).toBe(404);
    expect(await credentialAudit(storeId)).toEqual([]);
    expect(await credentialAudit(other.storeId)).toEqual([{ action: "credential.create", detail: { credentialId: other.id } }]);
    const rows = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE store_id = ?").bind("no-such-store").first();
    expect(rows).toEqual({ n: 0 });
  });

  it("refuses an over-long credential name in the console as the admin API does, instead of cutting it", async () => {
    const storeId = await createStore("Long names");
    const name = "n".repeat(201);
    const api = await admin(`/stores/${storeId}/credentials`, { method: "POST", json: { name, scopes: ["all"] } });
    expect(api.status).toBe(400);
    const operator = new Browser();
    await operator.signInAdmin();
    await operator.get(`/console/admin/stores/${storeId}`);
    const page = await operator.post(`/console/admin/stores/${storeId}/credentials`, { name, scopes: ["all"] });
    expect(page.status).toBe(400);
    expect(page.html).toContain("name: a name of 1 to 200 characters is required");
    expect(await adminJson(`/stores/${storeId}/credentials`)).toEqual({ credentials: [] });
  });

  it("refuses an unknown scope in the console as the admin API does, naming the scope list", async () => {
    const storeId = await createStore("Unknown scopes");
    const api = await admin(`/stores/${storeId}/credentials`, { method: "POST", json: { scopes: ["everything"] } });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: { path: string } }).error.path).toBe("scopes.0");
    const operator = new Browser();
    await operator.signInAdmin();
    await operator.get(`/console/admin/stores/${storeId}`);
    const page = await operator.post(`/console/admin/stores/${storeId}/credentials`, { scopes: ["all", "everything"] });
    expect(page.status).toBe(400);
    expect(page.html).toContain("scopes.1: Invalid option");
    expect(await adminJson(`/stores/${storeId}/credentials`)).toEqual({ credentials: [] });
  });
});
