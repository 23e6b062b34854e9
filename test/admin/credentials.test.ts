import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ensureBootstrapCredential } from "../../src/auth/credentials";
import { basic, VERSIONS, xapi } from "../helpers";
import { admin, adminJson, createCredential, createStore, xapiAs } from "./admin-helpers";

type Credential = {
  id: string;
  key: string;
  secret?: string;
  name: string;
  scopes: string[];
  authority: Record<string, unknown>;
  disabled: boolean;
};

const statement = (id: string) => ({
  id,
  actor: { mbox: "mailto:learner@example.com" },
  verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
  object: { id: "http://example.com/activities/course" },
});

async function readStatement(auth: string, id: string): Promise<Response> {
  return xapi(`/statements?statementId=${id}`, { auth });
}

describe("credential lifecycle", () => {
  it("creates a credential with a generated key and secret shown once and stored hashed", async () => {
    const storeId = await createStore("Lifecycle");
    const res = await admin(`/stores/${storeId}/credentials`, {
      method: "POST",
      json: { name: "course player", scopes: ["statements/write", "state", "statements/write"] },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Credential;
    expect(created.key).toMatch(/^[0-9a-f]{32}$/);
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.scopes).toEqual(["statements/write", "state"]);
    expect(created.disabled).toBe(false);
    expect(created.authority).toEqual({
      objectType: "Agent",
      name: created.key,
      account: { homePage: "urn:edge-lrs:credential", name: created.key },
    });

    const listed = await admin(`/stores/${storeId}/credentials`);
    const text = await listed.text();
    expect(text).not.toContain(created.secret);
    expect(text).not.toMatch(/secretHash|secret_hash/);
    const { credentials } = JSON.parse(text) as { credentials: Credential[] };
    expect(credentials.map((c) => c.id)).toEqual([created.id]);
    expect(credentials[0]).not.toHaveProperty("secret");

    const row = await env.DB.prepare("SELECT secret_hash FROM credentials WHERE id = ?").bind(created.id).first<{ secret_hash: string }>();
    expect(row!.secret_hash).not.toContain(created.secret!);
    expect(row!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("sets the credential's authority on the statements it writes, the default or a chosen Agent", async () => {
    const storeId = await createStore("Authority");
    const plain = await createCredential(storeId);
    const chosen = await createCredential(storeId, ["all"], {
      authority: { objectType: "Agent", name: "Vendor", mbox: "mailto:vendor@example.com" },
    });
    const first = crypto.randomUUID();
    const second = crypto.randomUUID();
    expect((await xapiAs(plain, "/statements", { method: "POST", json: statement(first) })).status).toBe(200);
    expect((await xapiAs(chosen, "/statements", { method: "POST", json: statement(second) })).status).toBe(200);
    const one = (await (await readStatement(plain.auth, first)).json()) as { authority: Record<string, unknown> };
    const two = (await (await readStatement(plain.auth, second)).json()) as { authority: Record<string, unknown> };
    expect(one.authority).toMatchObject({ account: { homePage: "http://lrs.test", name: plain.key } });
    expect(two.authority).toMatchObject({ mbox: "mailto:vendor@example.com" });
  });

  it.each([
    [{ scopes: [] }, "no scope"],
    [{ scopes: ["statements/delete"] }, "an unknown scope"],
    [{ scopes: "all" }, "scopes not an array"],
    [{}, "scopes missing"],
    [{ scopes: ["all"], authority: { mbox: "mailto:a@example.com", openid: "http://a.example" } }, "two IFIs"],
    [{ scopes: ["all"], authority: { objectType: "Group", mbox: "mailto:a@example.com" } }, "a Group"],
    [{ scopes: ["all"], authority: { mbox: "a@example.com" } }, "an mbox without mailto:"],
    [{ scopes: ["all"], secret: "chosen" }, "a chosen secret"],
  ] as [Record<string, unknown>, string][])("refuses %j (%s) with 400", async (body) => {
    const res = await admin("/stores/default/credentials", { method: "POST", json: body });
    expect(res.status).toBe(400);
  });

  // The authority's identifier follows the statements' rule: what a statement refuses, the admin API refuses too.
  it.each([
    ["mbox", "mailto:a,b@example.com"],
    ["mbox", "mailto:a b@example.com"],
    ["mbox_sha1sum", "not-hex"],
    ["openid", "no scheme"],
  ])("refuses an authority %s of %j, as statements do under both versions, naming the property", async (property, value) => {
    for (const version of VERSIONS) {
      const refused = await xapi("/statements", { method: "POST", version, json: { ...statement(crypto.randomUUID()), actor: { [property]: value } } });
      expect(refused.status, version).toBe(400);
    }
    const res = await admin("/stores/default/credentials", { method: "POST", json: { scopes: ["all"], authority: { [property]: value } } });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { path: string } };
    expect(body.error.path).toBe(`authority.${property}`);
  });

  it("disables and re-enables a credential; a disabled one fails like a wrong secret", async () => {
    const credential = await createCredential(await createStore("Disable"));
    const id = crypto.randomUUID();
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statement(id) })).status).toBe(200);

    const disabled = await adminJson<Credential>(`/stores/${credential.storeId}/credentials/${credential.id}/disable`, {
      method: "POST",
    });
    expect(disabled.disabled).toBe(true);
    const refused = await readStatement(credential.auth, id);
    const wrong = await readStatement(basic(credential.key, "not-the-secret"), id);
    expect(refused.status).toBe(401);
    expect(await refused.text()).toBe(await wrong.text());

    await adminJson(`/stores/${credential.storeId}/credentials/${credential.id}/enable`, { method: "POST" });
    expect((await readStatement(credential.auth, id)).status).toBe(200);
  });

  it("rotates the secret keeping the key, the id, the authority and the data; the old secret stops working", async () => {
    const credential = await createCredential(await createStore("Rotate"), ["statements/write", "statements/read/mine"]);
    const id = crypto.randomUUID();
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statement(id) })).status).toBe(200);

    const rotated = await adminJson<Credential>(`/stores/${credential.storeId}/credentials/${credential.id}/rotate`, {
      method: "POST",
    });
    expect(rotated.id).toBe(credential.id);
    expect(rotated.key).toBe(credential.key);
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.secret).not.toBe(credential.secret);

    expect((await readStatement(credential.auth, id)).status).toBe(401);
    const res = await readStatement(basic(rotated.key, rotated.secret), id);
    expect(res.status).toBe(200);
    const read = (await res.json()) as { id: string; authority: unknown };
    expect(read.id).toBe(id);
    expect(read.authority).toMatchObject({ account: { name: credential.key } });
  });

  it("updates name and scopes; the new scopes apply at once", async () => {
    const credential = await createCredential(await createStore("Update"), ["statements/write"]);
    const path = `/stores/${credential.storeId}/credentials/${credential.id}`;
    expect((await xapiAs(credential, "/statements")).status).toBe(403);
    const updated = await adminJson<Credential>(path, {
      method: "PATCH",
      json: { name: "renamed", scopes: ["statements/read"] },
    });
    expect(updated).toMatchObject({ name: "renamed", scopes: ["statements/read"] });
    expect((await adminJson<Credential>(path)).name).toBe("renamed");
    expect((await xapiAs(credential, "/statements")).status).toBe(200);
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statement(crypto.randomUUID()) })).status).toBe(403);
  });

  it("deletes a credential; it no longer authenticates and is not listed", async () => {
    const credential = await createCredential(await createStore("Delete"));
    const path = `/stores/${credential.storeId}/credentials/${credential.id}`;
    expect((await admin(path, { method: "DELETE" })).status).toBe(204);
    expect((await xapiAs(credential, "/statements")).status).toBe(401);
    expect((await admin(path)).status).toBe(404);
    expect((await admin(path, { method: "DELETE" })).status).toBe(404);
  });

  it("answers 404 for a credential addressed through another store, and changes nothing", async () => {
    const credential = await createCredential(await createStore("Owner"));
    const other = await createStore("Other");
    const base = `/stores/${other}/credentials/${credential.id}`;
    expect((await admin(base)).status).toBe(404);
    for (const action of ["disable", "rotate"]) {
      expect((await admin(`${base}/${action}`, { method: "POST" })).status).toBe(404);
    }
    expect((await admin(base, { method: "DELETE" })).status).toBe(404);
    expect((await admin(`/stores/${other}/credentials`)).status).toBe(200);
    expect((await xapiAs(credential, "/statements")).status).toBe(200);
    expect((await admin(`/stores/no-such-store/credentials`)).status).toBe(404);
  });

  it("refuses to rotate, disable or delete the bootstrap credential (it is managed by its variables)", async () => {
    const base = "/stores/default/credentials/bootstrap:test-key";
    expect((await admin(`${base}/rotate`, { method: "POST" })).status).toBe(409);
    expect((await admin(`${base}/disable`, { method: "POST" })).status).toBe(409);
    expect((await admin(base, { method: "DELETE" })).status).toBe(409);
    expect((await xapi("/statements")).status).toBe(200);
  });

  it("treats a bootstrap credential whose key is no longer configured as an ordinary one: it can be disabled and deleted", async () => {
    await ensureBootstrapCredential(env.DB, "retired-key", "retired-secret"); // as a run with the old variables left it
    const base = "/stores/default/credentials/bootstrap:retired-key";
    expect((await xapi("/statements", { auth: basic("retired-key", "retired-secret") })).status).toBe(200);
    expect((await admin(`${base}/disable`, { method: "POST" })).status).toBe(200);
    expect((await xapi("/statements", { auth: basic("retired-key", "retired-secret") })).status).toBe(401);
    expect((await admin(base, { method: "DELETE" })).status).toBe(204);
    expect((await admin(base)).status).toBe(404);
    expect((await xapi("/statements")).status).toBe(200);
  });
});
