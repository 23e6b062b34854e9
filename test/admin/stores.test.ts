import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { deleteStore } from "../../src/admin/store-deletion";
import { StepBudget } from "../../src/jobs/step-budget";
import { admin, adminJson, createCredential, createStore, runJob, xapiAs } from "./admin-helpers";
import { attachmentFor, BOUNDARY, multipartBody, partFor } from "../xapi/statements/attachments/multipart";

type Store = { id: string; name: string; createdAt: number };

const statement = (n: number) => ({
  id: crypto.randomUUID(),
  actor: { mbox: `mailto:learner${n}@example.com`, name: `Learner ${n}` },
  verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
  object: { id: `http://example.com/activities/${n}` },
});

/** Rows and R2 bodies as the documents and attachments code writes them (their routes are tested elsewhere). */
async function seedBlobs(storeId: string, count: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const documentKey = `documents/${storeId}/${crypto.randomUUID()}`;
    const attachmentKey = `attachments/${storeId}/${i}`;
    await env.BLOBS.put(documentKey, `{"n":${i}}`);
    await env.BLOBS.put(attachmentKey, `attachment ${i}`);
    await env.DB.batch([
      env.DB.prepare(
        `INSERT INTO documents (store_id, kind, activity_id, agent_key, registration, document_id, etag, content_type, size, updated_ms, r2_key)
         VALUES (?, 'state', 'http://example.com/a', 'mbox:mailto:learner@example.com', '', ?, 'e', 'application/json', 7, 0, ?)`,
      ).bind(storeId, `doc-${i}`, documentKey),
      env.DB.prepare(
        "INSERT INTO attachments (store_id, sha2, content_type, length, r2_key, created_ms) VALUES (?, ?, 'text/plain', 12, ?, 0)",
      ).bind(storeId, `sha-${i}`, attachmentKey),
    ]);
    keys.push(documentKey, attachmentKey);
  }
  return keys;
}

const STORE_TABLES = ["statements", "index_values", "index_entries", "statement_refs", "statement_attachments", "activities", "agents", "documents", "attachments", "credentials"];
const NO_ROWS = Object.fromEntries(STORE_TABLES.map((table) => [table, 0]));

async function rowsOf(storeId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of STORE_TABLES) {
    // index_entries carries no store id: its rows belong to the store through their dictionary value; rows left
    // pointing at no value (a deletion that dropped values first) count too.
    const sql =
      table === "index_entries"
        ? `SELECT COUNT(*) AS n FROM index_entries e WHERE e.value_id IN (SELECT id FROM index_values WHERE store_id = ?)
             OR NOT EXISTS (SELECT 1 FROM index_values v WHERE v.id = e.value_id)`
        : `SELECT COUNT(*) AS n FROM ${table} WHERE store_id = ?`;
    const row = await env.DB.prepare(sql).bind(storeId).first<{ n: number }>();
    counts[table] = row!.n;
  }
  return counts;
}

describe("store lifecycle", () => {
  it("creates stores with a generated or chosen id, lists and renames them", async () => {
    const generated = await adminJson<Store>("/stores", { method: "POST", json: { name: "Course A" } });
    expect(generated.id).toMatch(/^[0-9a-f-]{36}$/);
    const chosen = await admin("/stores", { method: "POST", json: { id: "vendor-b", name: "Vendor B" } });
    expect(chosen.status).toBe(201);
    expect(await chosen.json()).toMatchObject({ id: "vendor-b", name: "Vendor B" });

    const { stores } = await adminJson<{ stores: Store[] }>("/stores");
    expect(stores.map((s) => s.id)).toEqual(expect.arrayContaining(["default", generated.id, "vendor-b"]));

    const renamed = await adminJson<Store>("/stores/vendor-b", { method: "PATCH", json: { name: "Vendor B (prod)" } });
    expect(renamed.name).toBe("Vendor B (prod)");
    expect((await adminJson<Store>("/stores/vendor-b")).name).toBe("Vendor B (prod)");
  });

  it.each([
    [{ id: "Upper", name: "x" }],
    [{ id: "has space", name: "x" }],
    [{ id: "-leading", name: "x" }],
    [{ name: "" }],
    [{}],
    [{ name: "x", extra: 1 }],
  ])("refuses %j with 400", async (body) => {
    expect((await admin("/stores", { method: "POST", json: body })).status).toBe(400);
  });

  it("refuses a body that is not JSON with 400", async () => {
    expect((await admin("/stores", { method: "POST", body: "{name", headers: { "Content-Type": "application/json" } })).status).toBe(400);
  });

  it("refuses a taken id with 409 and unknown stores with 404", async () => {
    await createStore("Taken", "taken");
    expect((await admin("/stores", { method: "POST", json: { id: "taken", name: "again" } })).status).toBe(409);
    expect((await admin("/stores/nope")).status).toBe(404);
    expect((await admin("/stores/nope", { method: "PATCH", json: { name: "x" } })).status).toBe(404);
    expect((await admin("/stores/nope", { method: "DELETE" })).status).toBe(404);
    expect((await admin("/stores/nope/stats")).status).toBe(404);
  });

  it("counts statements, documents and attachment bytes per store", async () => {
    const credential = await createCredential(await createStore("Figures"));
    const empty = await adminJson(`/stores/${credential.storeId}/stats`);
    expect(empty).toMatchObject({ statements: 0, documents: 0, attachmentBytes: 0, credentials: 1 });
    const batch = [statement(1), statement(2), statement(3)];
    expect((await xapiAs(credential, "/statements", { method: "POST", json: batch })).status).toBe(200);
    await seedBlobs(credential.storeId, 2);
    const figures = await adminJson(`/stores/${credential.storeId}/stats`);
    expect(figures).toMatchObject({ statements: 3, documents: 2, attachments: 2, attachmentBytes: 24, agents: 3, activities: 3 });
    // Another store's figures are its own.
    expect(await adminJson("/stores/default/stats")).toMatchObject({ statements: 0, documents: 0 });
  });

  it("refuses to delete the default store", async () => {
    expect((await admin("/stores/default", { method: "DELETE" })).status).toBe(409);
  });

  it("deletes a store with all its data, R2 bodies included, and its credentials; other stores keep theirs", async () => {
    const doomed = await createCredential(await createStore("Doomed"));
    const kept = await createCredential(await createStore("Kept"));
    for (const credential of [doomed, kept]) {
      const batch = [statement(1), statement(2)];
      expect((await xapiAs(credential, "/statements", { method: "POST", json: batch })).status).toBe(200);
    }
    const doomedKeys = await seedBlobs(doomed.storeId, 3);
    const keptKeys = await seedBlobs(kept.storeId, 1);
    const keptBefore = await rowsOf(kept.storeId);

    const result = await runJob(`/stores/${doomed.storeId}`, { method: "DELETE" });
    expect(result).toMatchObject({ kind: "store-deletion", state: "succeeded", counts: { credentials: 1, statements: 2 } });

    expect(await rowsOf(doomed.storeId)).toEqual(NO_ROWS);
    for (const key of doomedKeys) expect(await env.BLOBS.head(key)).toBeNull();
    expect((await xapiAs(doomed, "/statements")).status).toBe(401);
    expect((await admin(`/stores/${doomed.storeId}`)).status).toBe(404);
    const { stores } = await adminJson<{ stores: Store[] }>("/stores");
    expect(stores.map((s) => s.id)).not.toContain(doomed.storeId);

    expect(await rowsOf(kept.storeId)).toEqual(keptBefore);
    for (const key of keptKeys) expect((await env.BLOBS.head(key))?.key).toBe(key);
    expect((await xapiAs(kept, "/statements")).status).toBe(200);
  });

  it("deletes every object under the store's R2 prefixes, also those no row names, and nothing of another store", { timeout: 60_000 }, async () => {
    const doomed = await createCredential(await createStore("Prefixes", "prefix"));
    const neighbour = await createCredential(await createStore("Prefixes too", "prefix-2"));
    // A document and an attachment written through the API, so the prefixes are the ones the writers use.
    for (const credential of [doomed, neighbour]) {
      const state = `/activities/state?activityId=${encodeURIComponent("http://example.com/a")}&agent=${encodeURIComponent('{"mbox":"mailto:a@example.com"}')}&stateId=s`;
      expect((await xapiAs(credential, state, { method: "PUT", json: { n: 1 } })).status).toBe(204);
      const text = `attached ${crypto.randomUUID()}`;
      const withAttachment = { ...statement(2), attachments: [await attachmentFor(text)] };
      const res = await xapiAs(credential, "/statements", {
        method: "POST",
        body: multipartBody(withAttachment, [await partFor(text)]),
        headers: { "Content-Type": `multipart/mixed; boundary=${BOUNDARY}` },
      });
      expect(res.status, await res.text()).toBe(200);
    }
    const prefixesOf = (storeId: string) => [`documents/${storeId}/`, `att/${storeId}/`];
    // Objects no row names: an upload or a document write cut off before it could clean up. More than one
    // listing's worth under one prefix, so deletion has to page.
    const orphans = Array.from({ length: 1005 }, (_, i) => `att/${doomed.storeId}/${"0".repeat(63)}${i % 10}/${i}`);
    orphans.push(`documents/${doomed.storeId}/${crypto.randomUUID()}`);
    for (let i = 0; i < orphans.length; i += 50) await Promise.all(orphans.slice(i, i + 50).map((key) => env.BLOBS.put(key, "orphan")));
    const objectsUnder = async (prefix: string) => {
      const keys: string[] = [];
      let cursor: string | undefined;
      do {
        const listing = await env.BLOBS.list({ prefix, cursor });
        keys.push(...listing.objects.map((object) => object.key));
        cursor = listing.truncated ? listing.cursor : undefined;
      } while (cursor);
      return keys;
    };
    for (const prefix of prefixesOf(doomed.storeId)) expect((await objectsUnder(prefix)).length).toBeGreaterThan(1);
    const neighbourBefore = await Promise.all(prefixesOf(neighbour.storeId).map(objectsUnder));
    expect(neighbourBefore.map((keys) => keys.length)).toEqual([1, 1]);

    const result = await runJob(`/stores/${doomed.storeId}`, { method: "DELETE" });
    expect(result).toMatchObject({ state: "succeeded" });
    for (const prefix of prefixesOf(doomed.storeId)) expect(await objectsUnder(prefix)).toEqual([]);
    expect(await Promise.all(prefixesOf(neighbour.storeId).map(objectsUnder))).toEqual(neighbourBefore);
  });

  it("deletes in bounded passes that each leave consistent data and resume where the last stopped", async () => {
    const credential = await createCredential(await createStore("Passes"));
    const batch = Array.from({ length: 30 }, (_, i) => statement(i));
    expect((await xapiAs(credential, "/statements", { method: "POST", json: batch })).status).toBe(200);
    await seedBlobs(credential.storeId, 4);
    const orphans = Array.from({ length: 5 }, (_, i) => `att/${credential.storeId}/${i}/${crypto.randomUUID()}`);
    for (const key of orphans) await env.BLOBS.put(key, "orphan");
    let passes = 0;
    for (;;) {
      passes++;
      // 24 calls: the last pass reads every table and prefix once (19 with an empty store) and ends with 3 calls.
      const pass = await deleteStore(env.DB, env.DB, env.BLOBS, credential.storeId, new StepBudget(24), { rows: 10, blobs: 2 });
      if (pass.done) break;
      expect((await admin(`/stores/${credential.storeId}`)).status).toBe(200);
      expect(passes).toBeLessThan(50);
    }
    expect(passes).toBeGreaterThan(1);
    expect(await rowsOf(credential.storeId)).toEqual(NO_ROWS);
    expect((await env.BLOBS.list({ prefix: `att/${credential.storeId}/` })).objects).toEqual([]);
    expect((await admin(`/stores/${credential.storeId}`)).status).toBe(404);
  });
});
