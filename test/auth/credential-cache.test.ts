// The isolate's credential cache (src/auth/credential-cache.ts): a credential that passed recently costs no D1
// round trip; changes through the admin actions take effect at once in this isolate, and a change made
// elsewhere (another isolate, simulated by writing D1 directly) within CREDENTIAL_CACHE_TTL_MS.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CREDENTIAL_CACHE_TTL_MS, credentialCacheClock } from "../../src/auth/credential-cache";
import { MAX_FAILURES_PER_KEY_AND_ADDRESS } from "../../src/auth/throttle";
import { admin, createCredential, createStore, type TestCredential } from "../admin/admin-helpers";
import { basic, xapi } from "../helpers";
import { metered } from "../limits/limits-helpers";

const CREDENTIAL_LOOKUP = /FROM credentials WHERE key = \?/;
// The cache's clock stands still in these tests, moved only by `offset`.
const realClock = credentialCacheClock.now;
let start = 0;
let offset = 0;

beforeAll(async () => {
  credentialCacheClock.now = () => start + offset;
  // The isolate's first request also writes the bootstrap credential; the counts below are of later ones.
  await xapi("/statements?limit=1");
});

beforeEach(() => {
  start = Date.now();
  offset = 0;
});

afterAll(() => {
  credentialCacheClock.now = realClock;
});

async function fresh(): Promise<TestCredential> {
  return createCredential(await createStore(`cache-${crypto.randomUUID()}`));
}

const missingStatement = `/statements?statementId=${crypto.randomUUID()}`;
const read = (auth: string, address?: string) =>
  xapi(missingStatement, { auth, headers: address ? { "CF-Connecting-IP": address } : {} });
const lookups = (queries: { sql: string }[]) => queries.filter((query) => CREDENTIAL_LOOKUP.test(query.sql)).length;

describe("the credential cache", () => {
  it("answers a credential that passed a moment ago without reading D1", async () => {
    const credential = await fresh();
    const first = await metered(() => read(credential.auth));
    const second = await metered(() => read(credential.auth));
    expect([first.status, second.status]).toEqual([404, 404]);
    expect(lookups(first.report.queries)).toBe(1);
    expect(lookups(second.report.queries)).toBe(0);
    expect(first.report.d1 - second.report.d1).toBe(1);
  });

  it("reads D1 again once the entry is CREDENTIAL_CACHE_TTL_MS old, however often it was used", async () => {
    const credential = await fresh();
    await read(credential.auth);
    offset = CREDENTIAL_CACHE_TTL_MS - 1;
    expect(lookups((await metered(() => read(credential.auth))).report.queries)).toBe(0);
    offset = CREDENTIAL_CACHE_TTL_MS;
    expect(lookups((await metered(() => read(credential.auth))).report.queries)).toBe(1);
  });

  it("stops accepting a credential disabled elsewhere within CREDENTIAL_CACHE_TTL_MS", async () => {
    expect(CREDENTIAL_CACHE_TTL_MS).toBe(5_000);
    const credential = await fresh();
    expect((await read(credential.auth)).status).toBe(404);
    // Another isolate's change: this one's cache is not told.
    await env.DB.prepare("UPDATE credentials SET disabled = 1 WHERE id = ?").bind(credential.id).run();
    offset = CREDENTIAL_CACHE_TTL_MS - 1;
    expect((await read(credential.auth)).status).toBe(404);
    offset = CREDENTIAL_CACHE_TTL_MS;
    expect((await read(credential.auth)).status).toBe(401);
  });

  it("forgets a credential disabled through the admin API at once, and does not remember it enabled again late", async () => {
    const credential = await fresh();
    expect((await read(credential.auth)).status).toBe(404);
    const path = `/stores/${credential.storeId}/credentials/${credential.id}`;
    expect((await admin(path, { method: "PATCH", json: { disabled: true } })).status).toBe(200);
    expect((await read(credential.auth)).status).toBe(401);
    expect((await admin(path, { method: "PATCH", json: { disabled: false } })).status).toBe(200);
    expect((await read(credential.auth)).status).toBe(404);
  });

  it("forgets the old secret on rotation at once; the new one works", async () => {
    const credential = await fresh();
    expect((await read(credential.auth)).status).toBe(404);
    const rotated = await admin(`/stores/${credential.storeId}/credentials/${credential.id}/rotate`, { method: "POST" });
    expect(rotated.status).toBe(200);
    const { secret } = (await rotated.json()) as { secret: string };
    expect((await read(credential.auth)).status).toBe(401);
    expect((await read(basic(credential.key, secret))).status).toBe(404);
  });

  it("forgets a deleted credential at once", async () => {
    const credential = await fresh();
    expect((await read(credential.auth)).status).toBe(404);
    const deleted = await admin(`/stores/${credential.storeId}/credentials/${credential.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect((await read(credential.auth)).status).toBe(401);
  });

  it("forgets a narrowed scope at once", async () => {
    const credential = await fresh();
    expect((await read(credential.auth)).status).toBe(404);
    const path = `/stores/${credential.storeId}/credentials/${credential.id}`;
    expect((await admin(path, { method: "PATCH", json: { scopes: ["statements/write"] } })).status).toBe(200);
    expect((await read(credential.auth)).status).toBe(403);
  });
});

describe("the throttle with a cached credential", () => {
  it("still answers 429 to the right secret from a throttled key and address", async () => {
    const credential = await fresh();
    expect((await read(credential.auth, "198.51.100.1")).status).toBe(404);
    for (let i = 0; i < MAX_FAILURES_PER_KEY_AND_ADDRESS; i++) {
      expect((await read(basic(credential.key, `wrong-${i}`), "198.51.100.1")).status).toBe(401);
    }
    expect((await read(credential.auth, "198.51.100.1")).status).toBe(429);
    // The cached credential still serves other addresses without D1's credential read.
    const elsewhere = await metered(() => read(credential.auth, "198.51.100.2"));
    expect(elsewhere.status).toBe(404);
    expect(lookups(elsewhere.report.queries)).toBe(0);
  });

  it("sends a key and address with a failure seen here to D1, as before the cache", async () => {
    const credential = await fresh();
    expect((await read(credential.auth, "198.51.100.3")).status).toBe(404);
    expect((await read(basic(credential.key, "wrong"), "198.51.100.3")).status).toBe(401);
    const after = await metered(() => read(credential.auth, "198.51.100.3"));
    expect(after.status).toBe(404);
    expect(lookups(after.report.queries)).toBe(1);
  });
});
