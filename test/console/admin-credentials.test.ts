// The console's credential actions follow the admin API's rules (src/admin/credential-actions.ts): the bootstrap
// credential, rewritten from its variables at every isolate start, cannot be changed from the console either.
import { describe, expect, it } from "vitest";
import { adminJson } from "../admin/admin-helpers";
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
    for (const [action, form] of [
      ["rotate", {}],
      ["disable", {}],
      ["scopes", { scopes: ["statements/read"] }],
    ] as const) {
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
