// A write interrupted at any step leaves the old or the new document whole; the DocumentWriter settles the
// intents such a crash leaves behind — before the first command of the restarted object, or from its alarm —
// deleting only the body D1 does not reference.
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { DocumentWriter } from "../../../src/durable/document-writer";
import { agentKey } from "../../../src/xapi/agents/identifier";
import { writerName } from "../../../src/xapi/documents/document-address";
import { xapi } from "../../helpers";
import { documentParams, url } from "./document-helpers";

type Params = { activityId: string; agent: Record<string, unknown>; stateId: string };

function addressOf(params: Params) {
  return {
    storeId: "default",
    kind: "state" as const,
    activityId: params.activityId,
    agentKey: agentKey(params.agent)!,
    registration: "",
    documentId: params.stateId,
  };
}

async function liveKey(params: Params): Promise<string> {
  const row = await env.DB.prepare("SELECT r2_key FROM documents WHERE store_id = 'default' AND document_id = ?")
    .bind(params.stateId)
    .first<{ r2_key: string }>();
  return row!.r2_key;
}

function writerOf(params: Params): DurableObjectStub<DocumentWriter> {
  const namespace = env.DOCUMENT_WRITER as unknown as DurableObjectNamespace<DocumentWriter>;
  return namespace.get(namespace.idFromName(writerName(addressOf(params))));
}

async function recordIntent(params: Params, address: object, newKey: string | null, oldKey: string | null): Promise<void> {
  await runInDurableObject(writerOf(params), async (_instance, state) => {
    state.storage.sql.exec(
      "INSERT INTO intents (address, new_key, old_key) VALUES (?, ?, ?)",
      JSON.stringify(address),
      newKey,
      oldKey,
    );
  });
}

/** Ends the object's instance, as a crash would; the next call starts a fresh one. */
async function restartWriter(params: Params): Promise<void> {
  await runInDurableObject(writerOf(params), async (_instance, state) => {
    try {
      state.abort("simulated crash");
    } catch {
      // abort() throws in the aborted context by design.
    }
  }).catch(() => undefined);
}

describe("DocumentWriter crash recovery", () => {
  it("deletes the new body of a write that crashed before its commit, keeping the old document", async () => {
    const params = documentParams("state") as Params;
    await xapi(url("state", params), { method: "PUT", json: { version: "old" }, headers: { "If-None-Match": "*" } });
    const live = await liveKey(params);
    const uncommitted = `documents/default/${crypto.randomUUID()}`;
    await env.BLOBS.put(uncommitted, '{"version":"new"}');
    await recordIntent(params, addressOf(params), uncommitted, live);

    // The restarted object settles the intent before its first command.
    await restartWriter(params);
    await xapi(url("state", { ...params, stateId: "other" }), { method: "POST", json: { a: 1 } });
    expect(await env.BLOBS.head(uncommitted)).toBeNull();
    expect((await env.BLOBS.head(live))?.key).toBe(live);
    expect(await (await xapi(url("state", params))).json()).toEqual({ version: "old" });
  });

  it("deletes the old body of a write that crashed after its commit, keeping the new document", async () => {
    const params = documentParams("state") as Params;
    await xapi(url("state", params), { method: "PUT", json: { version: "new" }, headers: { "If-None-Match": "*" } });
    const live = await liveKey(params);
    const superseded = `documents/default/${crypto.randomUUID()}`;
    await env.BLOBS.put(superseded, '{"version":"old"}');
    await recordIntent(params, addressOf(params), live, superseded);

    await restartWriter(params);
    await xapi(url("state", { ...params, stateId: "other" }), { method: "POST", json: { a: 1 } });
    expect(await env.BLOBS.head(superseded)).toBeNull();
    expect(await (await xapi(url("state", params))).json()).toEqual({ version: "new" });
  });

  it("deletes the body of a document whose delete crashed after its commit", async () => {
    const params = documentParams("state") as Params;
    const deleted = `documents/default/${crypto.randomUUID()}`;
    await env.BLOBS.put(deleted, "gone");
    await recordIntent(params, addressOf(params), null, deleted);

    await restartWriter(params);
    await xapi(url("state", { ...params, stateId: "other" }), { method: "POST", json: { a: 1 } });
    expect(await env.BLOBS.head(deleted)).toBeNull();
    await runInDurableObject(writerOf(params), async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM intents").one().n).toBe(0);
    });
  });

  it("leaves no intent and no stray body after ordinary writes", async () => {
    const params = documentParams("state") as Params;
    await xapi(url("state", params), { method: "PUT", json: { v: 1 } });
    const first = await liveKey(params);
    await xapi(url("state", params), { method: "POST", json: { v: 2 } });
    expect(await env.BLOBS.head(first)).toBeNull();
    await runInDurableObject(writerOf(params), async (_instance, state) => {
      expect(state.storage.sql.exec("SELECT count(*) AS n FROM intents").one().n).toBe(0);
    });
  });

  it("settles an interrupted write from its alarm when no further command comes", async () => {
    const params = documentParams("state") as Params;
    await xapi(url("state", params), { method: "PUT", json: { version: "old" }, headers: { "If-None-Match": "*" } });
    const uncommitted = `documents/default/${crypto.randomUUID()}`;
    await env.BLOBS.put(uncommitted, '{"version":"new"}');
    await recordIntent(params, addressOf(params), uncommitted, await liveKey(params));

    expect(await runDurableObjectAlarm(writerOf(params))).toBe(true);
    expect(await env.BLOBS.head(uncommitted)).toBeNull();
    expect(await (await xapi(url("state", params))).json()).toEqual({ version: "old" });
  });
});
