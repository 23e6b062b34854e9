// The console's credential actions follow the admin API's rules (src/admin/credential-actions.ts): the bootstrap
// credential, rewritten from its variables at every isolate start, cannot be changed from the console either.
import { describe, expect, it } from "vitest";
import { admin, adminJson, createCredential, createStore, xapiAs } from "../admin/admin-helpers";
import { basic, xapi } from "../helpers";
import { Browser } from "./console-helpers";

type Credential = { id: string; scopes: string[]; disabled: boolean; name: string };
const BOOTSTRAP = "bootstrap:test-key";

describe("console credential actions", () => {
  it("refuses to rotate, disable or rescope the bootstrap credential (409, naming why), shows no forms for it, and changes nothing", async () => {
    expect((await xapi("/statements")).status).toBe(200); // the bootstrap credential is made on first authentication
    const operator = new Browser();
    await operator.signInAdmin();
    const page = await operator.get("/console/admin/stores/default");
    expect(page.html).toContain("data-bootstrap");
    expect(page.html).not.toContain(`/credentials/${BOOTSTRAP}/`);

    const base = `/console/admin/stores/default/credentials/${BOOTSTRAP}`;
    const attempts: [string, Record<string, string | string[]>][] = [
      ["rotate", {}],
      ["disable", {}],
      ["scopes", { scopes: ["statements/read"] }],
    ];
    for (const [action, form] of attempts) {
      const refused = await operator.post(`${base}/${action}`, form);
      expect(refused.status).toBe(409);
      expect(refused.html).toContain("managed by LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET");
      expect(refused.html).not.toContain("data-shown-secret");
    }

    const row = await adminJson<Credential>(`/stores/default/credentials/${BOOTSTRAP}`);
    expect(row).toMatchObject({ scopes: ["all"], disabled: false });
    expect((await xapi("/statements", { auth: basic() })).status).toBe(200);
    const audit = await adminJson<{ entries: { action: string; detail: { credentialId?: string } }[] }>("/stores/default/audit");
    expect(audit.entries.filter((entry) => entry.detail.credentialId === BOOTSTRAP)).toEqual([]);
  });
});

describe("console credential deletion", () => {
  it("deletes a credential only with the confirmation box; its Basic auth and its console sessions end", async () => {
    const credential = await createCredential(await createStore("Console delete"));
    const user = new Browser();
    await user.signInCredential(credential.key, credential.secret);
    expect((await user.get(`/console/s/${credential.storeId}`)).status).toBe(200);
    const operator = new Browser();
    await operator.signInAdmin();
    const page = await operator.get(`/console/admin/stores/${credential.storeId}`);
    expect(page.html).toContain(`action="/console/admin/stores/${credential.storeId}/credentials/${credential.id}/delete"`);
    const path = `/console/admin/stores/${credential.storeId}/credentials/${credential.id}/delete`;

    const unconfirmed = await operator.post(path);
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.html).toContain("Tick the box to confirm the deletion.");
    expect((await xapiAs(credential, "/statements")).status).toBe(200);

    expect((await operator.post(path, { confirm: "yes" })).location).toBe(`/console/admin/stores/${credential.storeId}`);
    expect((await xapiAs(credential, "/statements")).status).toBe(401);
    expect((await user.get(`/console/s/${credential.storeId}`)).location).toBe("/console/sign-in");
    expect((await admin(`/stores/${credential.storeId}/credentials/${credential.id}`)).status).toBe(404);
    expect((await operator.post(path, { confirm: "yes" })).status).toBe(404);
  });

  it("refuses to delete the bootstrap credential from the console too", async () => {
    expect((await xapi("/statements")).status).toBe(200);
    const operator = new Browser();
    await operator.signInAdmin();
    await operator.get("/console/admin/stores/default");
    const refused = await operator.post(`/console/admin/stores/default/credentials/${BOOTSTRAP}/delete`, { confirm: "yes" });
    expect(refused.status).toBe(409);
    expect(refused.html).toContain("managed by LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET");
    expect((await xapi("/statements")).status).toBe(200);
  });
});
