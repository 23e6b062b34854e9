import { describe, expect, it } from "vitest";
import { MAX_FAILURES_PER_KEY_AND_ADDRESS } from "../../src/auth/throttle";
import { admin, ADMIN_TOKEN } from "./admin-helpers";

const ROUTES: [string, string][] = [
  ["GET", "/stores"],
  ["POST", "/stores"],
  ["GET", "/stores/default"],
  ["GET", "/stores/default/stats"],
  ["PATCH", "/stores/default"],
  ["DELETE", "/stores/some-store"],
  ["GET", "/stores/default/credentials"],
  ["POST", "/stores/default/credentials"],
  ["POST", "/stores/default/credentials/x/rotate"],
  ["POST", "/stores/default/erase-agent"],
  ["GET", "/stores/default/audit"],
];

const bodyFor = (method: string) => (method === "GET" ? {} : { json: { name: "x" } });

describe("admin API guard", () => {
  it.each(ROUTES)("%s %s does not exist when LRS_ADMIN_TOKEN is unset, even with a token", async (method, path) => {
    const res = await admin(path, { method, configured: null, ...bodyFor(method) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/disabled/);
  });

  it.each(ROUTES)("%s %s refuses a missing token with 401", async (method, path) => {
    const res = await admin(path, { method, token: null, ...bodyFor(method) });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
  });

  it.each(ROUTES)("%s %s refuses a wrong token with 401", async (method, path) => {
    // One address per route, so these failures stay below the throttle.
    const address = `203.0.113.${ROUTES.findIndex(([m, p]) => m === method && p === path)}`;
    const headers = { "CF-Connecting-IP": address };
    const res = await admin(path, { method, token: `${ADMIN_TOKEN}x`, ...bodyFor(method), headers });
    expect(res.status).toBe(401);
  });

  it("refuses a token sent as Basic credentials or with a wrong prefix or case", async () => {
    for (const header of [`Basic ${btoa(`admin:${ADMIN_TOKEN}`)}`, `Token ${ADMIN_TOKEN}`, `Bearer ${ADMIN_TOKEN.toUpperCase()}`]) {
      const res = await admin("/stores", { token: null, headers: { Authorization: header } });
      expect(res.status, header).toBe(401);
    }
  });

  it("answers with the right token", async () => {
    const res = await admin("/stores");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { stores: { id: string }[] };
    expect(body.stores.map((s) => s.id)).toContain("default");
  });

  it("throttles repeated wrong tokens from one address with 429 and Retry-After, the right token included", async () => {
    const headers = { "CF-Connecting-IP": "198.51.100.7" };
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS; i++) {
      const res = await admin("/stores", { token: `wrong-${i}`, headers });
      expect(res.status).toBe(401);
    }
    const throttled = await admin("/stores", { token: "wrong-again", headers });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect((await admin("/stores", { headers })).status).toBe(429);
    // Another client is unaffected.
    expect((await admin("/stores", { headers: { "CF-Connecting-IP": "198.51.100.8" } })).status).toBe(200);
  });
});
