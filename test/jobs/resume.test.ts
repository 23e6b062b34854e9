// A job whose Workflow run was lost (a crash or deploy the local engine does not recover from) is restarted
// from the job row's cursor when it is read after STALL_MS without progress, and the cron does the same.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { resumeStalledJobs, STALL_MS } from "../../src/jobs/stalled-jobs";
import { adminJson, storeWithCredential, waitForJob, xapiAs, type JobBody } from "../admin/admin-helpers";

const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const TARGET = { mbox: "mailto:tess@example.com" };

/** A job row as a run cut off after some steps leaves it, with a Workflow instance that does not exist. */
async function lostJob(storeId: string, kind: string, fields: { params?: unknown; cursor?: unknown; counts?: unknown; done?: number }) {
  const id = crypto.randomUUID();
  const long = Date.now() - STALL_MS - 1000;
  await env.DB.prepare(
    `INSERT INTO jobs (id, store_id, kind, state, params, cursor, counts, done, steps, instance_id, created_at, updated_at)
     VALUES (?, ?, ?, 'running', ?, ?, ?, ?, 3, ?, ?, ?)`,
  )
    .bind(id, storeId, kind, JSON.stringify(fields.params ?? {}), JSON.stringify(fields.cursor ?? null), JSON.stringify(fields.counts ?? {}), fields.done ?? 0, `lost-${id}`, long, long)
    .run();
  return id;
}

describe("stalled jobs", () => {
  it("a read of a lost erasure restarts it in a new instance, which finishes the erasure", async () => {
    const credential = await storeWithCredential("Lost erasure");
    const statements = Array.from({ length: 5 }, (_, i) => ({ actor: TARGET, verb: VERB, object: { id: `http://example.com/${i}` } }));
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statements })).status).toBe(200);
    const params = { agentKeys: ["mbox:mailto:tess@example.com"], related: true, subject: "hmac-sha256:00" };
    const id = await lostJob(credential.storeId, "agent-erasure", { params, counts: { statements: 2 }, done: 2 });

    const job = await waitForJob(credential.storeId, id);
    expect(job).toMatchObject({ state: "succeeded", counts: { statements: 7, agents: 1 }, done: 7 });
    expect(job.steps).toBeGreaterThan(3);
    const row = await env.DB.prepare("SELECT instance_id FROM jobs WHERE id = ?").bind(id).first<{ instance_id: string }>();
    expect(row!.instance_id).toMatch(new RegExp(`^${id}-g\\d+$`));
    const left = await xapiAs(credential, `/statements?agent=${encodeURIComponent(JSON.stringify(TARGET))}`);
    expect(((await left.json()) as { statements: unknown[] }).statements).toEqual([]);
  });

  it("the cron resumes a lost rollup rebuild from its cursor, not from the start", async () => {
    const credential = await storeWithCredential("Lost rebuild");
    const statements = Array.from({ length: 10 }, (_, i) => ({ actor: TARGET, verb: VERB, object: { id: `http://example.com/${i}` } }));
    expect((await xapiAs(credential, "/statements", { method: "POST", json: statements })).status).toBe(200);
    const range = await env.DB.prepare("SELECT min(seq) AS low, max(seq) AS high FROM statements WHERE store_id = ?")
      .bind(credential.storeId)
      .first<{ low: number; high: number }>();
    // As if the first step had emptied the rollups and the second recounted the first 4 statements.
    const cursor = { low: range!.low, next: range!.low + 4, high: range!.high };
    const id = await lostJob(credential.storeId, "rollup-rebuild", { cursor, counts: { seqs: 4 }, done: 4 });

    expect(await resumeStalledJobs(env)).toBeGreaterThanOrEqual(1);
    const job: JobBody = await waitForJob(credential.storeId, id);
    expect(job).toMatchObject({ state: "succeeded", done: 10, total: 10, counts: { seqs: 10 } });
    // Only the last 6 statements were counted by the resumed run (the rows were left as the lost run had them).
    const total = await adminJson<{ jobs: JobBody[] }>(`/stores/${credential.storeId}/jobs`);
    expect(total.jobs.map((row) => row.id)).toEqual([id]);
  });
});
