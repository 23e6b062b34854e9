// D1 round trips per request (issue 16): each is 100-300 ms for a learner far from the D1 primary, so the common
// requests make one: a query page two when its filters are ranked first. Counted per invocation by the strict
// entry (test/strict/d1-guard.ts: a batch is one call), with the credential already in the isolate's cache.
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentialCacheClock } from "../../src/auth/credential-cache";
import { upgradeBackfillJob } from "../../src/jobs/kinds/upgrade-backfill";
import { StepBudget } from "../../src/jobs/step-budget";
import { xapi } from "../helpers";
import { metered } from "../limits/limits-helpers";

const CONSISTENT_THROUGH_READ = /^\s*SELECT \(SELECT s\.stored_ms FROM statement_runs AS r .* LIMIT 1\) AS newest/;
const realClock = credentialCacheClock.now;
const agent = (n: number) => JSON.stringify({ mbox: `mailto:trips-${n}@example.com` });
const verb = (n: number) => `http://example.com/verbs/trips-${n}`;

function statement(n: number, id: string = crypto.randomUUID()): Record<string, unknown> {
  return { id, actor: JSON.parse(agent(n % 3)), verb: { id: verb(n % 2) }, object: { id: `http://example.com/activities/trips-${n}` } };
}

beforeAll(async () => {
  // Frozen, so a slow machine cannot expire the cached credential between requests.
  const frozen = Date.now();
  credentialCacheClock.now = () => frozen;
  const warm = await xapi("/statements", { method: "POST", json: [0, 1, 2, 3, 4, 5].map((n) => statement(n)) });
  expect(warm.status).toBe(200);
  // A deployment past its upgrade: the migrations leave empty legacy tables, which queries read beside the new index
  // (src/statement-store/query/legacy-index.ts) until the upgrade backfill drops them; the first query after that
  // finds them gone (one failed batch in the isolate's life).
  const job = { id: "trips", storeId: "*", params: {}, cursor: null, counts: {}, done: 0, total: null };
  expect(await upgradeBackfillJob.step(env, job, new StepBudget())).toMatchObject({ finished: true });
  expect((await xapi(`/statements?verb=${encodeURIComponent(verb(0))}&agent=${encodeURIComponent(agent(0))}`)).status).toBe(200);
});

afterAll(() => {
  credentialCacheClock.now = realClock;
});

describe("D1 round trips per request", () => {
  it("POST /statements of new statements: one (the insert batch)", async () => {
    const post = await metered(() => xapi("/statements", { method: "POST", json: [statement(6), statement(7)] }));
    expect(post.status).toBe(200);
    expect(post.report.d1).toBe(1);
  });

  it("PUT /statements: one", async () => {
    const id = crypto.randomUUID();
    const put = await metered(() => xapi(`/statements?statementId=${id}`, { method: "PUT", json: statement(8, id) }));
    expect(put.status).toBe(204);
    expect(put.report.d1).toBe(1);
  });

  it("GET /statements?statementId=: one, found or not", async () => {
    const id = crypto.randomUUID();
    expect((await xapi(`/statements?statementId=${id}`, { method: "PUT", json: statement(9, id) })).status).toBe(204);
    const found = await metered(() => xapi(`/statements?statementId=${id}`));
    const missing = await metered(() => xapi(`/statements?statementId=${crypto.randomUUID()}`));
    expect([found.status, missing.status]).toEqual([200, 404]);
    expect([found.report.d1, missing.report.d1]).toEqual([1, 1]);
  });

  it("a query page without filters or with one: one, Consistent-Through read in the page's batch", async () => {
    const first = await metered(() => xapi("/statements?limit=2"));
    expect(first.status).toBe(200);
    expect(first.report.d1).toBe(1);
    expect(first.report.queries.map((query) => CONSISTENT_THROUGH_READ.test(query.sql))).toEqual([true, false]);
    const more = (JSON.parse(first.text) as { more: string }).more;
    const next = await metered(() => xapi(more.slice("/xapi".length)));
    expect(next.status).toBe(200);
    expect(next.report.d1).toBe(1);
    const filtered = await metered(() => xapi(`/statements?verb=${encodeURIComponent(verb(1))}`));
    expect(filtered.status).toBe(200);
    expect(filtered.report.d1).toBe(1);
  });

  it("a query page with two filters: two (the selectivity probe with Consistent-Through, then the page); its next pages one", async () => {
    const both = await metered(() => xapi(`/statements?verb=${encodeURIComponent(verb(1))}&agent=${encodeURIComponent(agent(1))}`));
    expect(both.status).toBe(200);
    expect(both.report.d1).toBe(2);
    expect(both.report.queries.map((query) => CONSISTENT_THROUGH_READ.test(query.sql))).toEqual([true, false, false]);
    // Its `more` page is driven as the cursor says (the first page's choice): no probe, one round trip.
    expect((await xapi("/statements", { method: "POST", json: [6, 12].map((n) => statement(n)) })).status).toBe(200);
    const firstPage = await xapi(`/statements?verb=${encodeURIComponent(verb(0))}&agent=${encodeURIComponent(agent(0))}&limit=1`);
    const { statements: firstStatements, more } = (await firstPage.json()) as { statements: { id: string }[]; more: string };
    expect(firstStatements).toHaveLength(1);
    expect(more).toMatch(/cursor=\d+d[01]\./);
    const next = await metered(() => xapi(more.replace(/^\/xapi/, "")));
    expect(next.status).toBe(200);
    expect(next.report.d1).toBe(1);
    expect(next.report.queries.map((query) => CONSISTENT_THROUGH_READ.test(query.sql))).toEqual([true, false]);
    const nextStatements = (JSON.parse(next.text) as { statements: { id: string }[] }).statements;
    expect(nextStatements).toHaveLength(1);
    expect(nextStatements[0]!.id).not.toBe(firstStatements[0]!.id);
    // A filter that matches nothing answers the query from the probe alone.
    const none = await metered(() => xapi(`/statements?verb=${encodeURIComponent(verb(1))}&agent=${encodeURIComponent(agent(99))}`));
    expect(none.status).toBe(200);
    expect(JSON.parse(none.text)).toEqual({ statements: [], more: "" });
    expect(none.report.d1).toBe(1);
    const through = none.headers.get("X-Experience-API-Consistent-Through")!;
    expect(new Date(through).toISOString()).toBe(through);
  });

  it("GET of a document: one D1 read (its metadata), then R2", async () => {
    const path = `/activities/state?activityId=${encodeURIComponent("http://example.com/trips")}&agent=${encodeURIComponent(agent(0))}&stateId=s`;
    expect((await xapi(path, { method: "PUT", json: { progress: 1 } })).status).toBe(204);
    const read = await metered(() => xapi(path));
    expect(read.status).toBe(200);
    expect(JSON.parse(read.text)).toEqual({ progress: 1 });
    expect([read.report.d1, read.report.r2]).toEqual([1, 1]);
  });
});
