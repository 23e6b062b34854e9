// The R2 side on its own: a part is visible only once its digest is verified, an oversize part is a 413, and
// the orphan sweep removes contents nothing can reach while keeping everything a statement links to.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { XapiError } from "../../../../src/errors";
import { attachmentPrefix, newAttachmentKey, writeAttachmentPart } from "../../../../src/xapi/statements/attachments/attachment-blobs";
import { StepBudget } from "../../../../src/jobs/step-budget";
import { sweepOrphanAttachments, type SweepOptions } from "../../../../src/xapi/statements/attachments/orphan-sweep";

/** The sweep of one store to its end, step after step as its job runs it; the totals. */
async function sweep(storeId: string, options: SweepOptions = {}) {
  const total = { deletedObjects: 0, deletedRows: 0 };
  let step = await sweepOrphanAttachments(env.DB, env.BLOBS, storeId, { phase: "rows" }, new StepBudget(5), options);
  for (;;) {
    total.deletedObjects += step.deletedObjects;
    total.deletedRows += step.deletedRows;
    if (step.finished) return total;
    step = await sweepOrphanAttachments(env.DB, env.BLOBS, storeId, step.cursor, new StepBudget(5), options);
  }
}
import { statement } from "../fixtures";
import { attachmentFor, multipartBody, partFor, postMultipart, sha256 } from "./multipart";

const MiB = 1024 * 1024;

async function* chunksOf(total: number, fill: number): AsyncGenerator<Uint8Array> {
  for (let sent = 0; sent < total; sent += MiB) yield new Uint8Array(Math.min(MiB, total - sent)).fill(fill);
}

async function sha256Of(total: number, fill: number): Promise<string> {
  const digest = new crypto.DigestStream("SHA-256");
  const writer = digest.getWriter();
  for await (const chunk of chunksOf(total, fill)) await writer.write(chunk);
  await writer.close();
  return [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function options(sha2: string, extra: Partial<Parameters<typeof writeAttachmentPart>[2]> = {}) {
  return { sha2, key: keyOf(sha2), contentType: "application/octet-stream", maxBytes: 64 * MiB, keepBytes: 0, ...extra };
}

const keys = new Map<string, string>();
const keyOf = (sha2: string) => keys.get(sha2) ?? keys.set(sha2, newAttachmentKey("store-test", sha2)).get(sha2)!;

async function objectsUnder(prefix: string): Promise<string[]> {
  return (await env.BLOBS.list({ prefix })).objects.map((object) => object.key);
}

async function statusOf(promise: Promise<unknown>): Promise<number> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof XapiError)) throw new Error(`expected an XapiError, got ${String(error)}`);
  return error.status;
}

describe("attachment contents in R2", () => {
  it("writes nothing when the digest differs, small or past the multipart-upload threshold", async () => {
    for (const size of [1000, 11 * MiB]) {
      const claimed = await sha256Of(size, 1);
      expect(await statusOf(writeAttachmentPart(env.BLOBS, chunksOf(size, 2), options(claimed)))).toBe(400);
      expect(await objectsUnder(attachmentPrefix("store-test", claimed))).toEqual([]);
    }
  });

  it("writes a verified part under a key of its own below its content address", async () => {
    const sha2 = await sha256Of(6 * MiB, 3);
    const written = await writeAttachmentPart(env.BLOBS, chunksOf(6 * MiB, 3), options(sha2));
    expect(written).toEqual({ length: 6 * MiB, kept: undefined });
    expect(keyOf(sha2)).toMatch(new RegExp(`^att/store-test/${sha2}/[0-9a-f-]{36}$`));
    expect((await env.BLOBS.head(keyOf(sha2)))!.size).toBe(6 * MiB);
    expect(newAttachmentKey("store-test", sha2)).not.toBe(keyOf(sha2));
  });

  it("only verifies a part the store already holds: no key, nothing written", async () => {
    const sha2 = await sha256Of(1000, 5);
    expect(await writeAttachmentPart(env.BLOBS, chunksOf(1000, 5), options(sha2, { key: undefined }))).toEqual({ length: 1000, kept: undefined });
    expect(await objectsUnder(attachmentPrefix("store-test", sha2))).toEqual([]);
    expect(await statusOf(writeAttachmentPart(env.BLOBS, chunksOf(1000, 6), options(sha2, { key: undefined })))).toBe(400);
  });

  it("answers 413 to a part over the attachment limit, and writes nothing", async () => {
    const sha2 = await sha256Of(7 * MiB, 4);
    expect(await statusOf(writeAttachmentPart(env.BLOBS, chunksOf(7 * MiB, 4), options(sha2, { maxBytes: 6 * MiB })))).toBe(413);
    expect(await objectsUnder(attachmentPrefix("store-test", sha2))).toEqual([]);
  });

  it("rejects a hash header that is not a SHA-2 hex digest", async () => {
    expect(await statusOf(writeAttachmentPart(env.BLOBS, chunksOf(10, 0), options("abc")))).toBe(400);
    expect(await statusOf(writeAttachmentPart(env.BLOBS, chunksOf(10, 0), options("z".repeat(64))))).toBe(400);
  });
});

describe("the orphan sweep", () => {
  it("deletes unreferenced objects and rows past the grace period and keeps linked contents", async () => {
    const linked = `linked ${crypto.randomUUID()}`;
    expect((await postMultipart(multipartBody(statement({ attachments: [await attachmentFor(linked)] }), [await partFor(linked)]), "2.0.0")).status).toBe(200);
    const row = await env.DB.prepare("SELECT store_id AS storeId, r2_key AS r2Key FROM attachments WHERE sha2 = ?").bind(await sha256(linked)).first<{ storeId: string; r2Key: string }>();
    const storeId = row!.storeId;

    // An upload whose request died before it could clean up (a rejected one deletes its own): an object, no row.
    const abandonedKey = newAttachmentKey(storeId, await sha256(`abandoned ${crypto.randomUUID()}`));
    await env.BLOBS.put(abandonedKey, "abandoned");

    // A row whose statements are gone (e.g. erased): unlinked.
    const unlinkedSha2 = await sha256(`unlinked ${crypto.randomUUID()}`);
    const unlinkedKey = newAttachmentKey(storeId, unlinkedSha2);
    await env.BLOBS.put(unlinkedKey, "unlinked");
    await env.DB.prepare("INSERT INTO attachments (store_id, sha2, content_type, length, r2_key, created_ms) VALUES (?, ?, 'text/plain', 8, ?, 0)")
      .bind(storeId, unlinkedSha2, unlinkedKey)
      .run();

    // The unlinked row is old and goes; the abandoned upload is recent and stays: it may be about to commit.
    expect(await sweep(storeId)).toEqual({ deletedObjects: 1, deletedRows: 1 });
    expect((await env.BLOBS.head(abandonedKey))?.key).toBe(abandonedKey);

    const later = { nowMs: Date.now() + 2 * 24 * 60 * 60 * 1000 };
    expect(await sweep(storeId, later)).toEqual({ deletedObjects: 1, deletedRows: 0 });
    expect(await env.BLOBS.head(abandonedKey)).toBeNull();
    expect(await env.BLOBS.head(unlinkedKey)).toBeNull();
    expect(await env.DB.prepare("SELECT 1 FROM attachments WHERE sha2 = ?").bind(unlinkedSha2).first()).toBeNull();
    expect((await env.BLOBS.head(row!.r2Key))?.key).toBe(row!.r2Key);
    expect(await sweep(storeId, later)).toEqual({ deletedObjects: 0, deletedRows: 0 });
  });
});
