// POST /tokens (src/auth/launch-tokens/routes.ts): who may issue, what is checked, what comes back; and the
// fetch URL's single use (cmi5 8.2).
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { createCredential } from "../admin/admin-helpers";
import { errorOf, issue, issuerIn, ORIGIN, requestToken, splitToken, statement, xapiWithToken } from "./token-helpers";

const LEARNER = { mbox: "mailto:learner@example.com" };

describe("POST /tokens", () => {
  it("answers 201 with a token, its expiry (1 hour by default) and a fetch URL", async () => {
    const issuer = await issuerIn();
    const before = Date.now();
    const response = await requestToken(issuer, { actor: { ...LEARNER, name: "Learner" } });
    expect(response.status).toBe(201);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = (await response.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(["expiresAt", "fetchUrl", "token"]);
    const expiresMs = Date.parse(body.expiresAt!);
    expect(expiresMs).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + 3_600_000);
    expect(expiresMs).toBeLessThanOrEqual(Date.now() + 3_600_000);
    expect(body.fetchUrl!.startsWith(`${ORIGIN}/tokens/fetch/`)).toBe(true);
    // The user part names the issuer's key; the claims carry the identifier only (the name is not needed).
    const { user } = splitToken(body.token!);
    expect(user.startsWith(`lt1.${issuer.key}.`)).toBe(true);
    const claims = JSON.parse(atob(user.split(".").at(-1)!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims.a).toEqual(LEARNER);
    expect(claims.s).toEqual(["statements/write", "statements/read/mine", "state", "profile"]);
    expect(claims.e * 1000).toBe(expiresMs);
  });

  it("binds the registration and activity given, and honours ttlSeconds up to 24 hours", async () => {
    const issuer = await issuerIn();
    const registration = crypto.randomUUID().toUpperCase();
    const before = Math.floor(Date.now() / 1000);
    const issued = await issue(issuer, { actor: LEARNER, registration, activityId: "http://example.com/course/1", ttlSeconds: 86_400 });
    const claims = JSON.parse(atob(splitToken(issued.token).user.split(".").at(-1)!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims.r).toBe(registration.toLowerCase());
    expect(claims.i).toBe("http://example.com/course/1");
    expect(claims.e - before).toBeGreaterThanOrEqual(86_400);
    expect(claims.e - before).toBeLessThanOrEqual(86_401);
  });

  it.each([
    [{}, "actor", "is required"],
    [{ actor: { mbox: "learner@example.com" } }, "actor.mbox", undefined],
    [{ actor: { mbox: "mailto:a@example.com", openid: "http://a.example.com" } }, "actor", undefined],
    [{ actor: { objectType: "Group", mbox: "mailto:g@example.com" } }, "actor.objectType", undefined],
    [{ actor: LEARNER, registration: "not-a-uuid" }, "registration", "must be a UUID"],
    [{ actor: LEARNER, activityId: "no scheme" }, "activityId", "must be an IRI with a scheme"],
    [{ actor: LEARNER, ttlSeconds: 86_401 }, "ttlSeconds", "must be at most 86400 (24 hours)"],
    [{ actor: LEARNER, ttlSeconds: 0 }, "ttlSeconds", "must be at least 1"],
    [{ actor: LEARNER, ttlSeconds: 1.5 }, "ttlSeconds", "must be a whole number of seconds"],
    [{ actor: LEARNER, scopes: [] }, "scopes", "at least one scope is required"],
    [{ actor: LEARNER, scopes: ["state", "bogus"] }, "scopes[1]", "is not a scope"],
    [{ actor: LEARNER, scopes: ["tokens/issue"] }, "scopes[0]", "a launch token cannot hold this scope"],
    [{ actor: LEARNER, expires: 5 }, "", undefined],
  ])("refuses %j with a 400 naming %s", async (body, path, message) => {
    const issuer = await issuerIn();
    const response = await requestToken(issuer, body);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    if (path) expect(error.path).toBe(path);
    else expect(error.message).toMatch(/expires/);
    if (message) expect(error.message).toBe(`${path}: ${message}`);
  });

  it("refuses scopes the issuer does not hold with a 403 naming the scope", async () => {
    const issuer = await issuerIn(undefined, ["statements/write", "statements/read/mine", "tokens/issue"]);
    const response = await requestToken(issuer, { actor: LEARNER, scopes: ["statements/write", "state"] });
    expect(response.status).toBe(403);
    expect(await errorOf(response)).toEqual({
      status: 403,
      path: "scopes[1]",
      message: "scopes[1]: the issuing credential does not hold this scope",
    });
  });

  it("cuts the default scopes to the issuer's", async () => {
    const issuer = await issuerIn(undefined, ["statements/write", "tokens/issue"]);
    const { token, user } = await issue(issuer, { actor: LEARNER }).then((t) => ({ token: t.token, user: splitToken(t.token).user }));
    const claims = JSON.parse(atob(user.split(".").at(-1)!.replace(/-/g, "+").replace(/_/g, "/")));
    expect(claims.s).toEqual(["statements/write"]);
    expect((await xapiWithToken(token, "/statements", { method: "POST", json: statement(LEARNER) })).status).toBe(200);
    expect((await xapiWithToken(token, "/statements")).status).toBe(403);
  });

  it("needs the tokens/issue scope, which `all` does not imply", async () => {
    const plain = await createCredential((await issuerIn()).storeId, ["all"]);
    const response = await requestToken(plain, { actor: LEARNER });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toBe("this credential lacks the scope tokens/issue");
  });

  it("refuses a request without a valid Basic credential with a 401", async () => {
    expect((await requestToken({ auth: "Basic bm9ib2R5Om5vdGhpbmc=" }, { actor: LEARNER })).status).toBe(401);
  });

  it("cannot be called with a launch token, even one asking for every scope", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER, scopes: ["all"] });
    const response = await requestToken({ auth: `Basic ${token}` }, { actor: LEARNER });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).message).toBe("this credential lacks the scope tokens/issue");
  });
});

describe("the fetch URL", () => {
  const post = (url: string) => SELF.fetch(url, { method: "POST", headers: { Origin: "https://course.example.org" } });

  it("answers one POST with the token (cmi5 8.2), then refuses with error-code 1", async () => {
    const issued = await issue(await issuerIn(), { actor: LEARNER });
    const first = await post(issued.fetchUrl);
    expect(first.status).toBe(200);
    expect(first.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(await first.json()).toEqual({ "auth-token": issued.token });
    const second = await post(issued.fetchUrl);
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ "error-code": "1", "error-text": "this fetch URL has already been used" });
  });

  it("holds nothing of the token in a usable form", async () => {
    const issued = await issue(await issuerIn(), { actor: LEARNER });
    const { user, mac } = splitToken(issued.token);
    const url = decodeURIComponent(issued.fetchUrl);
    for (const part of [issued.token, user, mac, user.split(".").at(-1)!]) expect(url.includes(part)).toBe(false);
  });

  it("refuses a handle it did not seal, or one altered, with error-code 2", async () => {
    const issued = await issue(await issuerIn(), { actor: LEARNER });
    // A character well inside the sealed part: all six of its bits count (the last character of unpadded base64url
    // may carry padding bits a decoder ignores, so changing it can leave the bytes as they were).
    const at = issued.fetchUrl.length - 10;
    const altered = `${issued.fetchUrl.slice(0, at)}${issued.fetchUrl[at] === "A" ? "B" : "A"}${issued.fetchUrl.slice(at + 1)}`;
    for (const url of [altered, `${ORIGIN}/tokens/fetch/whatever`]) {
      const response = await post(url);
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ "error-code": "2", "error-text": "this is not a fetch URL of this LRS" });
    }
    // The altered URLs spent nothing: the real one still answers once.
    expect((await post(issued.fetchUrl)).status).toBe(200);
  });

  it("gives the token to exactly one of many simultaneous POSTs", async () => {
    const issued = await issue(await issuerIn(), { actor: LEARNER });
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => post(issued.fetchUrl)))).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  });

  it("refuses once the token has expired", async () => {
    const issued = await issue(await issuerIn(), { actor: LEARNER, ttlSeconds: 1 });
    await new Promise((resolve) => setTimeout(resolve, Date.parse(issued.expiresAt) - Date.now() + 50));
    const response = await post(issued.fetchUrl);
    expect(response.status).toBe(410);
    expect(await response.json()).toEqual({ "error-code": "2", "error-text": "the launch token has expired" });
  });
});
