// A rejected statement request leaves no attachment object in R2 (issue 11 item 3): the statements are validated
// before any part is read, and what a request wrote before it failed is deleted before it answers, except
// content an `attachments` row names (a concurrent request may have recorded the same content).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../../helpers";
import { createCredential, createStore, type TestCredential } from "../../../admin/admin-helpers";
import { statement, type Json } from "../fixtures";
import { attachmentFor, BOUNDARY, concatBytes, decoder, encoder, multipartBody, parseMultipartResponse, partFor, sha256, type RawPart } from "./multipart";

const MiB = 1024 * 1024;

function postAs(credential: TestCredential, body: BodyInit, version: string, path = "/statements", method = "POST") {
  const headers = { "Content-Type": `multipart/mixed; boundary=${BOUNDARY}` };
  return xapi(path, { method, body, version, headers, auth: credential.auth });
}

async function objectsOf(storeId: string): Promise<string[]> {
  return (await env.BLOBS.list({ prefix: `att/${storeId}/` })).objects.map((object) => object.key);
}

async function errorOf(res: Response): Promise<{ status: number; message: string; path?: string }> {
  return ((await res.json()) as { error: { status: number; message: string; path?: string } }).error;
}

/** The whole body of `statement` with `parts`, then an attachment part of `size` bytes that is never held whole. */
function streamedWithLargePart(statementJson: unknown, parts: RawPart[], sha2: string, size: number): ReadableStream<Uint8Array> {
  const head = multipartBody(statementJson, parts);
  const open = head.subarray(0, head.length - `\r\n--${BOUNDARY}--\r\n`.length);
  const partHead = `\r\n--${BOUNDARY}\r\nContent-Type: application/octet-stream\r\nX-Experience-API-Hash: ${sha2}\r\n\r\n`;
  const chunk = new Uint8Array(MiB).fill(9);
  let sent = -1;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent < 0) {
        controller.enqueue(concatBytes(open, partHead));
        sent = 0;
      } else if (sent < size) {
        const n = Math.min(MiB, size - sent);
        controller.enqueue(chunk.subarray(0, n));
        sent += n;
      } else {
        controller.enqueue(encoder.encode(`\r\n--${BOUNDARY}--\r\n`));
        controller.close();
      }
    },
  });
}

const attachmentLimit = () => Number((env as unknown as Record<string, string>).LRS_MAX_ATTACHMENT_BYTES);

async function freshStore(name: string): Promise<TestCredential> {
  return createCredential(await createStore(name), ["all"]);
}

describe.each(VERSIONS)("rejected requests leave no attachment objects (%s)", (version) => {
  it("refuses an invalid statement before reading its parts: its own 400 even when a part is oversize or wrong", async () => {
    const credential = await freshStore(`invalid ${version}`);
    const text = `content ${crypto.randomUUID()}`;
    const invalid = statement({ actor: { mbox: "not-a-mailto" }, attachments: [await attachmentFor(text)] });
    // A wrong hash would be a 400 about the hash, if the part were read before the statement was validated.
    const wrong = await partFor(`${text}!`, { "X-Experience-API-Hash": await sha256(text) });
    const res = await postAs(credential, multipartBody(invalid, [wrong]), version);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).path).toBe("statement.actor.mbox");

    // A valid part first would reach R2, and one past LRS_MAX_ATTACHMENT_BYTES would be a 413.
    const bigSha2 = await sha256("stands for a large part");
    const bigAttachment = { ...(await attachmentFor(text)), sha2: bigSha2, length: attachmentLimit() + 1 };
    const invalidBig = statement({ verb: { id: "not an IRI" }, attachments: [await attachmentFor(text), bigAttachment] });
    const bigRes = await postAs(credential, streamedWithLargePart(invalidBig, [await partFor(text)], bigSha2, attachmentLimit() + 1), version);
    expect(bigRes.status).toBe(400);
    expect((await errorOf(bigRes)).path).toBe("statement.verb.id");

    // Two statements with one id are refused before the parts too.
    const id = crypto.randomUUID();
    const twice = [statement({ id, attachments: [await attachmentFor(text)] }), statement({ id })];
    const dup = await postAs(credential, multipartBody(twice, [wrong]), version);
    expect(dup.status).toBe(400);
    expect((await errorOf(dup)).path).toBe("statement[1].id");
    expect(await objectsOf(credential.storeId)).toEqual([]);
  });

  it("deletes the parts it wrote when a later part fails: wrong hash, missing part, oversize part", { timeout: 60_000 }, async () => {
    const credential = await freshStore(`later part ${version}`);
    const good = `good ${crypto.randomUUID()}`;
    const other = `other ${crypto.randomUUID()}`;
    const declared = [await attachmentFor(good), await attachmentFor(other)];
    const cases: [number, Json[]][] = [
      [400, [await partFor(good), await partFor(`${other}?`, { "X-Experience-API-Hash": await sha256(other) })]],
      [400, [await partFor(good)]],
    ];
    for (const [status, parts] of cases) {
      const id = crypto.randomUUID();
      const res = await postAs(credential, multipartBody(statement({ id, attachments: declared }), parts as never), version);
      expect(res.status, await res.text()).toBe(status);
      expect(await objectsOf(credential.storeId)).toEqual([]);
      expect((await xapi(`/statements?statementId=${id}`, { version, auth: credential.auth })).status).toBe(404);
    }

    const bigSha2 = await sha256("stands for a large part");
    const bigAttachment = { ...(await attachmentFor(other)), sha2: bigSha2, contentType: "application/octet-stream", length: attachmentLimit() + 1 };
    const withBig = statement({ attachments: [await attachmentFor(good), bigAttachment] });
    const res = await postAs(credential, streamedWithLargePart(withBig, [await partFor(good)], bigSha2, attachmentLimit() + 1), version);
    expect(res.status).toBe(413);
    expect(await objectsOf(credential.storeId)).toEqual([]);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM attachments WHERE store_id = ?").bind(credential.storeId).first<{ n: number }>();
    expect(rows!.n).toBe(0);
  });

  it("deletes what it wrote when the statement then conflicts (409), and keeps content a statement uses", async () => {
    const credential = await freshStore(`conflict ${version}`);
    const kept = `kept ${crypto.randomUUID()}`;
    const id = crypto.randomUUID();
    const first = await postAs(credential, multipartBody(statement({ id, attachments: [await attachmentFor(kept)] }), [await partFor(kept)]), version);
    expect(first.status, await first.text()).toBe(200);
    const before = await objectsOf(credential.storeId);
    expect(before).toHaveLength(1);

    // Same id, different statement: 409 after its new part reached R2. The stored content is sent again too.
    const fresh = `fresh ${crypto.randomUUID()}`;
    const different = statement({
      id,
      verb: { id: "http://example.com/verbs/other" },
      attachments: [await attachmentFor(kept), await attachmentFor(fresh)],
    });
    const res = await postAs(credential, multipartBody(different, [await partFor(kept), await partFor(fresh)]), version);
    expect(res.status).toBe(409);
    expect(await objectsOf(credential.storeId)).toEqual(before);

    const got = await xapi(`/statements?statementId=${id}&attachments=true`, { version, auth: credential.auth });
    const parts = parseMultipartResponse(got.headers.get("Content-Type")!, new Uint8Array(await got.arrayBuffer()));
    expect(parts.map((part) => decoder.decode(part.body)).slice(1)).toEqual([kept]);
  });

  it("keeps the one object a concurrent request recorded for the same content, and removes the other upload", async () => {
    const credential = await freshStore(`concurrent ${version}`);
    const content = `raced ${crypto.randomUUID()}`;
    const sha2 = await sha256(content);
    const slowId = crypto.randomUUID();
    // The slow request sends its part of `content`, then holds the stream open inside a second part until the
    // fast one has committed.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const second = `second ${crypto.randomUUID()}`;
    const slowStatement = statement({ id: slowId, attachments: [await attachmentFor(content), await attachmentFor(second)] });
    const whole = multipartBody(slowStatement, [await partFor(content), await partFor(second)]);
    const holdAt = whole.length - `${second.slice(4)}\r\n--${BOUNDARY}--\r\n`.length;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(whole.subarray(0, holdAt));
        await held;
        controller.enqueue(whole.subarray(holdAt));
        controller.close();
      },
    });
    const slow = postAs(credential, stream, version);
    for (let i = 0; i < 200 && (await objectsOf(credential.storeId)).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    const slowKey = (await objectsOf(credential.storeId))[0]!;
    expect(slowKey).toMatch(new RegExp(`^att/${credential.storeId}/${sha2}/`));

    const fastId = crypto.randomUUID();
    const fast = await postAs(credential, multipartBody(statement({ id: fastId, attachments: [await attachmentFor(content)] }), [await partFor(content)]), version);
    expect(fast.status, await fast.text()).toBe(200);
    expect(await objectsOf(credential.storeId)).toHaveLength(2);

    release();
    const slowRes = await slow;
    expect(slowRes.status, await slowRes.text()).toBe(200);
    const row = await env.DB.prepare("SELECT r2_key AS r2Key FROM attachments WHERE store_id = ? AND sha2 = ?")
      .bind(credential.storeId, sha2)
      .first<{ r2Key: string }>();
    expect(row!.r2Key).not.toBe(slowKey);
    expect((await objectsOf(credential.storeId)).filter((key) => key.includes(sha2))).toEqual([row!.r2Key]);
    expect(await objectsOf(credential.storeId)).toHaveLength(2);
    for (const id of [slowId, fastId]) {
      const got = await xapi(`/statements?statementId=${id}&attachments=true`, { version, auth: credential.auth });
      const parts = parseMultipartResponse(got.headers.get("Content-Type")!, new Uint8Array(await got.arrayBuffer()));
      expect(decoder.decode(parts[1]!.body)).toBe(content);
    }
  });

  it("deletes what it wrote when a signature does not verify", async () => {
    const credential = await freshStore(`signature ${version}`);
    const jws = "not.a.jws";
    const signature = await attachmentFor(jws, { usageType: "http://adlnet.gov/expapi/attachments/signature", contentType: "application/octet-stream" });
    const body = multipartBody(statement({ attachments: [signature] }), [await partFor(jws, { "Content-Type": "application/octet-stream" })]);
    const res = await postAs(credential, concatBytes(body), version);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain("signature");
    expect(await objectsOf(credential.storeId)).toEqual([]);
  });
});
