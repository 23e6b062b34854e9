// Exports of a whole store as a durable job: the file in R2 holds exactly the statements GET /statements
// returns (voided ones left out), newest last, downloadable from the admin API and the console only within
// the store.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { admin, runJob, storeWithCredential, xapiAs } from "../admin/admin-helpers";

const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };
const statement = (i: number) => ({ actor: { mbox: `mailto:learner${i}@example.com` }, verb: VERB, object: { id: `http://example.com/a/${i}` } });

describe("statement export job", () => {
  it("writes every statement GET /statements returns to one NDJSON file, then a CSV one", async () => {
    const credential = await storeWithCredential("Export");
    const posted = await xapiAs(credential, "/statements", { method: "POST", json: Array.from({ length: 30 }, (_, i) => statement(i)) });
    const ids = (await posted.json()) as string[];
    const voiding = { actor: { mbox: "mailto:admin@example.com" }, verb: { id: "http://adlnet.gov/expapi/verbs/voided" }, object: { objectType: "StatementRef", id: ids[3] } };
    expect((await xapiAs(credential, "/statements", { method: "POST", json: voiding })).status).toBe(200);

    const job = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export" } });
    expect(job).toMatchObject({ kind: "statement-export", state: "succeeded", done: 30, counts: { statements: 30 } });
    const download = await admin(`/stores/${credential.storeId}/jobs/${job.id}/download`);
    expect(download.status).toBe(200);
    expect(download.headers.get("Content-Type")).toBe("application/x-ndjson; charset=utf-8");
    const lines = (await download.text()).trimEnd().split("\n").map((line) => JSON.parse(line) as { id: string; stored: string });
    // The 29 statements not voided, then the voiding statement.
    expect(lines).toHaveLength(30);
    expect(lines.map((line) => line.id)).toEqual([...ids.filter((_, i) => i !== 3), lines.at(-1)!.id]);
    const fetched = (await (await xapiAs(credential, `/statements?statementId=${ids[0]}`)).json()) as Record<string, unknown>;
    expect(lines[0]).toEqual(fetched);

    const csv = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export", format: "csv" } });
    const text = await (await admin(`/stores/${credential.storeId}/jobs/${csv.id}/download`)).text();
    expect(text.trimEnd().split("\n")).toHaveLength(31);
  });

  it("has no download for another store's job, nor for a job that is not an export", async () => {
    const credential = await storeWithCredential("Export owner");
    const other = await storeWithCredential("Export other");
    const job = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export" } });
    expect((await admin(`/stores/${other.storeId}/jobs/${job.id}/download`)).status).toBe(404);
    const rebuild = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "rollup-rebuild" } });
    expect((await admin(`/stores/${credential.storeId}/jobs/${rebuild.id}/download`)).status).toBe(404);
    expect((await admin(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export", format: "xml" } })).status).toBe(400);
  });

  it("an erasure removes the store's export files (they may hold the person), and so does deleting the store", async () => {
    const credential = await storeWithCredential("Export then erase");
    expect((await xapiAs(credential, "/statements", { method: "POST", json: [statement(1), statement(2)] })).status).toBe(200);
    const exported = await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export" } });
    expect((await admin(`/stores/${credential.storeId}/jobs/${exported.id}/download`)).status).toBe(200);
    const erased = await runJob(`/stores/${credential.storeId}/erase-agent`, { method: "POST", json: { agent: { mbox: "mailto:learner1@example.com" } } });
    expect(erased).toMatchObject({ state: "succeeded", counts: { statements: 1 } });
    expect((await admin(`/stores/${credential.storeId}/jobs/${exported.id}/download`)).status).toBe(404);
    expect((await env.BLOBS.list({ prefix: `exports/${credential.storeId}/` })).objects).toEqual([]);

    await runJob(`/stores/${credential.storeId}/jobs`, { method: "POST", json: { kind: "statement-export", format: "csv" } });
    expect((await env.BLOBS.list({ prefix: `exports/${credential.storeId}/` })).objects).toHaveLength(1);
    expect(await runJob(`/stores/${credential.storeId}`, { method: "DELETE" })).toMatchObject({ state: "succeeded", counts: { orphan_objects: 1 } });
    expect((await env.BLOBS.list({ prefix: `exports/${credential.storeId}/` })).objects).toEqual([]);
  });
});
