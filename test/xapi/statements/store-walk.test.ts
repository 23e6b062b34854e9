// A store's statements are walked through runs (src/statement-store/store-walk.ts): one statement_runs and one
// credential_runs row per accepted batch, no per-statement (store, seq) or (store, credential, seq) index entry.
// Batches of two stores and two credentials interleave here, so a walk that trusted a run's range without checking
// each row's store and credential would show another's statements; the runs the upgrade made for statements
// stored before runs existed (migrations/0016, one per store and per credential, spanning the others' rows) must
// page exactly as new runs do.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALL_STORES } from "../../../src/jobs/kinds/orphan-sweep";
import { hasSpanningRuns, splitSpanningRunsChunk } from "../../../src/statement-store/run-split";
import { rowCredentialSql } from "../../../src/statement-store/store-walk";
import { startBackfillIfNeeded } from "../../../src/upgrade/start-backfill";
import { createCredential, storeWithCredential, waitForJob, xapiAs, type TestCredential } from "../../admin/admin-helpers";

type Migration = { name: string; queries: string[] };
const migrations = (env as unknown as { TEST_MIGRATIONS: Migration[] }).TEST_MIGRATIONS;

const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };

function batch(n: number, tag: string): { id: string; actor: object; verb: object; object: object }[] {
  return Array.from({ length: n }, (_, i) => ({
    id: crypto.randomUUID(),
    actor: { mbox: `mailto:${tag}-${i}@example.com` },
    verb: VERB,
    object: { id: `http://example.com/${tag}` },
  }));
}

async function post(credential: TestCredential, statements: { id: string }[]): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: statements });
  expect(res.status).toBe(200);
  return statements.map((s) => s.id);
}

/** Every statement a credential sees unfiltered, paged by `more` in pages of `limit`. */
async function pageAll(credential: TestCredential, params: Record<string, string> = {}, limit = 3): Promise<string[]> {
  const seen: string[] = [];
  let path: string | null = `/statements?${new URLSearchParams({ limit: String(limit), ...params })}`;
  for (let pages = 0; path; pages++) {
    expect(pages).toBeLessThan(100);
    const res = await xapiAs(credential, path);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statements: { id: string }[]; more: string };
    seen.push(...body.statements.map((s) => s.id));
    path = body.more ? body.more.replace(/^\/xapi/, "") : null;
  }
  return seen;
}

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;
}

/**
 * Back to the layout before migrations/0016 (each row's credential in its own column, its two indexes, no runs),
 * then the migration's own statements again: the upgrade of a deployment holding these statements.
 */
async function replayUpgrade(): Promise<void> {
  await env.DB.batch([
    env.DB.prepare(`UPDATE statements SET credential_id = ${rowCredentialSql("statements")}`),
    env.DB.prepare("CREATE INDEX statements_store_seq ON statements (store_id, seq)"),
    env.DB.prepare("CREATE INDEX statements_store_credential ON statements (store_id, credential_id, seq)"),
    env.DB.prepare("DELETE FROM statement_runs"),
    env.DB.prepare("DELETE FROM credential_runs"),
  ]);
  const upgrade = migrations.find((m) => m.name.startsWith("0016"))!;
  await env.DB.batch(upgrade.queries.filter((q) => !/CREATE (TABLE|INDEX)/.test(q)).map((q) => env.DB.prepare(q)));
}

/** Two stores, store A with a second credential that may only read its own; batches interleaved. */
async function interleaved() {
  const a = await storeWithCredential("walk A");
  const mine = await createCredential(a.storeId, ["statements/write", "statements/read/mine"]);
  const b = await storeWithCredential("walk B");
  const order: { a: string[]; mine: string[]; b: string[] } = { a: [], mine: [], b: [] };
  for (let round = 0; round < 3; round++) {
    order.a.push(...(await post(a, batch(2, `a${round}`))));
    order.b.push(...(await post(b, batch(3, `b${round}`))));
    order.mine.push(...(await post(mine, batch(1, `m${round}`))));
  }
  return { a, mine, b, order };
}

describe("store walks through runs", () => {
  it("writes one run per batch, and no per-statement store index", async () => {
    const { a, mine } = await interleaved();
    expect(await count("SELECT count(*) AS n FROM statement_runs WHERE store_id = ?", a.storeId)).toBe(6);
    expect(await count("SELECT count(*) AS n FROM credential_runs WHERE store_id = ? AND credential_id = ?", a.storeId, mine.id)).toBe(3);
    // The credential lives in the runs, not on each row; each row still reads as written by its own.
    expect(await count("SELECT count(*) AS n FROM statements WHERE store_id = ? AND credential_id IS NOT NULL", a.storeId)).toBe(0);
    const writers = await env.DB.prepare(`SELECT ${rowCredentialSql("s")} AS c, count(*) AS n FROM statements AS s WHERE s.store_id = ? GROUP BY 1 ORDER BY n`)
      .bind(a.storeId)
      .all<{ c: string; n: number }>();
    expect(writers.results).toEqual([{ c: mine.id, n: 3 }, { c: a.id, n: 6 }]);
    const indexes = await env.DB.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'statements'").all<{ name: string }>();
    expect(indexes.results.map((row) => row.name)).toEqual(["statements_store_id"]);
  });

  it("a batch inserted in several chunks (over ~1 MB of JSON) is still one run, and pages whole", async () => {
    const a = await storeWithCredential("walk chunks");
    const big = batch(4, "big").map((st, i) => ({ ...st, result: { extensions: { "http://example.com/pad": "x".repeat(350_000 + i) } } }));
    const ids = await post(a, big);
    expect(await count("SELECT count(*) AS n FROM statement_runs WHERE store_id = ?", a.storeId)).toBe(1);
    const run = await env.DB.prepare("SELECT last_seq - first_seq AS span FROM statement_runs WHERE store_id = ?").bind(a.storeId).first<{ span: number }>();
    expect(run!.span).toBe(3);
    expect(await pageAll(a, { ascending: "true" }, 1)).toEqual(ids);
  });

  it("pages exactly a store's own statements, each way, and a credential's own with read/mine", async () => {
    const { a, mine, b, order } = await interleaved();
    const all = [...order.a, ...order.mine];
    // Newest first by default: compare as sets, then check the order against `ascending`.
    expect((await pageAll(a)).sort()).toEqual([...all].sort());
    expect(await pageAll(b, { ascending: "true" })).toEqual(order.b);
    expect((await pageAll(b)).reverse()).toEqual(order.b);
    expect(await pageAll(mine, { ascending: "true" }, 2)).toEqual(order.mine);
    expect((await pageAll(mine, {}, 2)).reverse()).toEqual(order.mine);
  });

  it("statements stored before runs existed: the upgrade's spanning runs page exactly, and new batches follow them", async () => {
    const { a, mine, b, order } = await interleaved();
    await replayUpgrade();
    // One run per store and per (store, credential), spanning the interleaved rows of the others.
    const runs = await env.DB.prepare("SELECT first_seq AS first, last_seq AS last FROM statement_runs WHERE store_id = ?").bind(b.storeId).all<{ first: number; last: number }>();
    expect(runs.results).toHaveLength(1);
    expect(await count("SELECT count(*) AS n FROM statements WHERE seq BETWEEN ? AND ? AND store_id <> ?", runs.results[0]!.first, runs.results[0]!.last, b.storeId)).toBeGreaterThan(0);
    expect(await count("SELECT count(*) AS n FROM credential_runs WHERE store_id = ?", a.storeId)).toBe(2);

    // New batches after the upgrade take new runs past the spanning ones.
    order.b.push(...(await post(b, batch(2, "b-new"))));
    order.mine.push(...(await post(mine, batch(2, "m-new"))));
    expect(await pageAll(b, { ascending: "true" })).toEqual(order.b);
    expect((await pageAll(b, {}, 4)).reverse()).toEqual(order.b);
    expect(await pageAll(mine, { ascending: "true" }, 2)).toEqual(order.mine);
    expect((await pageAll(a)).sort()).toEqual([...order.a, ...order.mine].sort());

    // The backfill splits the spanning runs into exact ones, a few seqs per chunk, with pages exact between chunks
    // and a batch posted halfway.
    expect(await hasSpanningRuns(env.DB)).toBe(true);
    for (let chunk = 0; (await splitSpanningRunsChunk(env.DB, 7)) > 0; chunk++) {
      expect(chunk).toBeLessThan(100);
      if (chunk === 2) order.b.push(...(await post(b, batch(1, "b-during"))));
      expect(await pageAll(b, { ascending: "true" }, 5)).toEqual(order.b);
      expect(await pageAll(mine, { ascending: "true" }, 5)).toEqual(order.mine);
    }
    expect(await hasSpanningRuns(env.DB)).toBe(false);
    // Every run now holds its own store's rows only (and a credential run its credential's only).
    expect(await count(`SELECT count(*) AS n FROM statement_runs r JOIN statements s ON s.seq BETWEEN r.first_seq AND r.last_seq
      WHERE s.store_id <> r.store_id`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM credential_runs r JOIN statements s ON s.seq BETWEEN r.first_seq AND r.last_seq
      WHERE s.store_id <> r.store_id OR ${rowCredentialSql("s")} IS NOT r.credential_id`)).toBe(0);
    expect(await pageAll(b, { ascending: "true" })).toEqual(order.b);
    expect((await pageAll(b, {}, 4)).reverse()).toEqual(order.b);
    expect(await pageAll(mine, { ascending: "true" }, 2)).toEqual(order.mine);
    expect((await pageAll(a)).sort()).toEqual([...order.a, ...order.mine].sort());
  });

  it("the upgrade backfill job splits the spanning runs, and the cron starts it while any are left", async () => {
    const { b, mine, order } = await interleaved();
    await replayUpgrade();
    const started = await startBackfillIfNeeded(env);
    expect(started).toMatchObject({ kind: "upgrade-backfill" });
    const job = await waitForJob(ALL_STORES, started!.id);
    expect(job.state).toBe("succeeded");
    expect((job.counts as Record<string, number>).runSeqsSplit).toBeGreaterThan(0);
    expect(await hasSpanningRuns(env.DB)).toBe(false);
    expect(await startBackfillIfNeeded(env)).toBeUndefined();
    expect(await pageAll(b, { ascending: "true" })).toEqual(order.b);
    expect(await pageAll(mine, { ascending: "true" }, 2)).toEqual(order.mine);
  });
});
