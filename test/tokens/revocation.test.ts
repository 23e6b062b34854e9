// When a launch token stops working (src/auth/launch-tokens/authenticate.ts): at its expiry, when forged or
// tampered with, when its issuer is disabled (for good: enabling it again revives none), rotated or narrowed
// (at once in the isolate that made the change, within CREDENTIAL_CACHE_TTL_MS elsewhere), and every failure
// counts against the throttle. Checking one reads nothing but the issuer's credential.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CREDENTIAL_CACHE_TTL_MS, credentialCacheClock } from "../../src/auth/credential-cache";
import { signTokenUser } from "../../src/auth/launch-tokens/token-format";
import { tokenMacKey, tokenServerSecret } from "../../src/auth/launch-tokens/token-keys";
import { MAX_TTL_SECONDS } from "../../src/auth/launch-tokens/token-request";
import { MAX_FAILURES_PER_KEY_AND_ADDRESS } from "../../src/auth/throttle";
import { admin } from "../admin/admin-helpers";
import { Browser } from "../console/console-helpers";
import { basic, xapi } from "../helpers";
import { metered } from "../limits/limits-helpers";
import { issue, issuerIn, splitToken, statement, xapiWithToken } from "./token-helpers";

const LEARNER = { mbox: "mailto:revoked@example.com" };
const missing = `/statements?statementId=${crypto.randomUUID()}`;
const CREDENTIAL_LOOKUP = /FROM credentials WHERE key = \?/;
const lookups = (queries: { sql: string }[]) => queries.filter((query) => CREDENTIAL_LOOKUP.test(query.sql)).length;

// The credential cache's clock stands still here, moved only by `offset`.
const realClock = credentialCacheClock.now;
let start = 0;
let offset = 0;
beforeAll(() => {
  credentialCacheClock.now = () => start + offset;
});
beforeEach(() => {
  start = Date.now();
  offset = 0;
});
afterAll(() => {
  credentialCacheClock.now = realClock;
});

const b64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const fromB64url = (text: string) => atob(text.replace(/-/g, "+").replace(/_/g, "/"));
const asToken = (user: string, mac: string) => btoa(`${user}:${mac}`);

async function unauthorizedBody(): Promise<unknown> {
  const response = await xapi(missing, { auth: basic("test-key", "wrong-secret"), headers: { "CF-Connecting-IP": "192.0.2.99" } });
  expect(response.status).toBe(401);
  return response.json();
}

describe("a launch token stops working", () => {
  it("at its expiry, with the same 401 as a wrong secret", async () => {
    // Expiry is in whole seconds (issued at x.999 s with a 1 s life it ends at once): issue early in a second.
    await new Promise((resolve) => setTimeout(resolve, 1_000 - (Date.now() % 1_000) + 5));
    const { token, expiresAt } = await issue(await issuerIn(), { actor: LEARNER, ttlSeconds: 1 });
    expect((await xapiWithToken(token, missing)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, Date.parse(expiresAt) - Date.now() + 50));
    const expired = await xapiWithToken(token, missing);
    expect(expired.status).toBe(401);
    expect(expired.headers.get("WWW-Authenticate")).toBe('Basic realm="xAPI"');
    expect(await expired.json()).toEqual(await unauthorizedBody());
  });

  it("when its MAC is not the LRS's", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    const { user, mac } = splitToken(token);
    const flipped = `${mac.slice(0, -2)}${mac.at(-2) === "A" ? "B" : "A"}${mac.at(-1)}`;
    expect((await xapiWithToken(asToken(user, flipped), missing)).status).toBe(401);
    expect((await xapiWithToken(asToken(user, ""), missing)).status).toBe(401);
    expect((await xapiWithToken(token, missing)).status).toBe(404);
  });

  it("when its claims are changed (another actor, more scopes, a later expiry)", async () => {
    const { token } = await issue(await issuerIn(undefined, ["statements/write", "statements/read/mine", "tokens/issue"]), {
      actor: LEARNER,
      ttlSeconds: 60,
    });
    const { user, mac } = splitToken(token);
    const head = user.slice(0, user.lastIndexOf(".") + 1);
    const claims = JSON.parse(fromB64url(user.slice(head.length))) as Record<string, unknown>;
    for (const changed of [
      { ...claims, a: { mbox: "mailto:someone-else@example.com" } },
      { ...claims, s: ["all"] },
      { ...claims, e: (claims.e as number) + 86_400 },
      { ...claims, c: Date.now() + 60_000 },
    ]) {
      expect((await xapiWithToken(asToken(`${head}${b64url(JSON.stringify(changed))}`, mac), missing)).status).toBe(401);
    }
  });

  it("when presented as another issuer's", async () => {
    const issuer = await issuerIn();
    const other = await issuerIn(issuer.storeId);
    const { token } = await issue(issuer, { actor: LEARNER });
    const { user, mac } = splitToken(token);
    expect((await xapiWithToken(asToken(user.replace(issuer.key, other.key), mac), missing)).status).toBe(401);
  });

  it("for good when its issuer is disabled: enabling it again revives none; tokens issued after enabling work", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(token, missing)).status).toBe(404);
    const path = `/stores/${issuer.storeId}/credentials/${issuer.id}`;
    expect((await admin(`${path}/disable`, { method: "POST" })).status).toBe(200);
    expect((await xapiWithToken(token, missing)).status).toBe(401);
    expect((await admin(`${path}/enable`, { method: "POST" })).status).toBe(200);
    const refused = await xapiWithToken(token, missing);
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual(await unauthorizedBody());
    // Past the cache's lifetime too: the refusal comes from the row, not from a stale entry.
    offset = CREDENTIAL_CACHE_TTL_MS;
    expect((await xapiWithToken(token, missing)).status).toBe(401);
    const fresh = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(fresh.token, missing)).status).toBe(404);
    expect((await xapiWithToken(fresh.token, "/statements", { method: "POST", json: statement(LEARNER) })).status).toBe(200);
  });

  it("for good when disabled through PATCH, and not when an enabled issuer is 'enabled' again", async () => {
    const issuer = await issuerIn();
    const path = `/stores/${issuer.storeId}/credentials/${issuer.id}`;
    const kept = await issue(issuer, { actor: LEARNER });
    expect((await admin(path, { method: "PATCH", json: { disabled: false } })).status).toBe(200);
    expect((await admin(`${path}/enable`, { method: "POST" })).status).toBe(200);
    expect((await xapiWithToken(kept.token, missing)).status).toBe(404);
    expect((await admin(path, { method: "PATCH", json: { disabled: true } })).status).toBe(200);
    expect((await admin(path, { method: "PATCH", json: { disabled: false } })).status).toBe(200);
    expect((await xapiWithToken(kept.token, missing)).status).toBe(401);
  });

  it("for good when its issuer's secret is rotated; the new secret's tokens work", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(token, missing)).status).toBe(404);
    const rotated = await admin(`/stores/${issuer.storeId}/credentials/${issuer.id}/rotate`, { method: "POST" });
    const { secret } = (await rotated.json()) as { secret: string };
    expect((await xapiWithToken(token, missing)).status).toBe(401);
    const fresh = await issue({ auth: basic(issuer.key, secret) }, { actor: LEARNER });
    expect((await xapiWithToken(fresh.token, missing)).status).toBe(404);
  });

  it("when its issuer is deleted", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    expect((await admin(`/stores/${issuer.storeId}/credentials/${issuer.id}`, { method: "DELETE" })).status).toBe(204);
    expect((await xapiWithToken(token, missing)).status).toBe(401);
  });

  it("within CREDENTIAL_CACHE_TTL_MS when another isolate rotates or disables the issuer", async () => {
    expect(CREDENTIAL_CACHE_TTL_MS).toBe(5_000);
    for (const change of ["UPDATE credentials SET secret_hash = 'x' WHERE id = ?", "UPDATE credentials SET disabled = 1 WHERE id = ?"]) {
      const issuer = await issuerIn();
      const { token } = await issue(issuer, { actor: LEARNER });
      expect((await xapiWithToken(token, missing)).status).toBe(404);
      // Another isolate's change: this one's cache is not told.
      await env.DB.prepare(change).bind(issuer.id).run();
      offset = CREDENTIAL_CACHE_TTL_MS - 1;
      expect((await xapiWithToken(token, missing)).status).toBe(404);
      offset = CREDENTIAL_CACHE_TTL_MS;
      expect((await xapiWithToken(token, missing)).status).toBe(401);
      start = Date.now();
      offset = 0;
    }
  });

  it("for good when the console disables the issuer (the same action as the admin API and the CLI)", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    const console = new Browser();
    await console.signInAdmin();
    await console.get(`/console/admin/stores/${issuer.storeId}`);
    const base = `/console/admin/stores/${issuer.storeId}/credentials/${issuer.id}`;
    expect((await console.post(`${base}/disable`)).status).toBe(303);
    expect((await console.post(`${base}/enable`)).status).toBe(303);
    expect((await xapiWithToken(token, missing)).status).toBe(401);
    const fresh = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(fresh.token, missing)).status).toBe(404);
  });

  it("for good when another isolate disabled the issuer and this one issued it from its cached copy meanwhile", async () => {
    const issuer = await issuerIn();
    const before = await issue(issuer, { actor: LEARNER });
    // Another isolate's disable (the action's own statement): this isolate's cache still holds the issuer enabled.
    await env.DB.prepare("UPDATE credentials SET disabled = 1, tokens_not_before = ? WHERE id = ?").bind(Date.now(), issuer.id).run();
    const during = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(during.token, missing)).status).toBe(404);
    expect((await admin(`/stores/${issuer.storeId}/credentials/${issuer.id}/enable`, { method: "POST" })).status).toBe(200);
    offset = CREDENTIAL_CACHE_TTL_MS;
    expect((await xapiWithToken(before.token, missing)).status).toBe(401);
    expect((await xapiWithToken(during.token, missing)).status).toBe(401);
    const after = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(after.token, missing)).status).toBe(404);
  });

  it("when it was minted before tokens carried their issue time, as if issued at its expiry minus the longest life", async () => {
    const issuer = await issuerIn();
    const serverSecret = tokenServerSecret(env)!;
    const row = await env.DB.prepare("SELECT secret_hash FROM credentials WHERE id = ?").bind(issuer.id).first<{ secret_hash: string }>();
    const key = await tokenMacKey(serverSecret, row!.secret_hash);
    const legacy = async (expiresAt: number) => {
      const claims = { t: crypto.randomUUID(), a: LEARNER, s: ["statements/read/mine"], e: expiresAt };
      const user = `lt1.${issuer.key}.${b64url(JSON.stringify(claims))}`;
      return asToken(user, await signTokenUser(key, user));
    };
    const nowSeconds = Math.floor(Date.now() / 1000);
    const early = await legacy(nowSeconds + 3_600);
    // Its earliest possible issue is still ahead: a disable now cannot have come after it.
    const late = await legacy(nowSeconds + MAX_TTL_SECONDS + 3_600);
    expect((await xapiWithToken(early, missing)).status).toBe(404);
    expect((await xapiWithToken(late, missing)).status).toBe(404);
    const path = `/stores/${issuer.storeId}/credentials/${issuer.id}`;
    expect((await admin(`${path}/disable`, { method: "POST" })).status).toBe(200);
    expect((await admin(`${path}/enable`, { method: "POST" })).status).toBe(200);
    expect((await xapiWithToken(early, missing)).status).toBe(401);
    expect((await xapiWithToken(late, missing)).status).toBe(404);
  });

  it("for the scopes its issuer loses", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    expect((await xapiWithToken(token, "/statements", { method: "POST", json: statement(LEARNER) })).status).toBe(200);
    const path = `/stores/${issuer.storeId}/credentials/${issuer.id}`;
    expect((await admin(path, { method: "PATCH", json: { scopes: ["statements/read", "tokens/issue"] } })).status).toBe(200);
    expect((await xapiWithToken(token, "/statements", { method: "POST", json: statement(LEARNER) })).status).toBe(403);
    expect((await xapiWithToken(token, "/statements")).status).toBe(200);
  });
});

describe("checking a launch token", () => {
  it("reads only the issuer's credential, and from the isolate's cache when fresh: no more D1 calls than the issuer's own", async () => {
    const issuer = await issuerIn();
    const { token } = await issue(issuer, { actor: LEARNER });
    offset = CREDENTIAL_CACHE_TTL_MS;
    const cold = await metered(() => xapiWithToken(token, missing));
    const warm = await metered(() => xapiWithToken(token, missing));
    const own = await metered(() => xapi(missing, { auth: issuer.auth }));
    expect([cold.status, warm.status, own.status]).toEqual([404, 404, 404]);
    expect(lookups(cold.report.queries)).toBe(1);
    expect(cold.report.queries.filter((query) => /FROM credentials\b|token/i.test(query.sql)).map((query) => query.sql)).toEqual([
      "SELECT c.*, s.database FROM (SELECT id, store_id, secret_hash, scopes, authority, disabled, tokens_not_before " +
        "FROM credentials WHERE key = ? LIMIT 1) AS c LEFT JOIN stores AS s ON s.id = c.store_id",
    ]);
    expect(lookups(warm.report.queries)).toBe(0);
    expect(warm.report.d1).toBe(own.report.d1);
    expect(cold.report.d1).toBe(warm.report.d1 + 1);
  });

  it("counts bad tokens against the throttle like wrong secrets", async () => {
    const { token } = await issue(await issuerIn(), { actor: LEARNER });
    const { user } = splitToken(token);
    const headers = { "CF-Connecting-IP": "198.51.100.77" };
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS; i++) {
      expect((await xapiWithToken(asToken(user, `forged${i}`), missing, { headers })).status).toBe(401);
    }
    expect((await xapiWithToken(token, missing, { headers })).status).toBe(429);
    expect((await xapiWithToken(token, missing, { headers: { "CF-Connecting-IP": "198.51.100.78" } })).status).toBe(404);
  });
});
