// Console sign-in and sign-out, the session cookie's attributes, CSRF refusal and the security headers.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ensureBootstrapCredential } from "../../src/auth/credentials";
import { admin, ADMIN_TOKEN, adminJson, createCredential, createStore } from "../admin/admin-helpers";
import { TEST_KEY, TEST_SECRET, xapi } from "../helpers";
import { Browser } from "./console-helpers";

describe("console sign-in", () => {
  it("serves the sign-in page with a CSP that forbids inline and foreign scripts", async () => {
    const page = await new Browser().get("/console/sign-in");
    expect(page.status).toBe(200);
    const csp = page.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(page.html).not.toMatch(/\son[a-z]+=/);
  });

  it("signs the admin in with an HttpOnly, Secure, SameSite=Strict cookie that holds no secret", async () => {
    const browser = new Browser();
    const page = await browser.signInAdmin();
    expect(page.status).toBe(303);
    expect(page.location).toBe("/console/admin");
    const cookie = browser.setCookies.find((c) => c.startsWith("lrs_console="));
    expect(cookie).toMatch(/^lrs_console=[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/console/);
    expect(cookie).toMatch(/Max-Age=\d+/);
    expect(cookie).not.toContain(ADMIN_TOKEN);
    expect(atob(browser.cookies.get("lrs_console")!.split(".")[0]!.replace(/-/g, "+").replace(/_/g, "/"))).not.toContain(ADMIN_TOKEN);
    expect((await browser.get("/console/admin")).status).toBe(200);
  });

  it("refuses a wrong admin token without starting a session", async () => {
    const browser = new Browser();
    const page = await browser.signInAdmin("not-the-token");
    expect(page.status).toBe(401);
    expect(page.html).toContain("not accepted");
    expect(browser.cookies.get("lrs_console")).toBe(undefined);
    expect((await browser.get("/console/admin")).location).toBe("/console/sign-in");
  });

  it("signs a store credential in to its own store, and refuses a wrong secret", async () => {
    await xapi("/about"); // any request; the bootstrap credential is made on first authentication
    const browser = new Browser();
    expect((await browser.signInCredential(TEST_KEY, "wrong")).status).toBe(401);
    const page = await browser.signInCredential(TEST_KEY, TEST_SECRET);
    expect(page.status).toBe(303);
    expect(page.location).toBe("/console/s/default");
    expect((await browser.get("/console/s/default")).status).toBe(200);
  });

  it("sends pages without a session to sign-in, and a tampered cookie counts as none", async () => {
    const browser = new Browser();
    expect((await browser.get("/console/s/default")).location).toBe("/console/sign-in");
    await browser.signInAdmin();
    const [payload, mac] = browser.cookies.get("lrs_console")!.split(".");
    const claims = JSON.parse(atob(payload!.replace(/-/g, "+").replace(/_/g, "/")));
    const forged = btoa(JSON.stringify({ ...claims, expiresMs: claims.expiresMs + 1e9 })).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    browser.cookies.set("lrs_console", `${forged}.${mac}`);
    expect((await browser.get("/console/admin")).location).toBe("/console/sign-in");
  });

  it("signs out: the cookie is cleared and pages send to sign-in again", async () => {
    const browser = new Browser();
    await browser.signInAdmin();
    await browser.get("/console/admin");
    const page = await browser.post("/console/sign-out");
    expect(page.status).toBe(303);
    expect(page.location).toBe("/console/sign-in");
    expect(browser.setCookies.filter((c) => c.startsWith("lrs_console=")).map((c) => /Max-Age=\d+/.exec(c)?.[0])).toEqual(["Max-Age=0"]);
    expect((await browser.get("/console/admin")).location).toBe("/console/sign-in");
  });

  it("ends the session when the credential is disabled or its secret rotated", async () => {
    const storeId = await createStore("Session store");
    for (const change of ["disable", "rotate"]) {
      const credential = await createCredential(storeId);
      const browser = new Browser();
      await browser.signInCredential(credential.key, credential.secret);
      expect((await browser.get(`/console/s/${storeId}`)).status).toBe(200);
      const admin = new Browser();
      await admin.signInAdmin();
      await admin.get(`/console/admin/stores/${storeId}`);
      expect((await admin.post(`/console/admin/stores/${storeId}/credentials/${credential.id}/${change}`)).status).toBeLessThan(400);
      expect((await browser.get(`/console/s/${storeId}`)).location).toBe("/console/sign-in");
    }
  });
});

describe("console sessions end for good", () => {
  /** A second browser holding a copy of the first one's session cookie (as a stolen or kept copy would be). */
  function copyOf(browser: Browser): Browser {
    const copy = new Browser();
    copy.cookies.set("lrs_console", browser.cookies.get("lrs_console")!);
    return copy;
  }

  it("sign-out of a credential: a kept copy of the cookie is refused afterwards, and signing in again works", async () => {
    const credential = await createCredential(await createStore("Sign-out store"));
    const browser = new Browser();
    await browser.signInCredential(credential.key, credential.secret);
    await browser.get(`/console/s/${credential.storeId}`);
    const kept = copyOf(browser);
    expect((await kept.get(`/console/s/${credential.storeId}`)).status).toBe(200);
    expect((await browser.post("/console/sign-out")).location).toBe("/console/sign-in");
    expect((await kept.get(`/console/s/${credential.storeId}`)).location).toBe("/console/sign-in");
    const again = new Browser();
    expect((await again.signInCredential(credential.key, credential.secret)).status).toBe(303);
    expect((await again.get(`/console/s/${credential.storeId}`)).status).toBe(200);
  });

  it("sign-out of the admin: a kept copy of the admin cookie is refused afterwards, and signing in again works", async () => {
    const browser = new Browser();
    await browser.signInAdmin();
    await browser.get("/console/admin");
    const kept = copyOf(browser);
    expect((await kept.get("/console/admin")).status).toBe(200);
    expect((await browser.post("/console/sign-out")).location).toBe("/console/sign-in");
    expect((await kept.get("/console/admin")).location).toBe("/console/sign-in");
    const again = new Browser();
    await again.signInAdmin();
    expect((await again.get("/console/admin")).status).toBe(200);
    expect((await kept.get("/console/admin")).location).toBe("/console/sign-in");
  });

  it("disable then enable (console or admin API): the sessions from before stay ended", async () => {
    const storeId = await createStore("Disable-enable store");
    for (const via of ["console", "api"] as const) {
      const credential = await createCredential(storeId);
      const browser = new Browser();
      await browser.signInCredential(credential.key, credential.secret);
      expect((await browser.get(`/console/s/${storeId}`)).status).toBe(200);
      for (const action of ["disable", "enable"]) {
        if (via === "api") {
          expect((await admin(`/stores/${storeId}/credentials/${credential.id}/${action}`, { method: "POST" })).status).toBe(200);
        } else {
          const operator = new Browser();
          await operator.signInAdmin();
          await operator.get(`/console/admin/stores/${storeId}`);
          expect((await operator.post(`/console/admin/stores/${storeId}/credentials/${credential.id}/${action}`)).status).toBe(303);
        }
      }
      expect((await browser.get(`/console/s/${storeId}`)).location).toBe("/console/sign-in");
      expect((await new Browser().signInCredential(credential.key, credential.secret)).status).toBe(303);
    }
  });

  it("rotating through the admin API and deleting the credential end its sessions", async () => {
    const storeId = await createStore("Rotate-delete store");
    for (const change of ["rotate", "delete"] as const) {
      const credential = await createCredential(storeId);
      const browser = new Browser();
      await browser.signInCredential(credential.key, credential.secret);
      expect((await browser.get(`/console/s/${storeId}`)).status).toBe(200);
      const path = `/stores/${storeId}/credentials/${credential.id}`;
      const res = change === "rotate" ? await admin(`${path}/rotate`, { method: "POST" }) : await admin(path, { method: "DELETE" });
      expect(res.status).toBe(change === "rotate" ? 200 : 204);
      expect((await browser.get(`/console/s/${storeId}`)).location).toBe("/console/sign-in");
    }
  });

  it("a deleted bootstrap credential that comes back under the same key and secret does not revive its sessions", async () => {
    await ensureBootstrapCredential(env.DB, "returning-key", "returning-secret"); // a key no longer configured
    const browser = new Browser();
    await browser.signInCredential("returning-key", "returning-secret");
    expect((await browser.get("/console/s/default")).status).toBe(200);
    expect((await admin("/stores/default/credentials/bootstrap:returning-key", { method: "DELETE" })).status).toBe(204);
    await ensureBootstrapCredential(env.DB, "returning-key", "returning-secret"); // configured again
    expect((await browser.get("/console/s/default")).location).toBe("/console/sign-in");
    expect((await new Browser().signInCredential("returning-key", "returning-secret")).status).toBe(303);
  });

  it("a scope change keeps the session, and applies at the next page", async () => {
    const credential = await createCredential(await createStore("Scope store"), ["all"]);
    const browser = new Browser();
    await browser.signInCredential(credential.key, credential.secret);
    expect((await browser.get(`/console/s/${credential.storeId}/dashboard`)).status).toBe(200);
    await adminJson(`/stores/${credential.storeId}/credentials/${credential.id}`, { method: "PATCH", json: { scopes: ["statements/read/mine"] } });
    expect((await browser.get(`/console/s/${credential.storeId}/dashboard`)).status).toBe(403);
    expect((await browser.get(`/console/s/${credential.storeId}/statements`)).status).toBe(200);
  });
});

describe("console CSRF protection", () => {
  it("refuses a sign-in POST without the sign-in form's token or from another origin", async () => {
    const browser = new Browser();
    await browser.get("/console/sign-in");
    expect((await browser.post("/console/sign-in", { method: "admin", token: ADMIN_TOKEN }, { csrf: "forged" })).status).toBe(403);
    expect((await browser.post("/console/sign-in", { method: "admin", token: ADMIN_TOKEN }, { origin: "https://evil.test" })).status).toBe(403);
    const fresh = new Browser(); // no sign-in cookie at all
    expect((await fresh.post("/console/sign-in", { method: "admin", token: ADMIN_TOKEN }, { csrf: "x" })).status).toBe(403);
    expect(fresh.cookies.get("lrs_console")).toBe(undefined);
  });

  it("refuses form POSTs in a session without its token, with another session's token, or from another origin", async () => {
    const browser = new Browser();
    await browser.signInAdmin();
    await browser.get("/console/admin");
    const other = new Browser();
    await other.signInAdmin();
    await other.get("/console/admin");
    expect(other.csrf).not.toBe(browser.csrf);

    const create = (extra: { origin?: string | null; csrf?: string | null }, id: string) =>
      browser.post("/console/admin/stores", { name: "CSRF store", id }, extra);
    expect((await create({ csrf: null }, "csrf-a")).status).toBe(403);
    expect((await create({ csrf: other.csrf }, "csrf-b")).status).toBe(403);
    expect((await create({ origin: "https://evil.test" }, "csrf-c")).status).toBe(403);
    expect((await create({ origin: null }, "csrf-d")).status).toBe(403);
    expect((await browser.post("/console/sign-out", {}, { csrf: "forged" })).status).toBe(403);
    const listing = await browser.get("/console/admin");
    for (const id of ["csrf-a", "csrf-b", "csrf-c", "csrf-d"]) expect(listing.html).not.toContain(`data-store-id="${id}"`);

    expect((await create({}, "csrf-ok")).status).toBe(303);
    expect((await browser.get("/console/admin")).html).toContain('data-store-id="csrf-ok"');
  });
});
