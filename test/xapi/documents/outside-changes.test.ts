// The DocumentWriter remembers the rows it wrote, but D1 stays the truth: when a document changes outside the
// writer (an erasure, or a second live instance across a network split), no write is answered on stale
// knowledge — commits are compare-and-set, and refusals are decided again on the row read from D1.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { xapi } from "../../helpers";
import { documentParams, url } from "./document-helpers";

async function create(params: Record<string, unknown>, body: unknown): Promise<string> {
  const put = await xapi(url("state", params), { method: "PUT", json: body, headers: { "If-None-Match": "*" } });
  expect(put.status).toBe(204);
  return put.headers.get("ETag")!;
}

const rowOf = (params: Record<string, unknown>) =>
  env.DB.prepare("SELECT * FROM documents WHERE document_id = ?").bind(params.stateId).first<Record<string, unknown>>();

describe("documents changed outside their writer", () => {
  it("creates a document erased behind the writer's back, instead of answering 412 from memory", async () => {
    const params = documentParams("state");
    await create(params, { v: 1 });
    await env.DB.prepare("DELETE FROM documents WHERE document_id = ?").bind(params.stateId).run();
    const put = await xapi(url("state", params), { method: "PUT", json: { v: 2 }, headers: { "If-None-Match": "*" } });
    expect(put.status).toBe(204);
    expect(await (await xapi(url("state", params))).json()).toEqual({ v: 2 });
  });

  it("refuses an If-Match that matched only the remembered version", async () => {
    const params = documentParams("state");
    const etag = await create(params, { v: 1 });
    // Another writer's version: a new body under a new key, committed straight to D1.
    const key = `documents/default/${crypto.randomUUID()}`;
    await env.BLOBS.put(key, '{"v":"other"}');
    await env.DB.prepare("UPDATE documents SET r2_key = ?, etag = ? WHERE document_id = ?")
      .bind(key, "0".repeat(40), params.stateId)
      .run();
    const put = await xapi(url("state", params), { method: "PUT", json: { v: 2 }, headers: { "If-Match": etag } });
    expect(put.status).toBe(412);
    expect(await (await xapi(url("state", params))).json()).toEqual({ v: "other" });
  });

  it("deletes a document the writer did not know had been created", async () => {
    const params = documentParams("state");
    await create(params, { v: 1 });
    const row = await rowOf(params);
    expect((await xapi(url("state", params), { method: "DELETE" })).status).toBe(204);
    // The same document recreated outside the writer, which remembers it as absent.
    await env.DB.prepare(
      "INSERT INTO documents (store_id, kind, activity_id, agent_key, registration, document_id, etag, content_type, size, updated_ms, r2_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    )
      .bind(row!.store_id, row!.kind, row!.activity_id, row!.agent_key, row!.registration, row!.document_id, "1".repeat(40), "application/json", 7, Date.now(), `documents/default/${crypto.randomUUID()}`)
      .run();
    expect((await xapi(url("state", params), { method: "DELETE" })).status).toBe(204);
    expect(await rowOf(params)).toBeNull();
  });

  it("merges into the version in D1, not the remembered one", async () => {
    const params = documentParams("state");
    await create(params, { v: 1 });
    const key = `documents/default/${crypto.randomUUID()}`;
    await env.BLOBS.put(key, '{"fromOutside":true}');
    await env.DB.prepare("UPDATE documents SET r2_key = ?, etag = ? WHERE document_id = ?")
      .bind(key, "2".repeat(40), params.stateId)
      .run();
    expect((await xapi(url("state", params), { method: "POST", json: { merged: true } })).status).toBe(204);
    expect(await (await xapi(url("state", params))).json()).toEqual({ fromOutside: true, merged: true });
  });
});
