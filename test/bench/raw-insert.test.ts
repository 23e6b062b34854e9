// The bench-only raw insert route writes exactly the rows POST /statements writes, and is closed unless LRS_BENCH=1.
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import { benchRoutes } from "../../src/bench/raw-insert";
import type { AppEnv } from "../../src/env";
import { DEFAULT_STORE_ID } from "../../src/auth/credentials";
import { RollupAggregator } from "../../src/durable/rollup-aggregator";
import { DIMENSION_CODE } from "../../src/statement-store/rollups/dimensions";
import { WAKE_DEBOUNCE_MS } from "../../src/shared/debounced-wake";
import { XapiError } from "../../src/errors";
import { xapi } from "../helpers";

function appWith(bench: string | undefined): (request: Request) => Promise<Response> {
  const app = new Hono<AppEnv>();
  app.route("/bench", benchRoutes);
  app.onError((error, c) => c.json({ error: error.message }, error instanceof XapiError ? error.status : 500));
  const bindings = { ...env, LRS_BENCH: bench };
  // The work a request leaves in waitUntil (the aggregator's wake) is awaited before its response is returned.
  return async (request) => {
    const ctx = createExecutionContext();
    const response = await app.fetch(request, bindings, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  };
}

function statement(id: string): Record<string, unknown> {
  return {
    id,
    actor: { objectType: "Agent", name: "Ann", mbox: "mailto:ann@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/answered", display: { "en-US": "answered" } },
    object: { objectType: "Activity", id: "http://example.com/q/1", definition: { name: { "en-US": "Q1" } } },
    result: { score: { scaled: 0.5 }, success: true },
    context: {
      registration: "5c3f4a57-0d6e-4b8a-9f5e-2f1f7a3d9c11",
      instructor: { mbox: "mailto:teacher@example.com" },
      contextActivities: { parent: [{ id: "http://example.com/course" }] },
    },
    timestamp: "2026-01-02T03:04:05.000Z",
  };
}

const post = (fetcher: (r: Request) => Promise<Response>, body: unknown, batch = 2) =>
  fetcher(new Request(`http://lrs.test/bench/raw-insert?batch=${batch}`, { method: "POST", body: JSON.stringify(body) }));

describe("POST /bench/raw-insert", () => {
  it("answers 404 unless LRS_BENCH is 1", async () => {
    expect((await post(appWith(undefined), [statement(crypto.randomUUID())])).status).toBe(404);
    expect((await post(appWith("0"), [statement(crypto.randomUUID())])).status).toBe(404);
  });

  it("writes the same rows as POST /statements for the same credential", async () => {
    const viaHttp = crypto.randomUUID();
    const viaRaw = crypto.randomUUID();
    expect((await xapi("/statements", { method: "POST", json: [statement(viaHttp)] })).status).toBe(200);
    const raw = await post(appWith("1"), [statement(viaRaw)], 1);
    expect(raw.status).toBe(200);
    expect(((await raw.json()) as { inserted: number }).inserted).toBe(1);

    const row = (id: string) =>
      env.DB.prepare(
        `SELECT store_id, verb_id, voided, voids_id, credential_id, version, statement FROM statements WHERE id = ?`,
      )
        .bind(id)
        .first<Record<string, unknown>>();
    const index = (id: string) =>
      env.DB.prepare(
        `SELECT v.kind, v.value, e.roles FROM index_entries e JOIN index_values v ON v.id = e.value_id
         WHERE e.seq = (SELECT seq FROM statements WHERE id = ?) ORDER BY v.kind, v.value`,
      )
        .bind(id)
        .all();
    const [a, b] = await Promise.all([row(viaHttp), row(viaRaw)]);
    expect(String(a?.statement)).toContain(viaHttp);
    expect({ ...b, statement: String(b!.statement).replace(viaRaw, viaHttp) }).toEqual(a);
    expect((await index(viaRaw)).results).toEqual((await index(viaHttp)).results);
  });

  it("inserts in transactions of `batch` rows", async () => {
    const ids = Array.from({ length: 5 }, () => crypto.randomUUID());
    const response = await post(appWith("1"), ids.map(statement), 2);
    expect(response.status).toBe(200);
    const { results } = await env.DB.prepare(`SELECT count(*) AS n FROM statements WHERE id IN (${ids.map(() => "?").join(",")})`)
      .bind(...ids)
      .all<{ n: number }>();
    expect(results[0]!.n).toBe(5);
  });

  it("breaks the insert down into its SQL groups with row counts", async () => {
    const ids = Array.from({ length: 3 }, () => crypto.randomUUID());
    const response = await appWith("1")(
      new Request("http://lrs.test/bench/insert-breakdown", { method: "POST", body: JSON.stringify(ids.map(statement)) }),
    );
    expect(response.status).toBe(200);
    const steps = (await response.json()) as { step: string; rowsWritten: number; ms: number }[];
    // The steps of insertPlan, the insert the xAPI route runs, in its order.
    expect(steps.map((s) => s.step)).toEqual([
      "statements",
      "statement runs",
      "index values",
      "index entries",
      "statement refs",
      "voiding",
      "activities",
      "agents",
      "one-row write transaction",
    ]);
    // Each statement row with its one secondary index entry (unique id), and the AUTOINCREMENT counter once per
    // INSERT; then one run for the store's walks and one for the credential's, whatever the batch's size.
    expect(steps.find((s) => s.step === "statements")!.rowsWritten).toBe(3 * 2 + 1);
    expect(steps.find((s) => s.step === "statement runs")!.rowsWritten).toBe(2);
    const { results } = await env.DB.prepare(`SELECT count(*) AS n FROM statements WHERE id IN (?, ?, ?)`).bind(...ids).all<{ n: number }>();
    expect(results[0]!.n).toBe(3);
  });

  it("adds what counting the statements into the rollups costs, from full pages, and counts them all", async () => {
    // 1,100 new statements, after the store caught up: one page counts and measures them all (3 above: too few to scale).
    const ids = Array.from({ length: 1100 }, () => crypto.randomUUID());
    const response = await appWith("1")(
      new Request("http://lrs.test/bench/insert-breakdown", { method: "POST", body: JSON.stringify(ids.map(statement)) }),
    );
    expect(response.status).toBe(200);
    const steps = (await response.json()) as { step: string; rowsWritten: number; ms: number }[];
    expect(steps.map((s) => s.step).slice(-2)).toEqual(["rollups per 1,000 statements (off the request path)", "one-row write transaction"]);
    const rollups = steps.find((s) => s.step.startsWith("rollups"))!;
    expect(Number.isInteger(rollups.rowsWritten) && Number.isInteger(rollups.ms)).toBe(true);
    expect(rollups.rowsWritten).toBeGreaterThan(0);
    const counted = await env.DB.prepare(
      `SELECT (SELECT sum(count) FROM rollup_counts WHERE store_id = 'default' AND dimension = ?) AS total,
        (SELECT count(*) FROM statements WHERE store_id = 'default') AS stored`,
    )
      .bind(DIMENSION_CODE.total)
      .first<{ total: number; stored: number }>();
    expect(counted!.total).toBe(counted!.stored);
  });

  it("with counted=1 wakes the store's rollup aggregator after its inserts, as POST /statements does; not without it", async () => {
    // RPC finds methods on the class, so the spy sits on its prototype (restored below); it only records.
    const wake = vi.spyOn(RollupAggregator.prototype, "wake").mockImplementation(async () => {});
    try {
      // Past this isolate's debounce window for the store (earlier tests' POSTs woke it): the next wake is sent.
      await new Promise((resolve) => setTimeout(resolve, WAKE_DEBOUNCE_MS + 50));
      expect((await post(appWith("1"), [statement(crypto.randomUUID())], 1)).status).toBe(200);
      expect(wake.mock.calls).toEqual([]);
      const counted = await appWith("1")(
        new Request("http://lrs.test/bench/raw-insert?batch=1&counted=1", { method: "POST", body: JSON.stringify([statement(crypto.randomUUID())]) }),
      );
      expect(counted.status).toBe(200);
      expect(wake.mock.calls).toEqual([[DEFAULT_STORE_ID]]);
    } finally {
      wake.mockRestore();
    }
  });
});
