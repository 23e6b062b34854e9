// Durable jobs through the admin API on the real Workflows engine: started with 202, followed to the end,
// scoped to their store, and resumed from the job row's cursor when their run is lost.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, adminJson, createStore, runJob, waitForJob, type JobBody } from "../admin/admin-helpers";

describe("jobs", () => {
  it("a rollup rebuild started through the admin API runs to success and is listed for its store only", async () => {
    const storeId = await createStore("Jobs");
    const other = await createStore("Other");
    const job = await runJob(`/stores/${storeId}/jobs`, { method: "POST", json: { kind: "rollup-rebuild" } });
    expect(job).toMatchObject({ storeId, kind: "rollup-rebuild", state: "succeeded", error: null, done: 0, total: 0 });
    const listed = await adminJson<{ jobs: JobBody[] }>(`/stores/${storeId}/jobs`);
    expect(listed.jobs.map((row) => row.id)).toEqual([job.id]);
    expect((await adminJson<{ jobs: JobBody[] }>(`/stores/${other}/jobs`)).jobs).toEqual([]);
    expect((await admin(`/stores/${other}/jobs/${job.id}`)).status).toBe(404);
  });

  it("refuses kinds that only their own route starts, and unknown stores", async () => {
    const storeId = await createStore("Refusals");
    const refused = await admin(`/stores/${storeId}/jobs`, { method: "POST", json: { kind: "agent-erasure" } });
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { path: string } }).error.path).toBe("kind");
    expect((await admin(`/stores/nope/jobs`, { method: "POST", json: { kind: "rollup-rebuild" } })).status).toBe(404);
  });
});
