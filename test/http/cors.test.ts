// CORS for browser apps (issue 16): any origin without credentials by default; with LRS_CORS_ORIGINS, only the
// listed origins, reflected and with credentials; preflights cached and naming every header an xAPI client sends;
// every xAPI response header a client reads exposed. The admin API and the console answer no CORS at all.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app";
import { basic, xapi } from "../helpers";
import { ADMIN_TOKEN } from "../admin/admin-helpers";

const app = createApp();
const APP_ORIGIN = "https://course.example.org";
const EXPOSED = "ETag, Last-Modified, Location, Retry-After, X-Experience-API-Consistent-Through, X-Experience-API-Version, X-LRS-Bookmark";
const ALLOWED = "Authorization, Content-Type, Content-Encoding, X-Experience-API-Version, If-Match, If-None-Match, X-Experience-API-Hash, X-LRS-Bookmark";

/** The app with LRS_CORS_ORIGINS set (SELF runs with the wrangler.toml value: empty). */
async function send(path: string, init: RequestInit, corsOrigins: string): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await app.fetch(new Request(`https://lrs.test${path}`, init), { ...env, LRS_CORS_ORIGINS: corsOrigins }, ctx);
  await response.arrayBuffer();
  await waitOnExecutionContext(ctx);
  return response;
}

function corsHeaders(res: Response): Record<string, string | null> {
  const names = ["Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Access-Control-Expose-Headers", "Vary"];
  return Object.fromEntries(names.map((name) => [name, res.headers.get(name)]));
}

const preflight = (origin: string): RequestInit => ({
  method: "OPTIONS",
  headers: { Origin: origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-encoding" },
});
const xapiGet = (origin: string): RequestInit => ({ headers: { Origin: origin, Authorization: basic(), "X-Experience-API-Version": "2.0.0" } });

describe("default (LRS_CORS_ORIGINS empty): any origin, no credentials", () => {
  it("answers * without Allow-Credentials, exposing the xAPI headers", async () => {
    const res = await xapi("/statements?limit=1", { headers: { Origin: "https://anywhere.example" } });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Credentials": null,
      "Access-Control-Expose-Headers": EXPOSED,
      Vary: null,
    });
  });

  it("a preflight is a cacheable 204 naming the methods and headers an xAPI client sends", async () => {
    const res = await xapi("/statements", { ...preflight("https://anywhere.example"), auth: null, version: null });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(res.headers.get("Access-Control-Allow-Methods")).toBe("GET, HEAD, PUT, POST, DELETE, OPTIONS");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe(ALLOWED);
    expect(res.headers.get("Access-Control-Max-Age")).toBe("7200");
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe(null);
  });

  it("error responses carry CORS too, so a script can read the 401", async () => {
    const res = await xapi("/statements", { auth: null, headers: { Origin: "https://anywhere.example" } });
    await res.arrayBuffer();
    expect([res.status, res.headers.get("Access-Control-Allow-Origin")]).toEqual([401, "*"]);
  });
});

describe("LRS_CORS_ORIGINS set: only the listed origins, with credentials", () => {
  const list = `${APP_ORIGIN}, https://other.example.org:8443/ , not a url`;

  it("reflects a listed origin with credentials and Vary: Origin", async () => {
    const res = await send("/xapi/statements?limit=1", xapiGet(APP_ORIGIN), list);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({
      "Access-Control-Allow-Origin": APP_ORIGIN,
      "Access-Control-Allow-Credentials": "true",
      "Access-Control-Expose-Headers": EXPOSED,
      Vary: "Origin",
    });
    const normalised = await send("/xapi/statements?limit=1", xapiGet("https://other.example.org:8443"), list);
    expect(normalised.headers.get("Access-Control-Allow-Origin")).toBe("https://other.example.org:8443");
  });

  it("gives an unlisted origin no Allow-Origin, on requests and preflights", async () => {
    const res = await send("/xapi/statements?limit=1", xapiGet("https://evil.example"), list);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual({
      "Access-Control-Allow-Origin": null,
      "Access-Control-Allow-Credentials": null,
      "Access-Control-Expose-Headers": null,
      Vary: "Origin",
    });
    const pre = await send("/xapi/statements", preflight("https://evil.example"), list);
    expect([pre.status, pre.headers.get("Access-Control-Allow-Origin"), pre.headers.get("Access-Control-Allow-Headers")]).toEqual([204, null, null]);
  });

  it("answers a listed origin's preflight with credentials and the cache lifetime", async () => {
    const res = await send("/xapi/activities/state", preflight(APP_ORIGIN), list);
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(APP_ORIGIN);
    expect(res.headers.get("Access-Control-Allow-Credentials")).toBe("true");
    expect(res.headers.get("Access-Control-Allow-Headers")).toBe(ALLOWED);
    expect(res.headers.get("Access-Control-Max-Age")).toBe("7200");
  });

  it("a list with no valid origin allows none (never falls back to any origin)", async () => {
    const res = await send("/xapi/statements?limit=1", xapiGet(APP_ORIGIN), "not a url");
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(null);
  });

  it("applies to /tokens as well", async () => {
    const res = await send("/tokens", preflight(APP_ORIGIN), list);
    expect([res.status, res.headers.get("Access-Control-Allow-Origin")]).toEqual([204, APP_ORIGIN]);
  });
});

describe("no CORS on the admin API and the console", () => {
  it.each(["", APP_ORIGIN])("LRS_CORS_ORIGINS=%j", async (list) => {
    const adminGet = await send("/admin/stores", { headers: { Origin: APP_ORIGIN, Authorization: `Bearer ${ADMIN_TOKEN}` } }, list);
    expect(adminGet.headers.get("Access-Control-Allow-Origin")).toBe(null);
    const adminPreflight = await send("/admin/stores", preflight(APP_ORIGIN), list);
    expect(adminPreflight.headers.get("Access-Control-Allow-Origin")).toBe(null);
    const consolePage = await send("/console/sign-in", { headers: { Origin: APP_ORIGIN } }, list);
    expect([consolePage.status, consolePage.headers.get("Access-Control-Allow-Origin")]).toEqual([200, null]);
  });
});
