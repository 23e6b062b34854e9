// What runs beside the upgrade backfill while a store's statements are still in the legacy tables: an erasure
// moves the store's rows first and then erases every statement naming the person; rows of a store being deleted
// are dropped, not moved into the new tables; the cron starts the backfill job while legacy tables remain, and
// only one at a time.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { ALL_STORES } from "../../src/jobs/kinds/orphan-sweep";
import { upgradeDatabases } from "../../src/jobs/kinds/upgrade-backfill";
import { moveIndexChunk, moveRefsChunk } from "../../src/statement-store/legacy-rows";
import { startBackfillIfNeeded } from "../../src/upgrade/start-backfill";
import { admin, runJob, storeWithCredential, waitForJob, xapiAs, type JobBody, type TestCredential } from "../admin/admin-helpers";
import { toOldLayout } from "./old-layout";

const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const TESS = { mbox: "mailto:tess@example.com" };
const OTHER = { mbox: "mailto:otto@example.com" };

async function count(sql: string, ...binds: unknown[]): Promise<number> {
  return (await env.DB.prepare(sql).bind(...binds).first<{ n: number }>())!.n;
}

async function idsOf(credential: TestCredential, params: Record<string, string>): Promise<string[]> {
  const res = await xapiAs(credential, `/statements?${new URLSearchParams(params)}`);
  return ((await res.json()) as { statements: { id: string }[] }).statements.map((s) => s.id).sort();
}

async function seed(credential: TestCredential): Promise<string[]> {
  const ids = Array.from({ length: 6 }, () => crypto.randomUUID());
  const statements = [
    { id: ids[0], actor: TESS, verb: VERB, object: { id: "http://example.com/a" } },
    { id: ids[1], actor: OTHER, verb: VERB, object: { id: "http://example.com/b" }, context: { instructor: TESS } },
    { id: ids[2], actor: OTHER, verb: VERB, object: { objectType: "StatementRef", id: ids[0] } },
    { id: ids[3], actor: OTHER, verb: VERB, object: { id: "http://example.com/c" } },
    { id: ids[4], actor: OTHER, verb: VERB, object: { id: "http://example.com/a" } },
    { id: ids[5], actor: TESS, verb: VERB, object: { id: "http://example.com/c" } },
  ];
  expect((await xapiAs(credential, "/statements", { method: "POST", json: statements })).status).toBe(200);
  return ids as string[];
}

describe("upgrade backfill beside erasure, store deletion and the cron", () => {
  it("an erasure moves its store's legacy rows first, then erases every statement naming the person", async () => {
    const credential = await storeWithCredential("Erasure during the upgrade");
    const ids = await seed(credential);
    expect(await toOldLayout(credential.storeId)).toBeGreaterThan(20);
    // Found through the legacy rows (the referrer through its copies of its target's rows).
    expect(await idsOf(credential, { agent: JSON.stringify(TESS), related_agents: "true" })).toEqual([ids[0], ids[1], ids[2], ids[5]].sort());

    const job = await runJob(`/stores/${credential.storeId}/erase-agent`, { method: "POST", json: { agent: TESS, related: true } });
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 4 } });
    expect(await count("SELECT count(*) AS n FROM legacy_statement_index WHERE store_id = ?", credential.storeId)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM legacy_statement_refs WHERE store_id = ?", credential.storeId)).toBe(0);
    expect(await idsOf(credential, { agent: JSON.stringify(TESS), related_agents: "true" })).toEqual([]);
    expect(await idsOf(credential, { agent: JSON.stringify(OTHER) })).toEqual([ids[3], ids[4]].sort());
    expect(await count("SELECT count(*) AS n FROM index_values WHERE store_id = ? AND value = ?", credential.storeId, "mbox:mailto:tess@example.com")).toBe(0);
  });

  it("rows of a store being deleted are dropped, not moved into the new tables", async () => {
    const credential = await storeWithCredential("Deleted during the upgrade");
    await seed(credential);
    const legacy = await toOldLayout(credential.storeId);
    // A deletion job queued for the store (its Workflow not run here).
    await env.DB.prepare(
      `INSERT INTO jobs (id, store_id, kind, state, params, cursor, counts, done, steps, instance_id, created_at, updated_at)
       VALUES (?, ?, 'store-deletion', 'queued', '{}', 'null', '{}', 0, 0, 'none', ?, ?)`,
    )
      .bind(crypto.randomUUID(), credential.storeId, Date.now(), Date.now())
      .run();
    expect(await moveRefsChunk(env.DB, credential.storeId)).toBe(1);
    expect(await moveIndexChunk(env.DB, credential.storeId)).toBe(legacy);
    expect(await count("SELECT count(*) AS n FROM index_values WHERE store_id = ?", credential.storeId)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM statement_refs WHERE store_id = ?", credential.storeId)).toBe(0);
    expect(await count("SELECT count(*) AS n FROM legacy_statement_index WHERE store_id = ?", credential.storeId)).toBe(0);
  });

  it("the cron starts one backfill job while legacy tables remain; it drops them, and then none starts", async () => {
    const credential = await storeWithCredential("Cron during the upgrade");
    const ids = await seed(credential);
    await toOldLayout(credential.storeId);
    // By hand (the cron calls startBackfillIfNeeded): 202 and the job.
    const res = await admin("/upgrade-backfill", { method: "POST" });
    expect(res.status).toBe(202);
    const started = ((await res.json()) as { job: JobBody }).job;
    expect(started).toMatchObject({ storeId: ALL_STORES, kind: "upgrade-backfill" });
    expect(res.headers.get("Location")).toBe(`/admin/stores/*/jobs/${started.id}`);
    // While it is queued or running (or once it has dropped the tables), no second one.
    expect(await startBackfillIfNeeded(env)).toBeUndefined();
    const job = await waitForJob(ALL_STORES, started.id);
    // Three in each database: DB_2 got the migrations too (its legacy tables empty).
    expect(job).toMatchObject({ state: "succeeded", counts: { tablesDropped: 6 } });
    for (const db of upgradeDatabases(env)) {
      expect((await db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name LIKE 'legacy_%'").first<{ n: number }>())!.n).toBe(0);
    }
    expect(await idsOf(credential, { agent: JSON.stringify(TESS), related_agents: "true" })).toEqual([ids[0], ids[1], ids[2], ids[5]].sort());
    expect(await startBackfillIfNeeded(env)).toBeUndefined();
    const none = await admin("/upgrade-backfill", { method: "POST" });
    expect(none.status).toBe(200);
    expect(await none.json()).toEqual({ job: null });
  });
});
