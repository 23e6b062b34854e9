// PUT/POST /statements with multipart/mixed (1.0.3 Communication 1.5.2; 9274.1.1 4.1.3), over HTTP, in the
// shapes the ADL conformance suite sends them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../../helpers";
import { getById, statement, type Json } from "../fixtures";
import { attachmentFor, BOUNDARY, concatBytes, encoder, multipartBody, partFor, postMultipart, sha256 } from "./multipart";

async function attachmentRow(sha2: string) {
  return env.DB.prepare("SELECT store_id AS storeId, r2_key AS r2Key, length, content_type AS contentType FROM attachments WHERE sha2 = ?")
    .bind(sha2)
    .first<{ storeId: string; r2Key: string; length: number; contentType: string }>();
}

async function expectNotStored(id: string, version: string): Promise<void> {
  expect((await getById(id, version)).status).toBe(404);
}

describe.each(VERSIONS)("multipart/mixed statement requests (%s)", (version) => {
  it("stores a statement with two attachment parts, in either order, and the contents in R2", async () => {
    const one = "here is a simple attachment\r\n";
    const two = encoder.encode("another one, with a CRLF inside\r\n--not a boundary\r\n");
    const s = statement({ id: crypto.randomUUID(), attachments: [await attachmentFor(one), await attachmentFor(two)] });
    const res = await postMultipart(multipartBody(s, [await partFor(two), await partFor(one)]), version);
    expect(res.status, await res.text()).toBe(200);
    for (const content of [one, two]) {
      const row = await attachmentRow(await sha256(content));
      const object = await env.BLOBS.get(row!.r2Key);
      expect(new Uint8Array(await object!.arrayBuffer())).toEqual(typeof content === "string" ? encoder.encode(content) : content);
      expect(row!.r2Key).toMatch(new RegExp(`^att/${row!.storeId}/${await sha256(content)}/[0-9a-f-]{36}$`));
    }
  });

  it("accepts PUT with a part, and a batch where one part serves two statements", async () => {
    const text = `shared ${crypto.randomUUID()}`;
    const id = crypto.randomUUID();
    const put = await postMultipart(
      multipartBody(statement({ id, attachments: [await attachmentFor(text)] }), [await partFor(text)]),
      version,
      undefined,
      `/statements?statementId=${id}`,
      "PUT",
    );
    expect(put.status, await put.text()).toBe(204);
    const batch = [statement({ attachments: [await attachmentFor(text)] }), statement({ attachments: [await attachmentFor(text)] })];
    const res = await postMultipart(multipartBody(batch, [await partFor(text)]), version);
    expect(res.status, await res.text()).toBe(200);
    const links = await env.DB.prepare("SELECT count(*) AS n FROM statement_attachments WHERE sha2 = ?").bind(await sha256(text)).first<{ n: number }>();
    expect(links!.n).toBe(3);
  });

  it("accepts multipart requests without attachment parts: no attachments, or fileUrl attachments only", async () => {
    expect((await postMultipart(multipartBody(statement(), []), version)).status).toBe(200);
    const withUrl = statement({ attachments: [await attachmentFor("remote", { fileUrl: "http://over.there.com/file.txt" })] });
    expect((await postMultipart(multipartBody(withUrl, []), version)).status).toBe(200);
  });

  it("accepts application/json only when every attachment has a fileUrl", async () => {
    const withUrl = statement({ attachments: [await attachmentFor("remote", { fileUrl: "http://over.there.com/file.txt" })] });
    expect((await xapi("/statements", { method: "POST", json: withUrl, version })).status).toBe(200);
    const id = crypto.randomUUID();
    const res = await xapi("/statements", { method: "POST", json: statement({ id, attachments: [await attachmentFor("raw")] }), version });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("attachments[0]");
    await expectNotStored(id, version);
  });

  it("rejects multipart/form-data and other content types", async () => {
    const body = multipartBody(statement(), []);
    expect((await postMultipart(body, version, `multipart/form-data; boundary=${BOUNDARY}`)).status).toBe(400);
    expect((await postMultipart(body, version, "text/plain")).status).toBe(400);
    expect((await postMultipart(body, version, "multipart/mixed;")).status).toBe(400);
  });

  it.each([
    ["a part without X-Experience-API-Hash", (p: Json) => ({ ...p, headers: { "Content-Type": "text/plain", "Content-Transfer-Encoding": "binary" } })],
    ["a hash that is not the content's digest", (p: Json) => ({ ...p, headers: { ...(p.headers as Json), "X-Experience-API-Hash": "b018994f8bbe0f08992a65c48c8c8c56f09e9baceaa6227ed85c90ae52b73c89" } })],
    ["Content-Transfer-Encoding base64", (p: Json) => ({ ...p, headers: { ...(p.headers as Json), "Content-Transfer-Encoding": "base64" } })],
    ["a Content-Type unlike the attachment's contentType", (p: Json) => ({ ...p, headers: { ...(p.headers as Json), "Content-Type": "image/png" } })],
    ["a Content-Length that is not the part's size", (p: Json) => ({ ...p, headers: { ...(p.headers as Json), "Content-Length": "3" } })],
  ])("rejects %s and stores nothing", async (_name, change) => {
    const text = `content ${crypto.randomUUID()}`;
    const id = crypto.randomUUID();
    const part = change((await partFor(text)) as unknown as Json) as never;
    const res = await postMultipart(multipartBody(statement({ id, attachments: [await attachmentFor(text)] }), [part]), version);
    expect(res.status, await res.text()).toBe(400);
    await expectNotStored(id, version);
    expect(await attachmentRow(await sha256(text))).toBeNull();
  });

  it("assumes binary when a part has no Content-Transfer-Encoding, and matches hashes case-insensitively", async () => {
    const text = `no encoding ${crypto.randomUUID()}`;
    const hash = (await sha256(text)).toUpperCase();
    const part = { headers: { "Content-Type": "text/plain", "X-Experience-API-Hash": hash }, content: text };
    const res = await postMultipart(multipartBody(statement({ attachments: [await attachmentFor(text)] }), [part]), version);
    expect(res.status, await res.text()).toBe(200);
  });

  it("rejects a missing part, an extra part, and a part no attachment declares", async () => {
    const [a, b, c] = ["first", "second", "third"].map((t) => `${t} ${crypto.randomUUID()}`) as [string, string, string];
    const declared = [await attachmentFor(a), await attachmentFor(b)];
    for (const parts of [[await partFor(a)], [await partFor(a), await partFor(b), await partFor(c)], [await partFor(c)]]) {
      const id = crypto.randomUUID();
      const res = await postMultipart(multipartBody(statement({ id, attachments: declared }), parts), version);
      expect(res.status, await res.text()).toBe(400);
      await expectNotStored(id, version);
    }
  });

  it("rejects a first part that is not application/json, and statements split over two parts", async () => {
    const text = `x ${crypto.randomUUID()}`;
    const s = statement({ attachments: [await attachmentFor(text)] });
    const body = concatBytes(
      `--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\n${JSON.stringify(s)}\r\n`,
      `--${BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${await sha256(text)}\r\n\r\n${text}\r\n--${BOUNDARY}--\r\n`,
    );
    expect((await postMultipart(body, version)).status).toBe(400);
    const split = concatBytes(
      `--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(s)}\r\n`,
      `--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(s)}\r\n`,
      `--${BOUNDARY}\r\nContent-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: ${await sha256(text)}\r\n\r\n${text}\r\n--${BOUNDARY}--\r\n`,
    );
    expect((await postMultipart(split, version)).status).toBe(400);
  });

  it("rejects a body whose boundary is missing before a part, or that never closes", async () => {
    const text = `y ${crypto.randomUUID()}`;
    const s = statement({ attachments: [await attachmentFor(text)] });
    const noBoundary = `--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(s)}\r\nContent-Type: text/plain\r\nX-Experience-API-Hash: ${await sha256(text)}\r\n\r\n${text}\r\n--${BOUNDARY}--\r\n`;
    expect((await postMultipart(noBoundary, version)).status).toBe(400);
    const body = multipartBody(s, [await partFor(text)]);
    const unclosed = body.subarray(0, body.length - `--${BOUNDARY}--\r\n`.length);
    expect((await postMultipart(unclosed, version)).status).toBe(400);
  });

  it("verifies SHA-384 and SHA-512 digests too (sha2 is any SHA-2)", async () => {
    const text = `longer digests ${crypto.randomUUID()}`;
    for (const algorithm of ["SHA-384", "SHA-512"]) {
      const hash = [...new Uint8Array(await crypto.subtle.digest(algorithm, encoder.encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
      const s = statement({ attachments: [await attachmentFor(text, { sha2: hash })] });
      const ok = await postMultipart(multipartBody(s, [await partFor(text, { "X-Experience-API-Hash": hash })]), version);
      expect(ok.status, await ok.text()).toBe(200);
      const wrong = await postMultipart(multipartBody(s, [await partFor(`${text}!`, { "X-Experience-API-Hash": hash })]), version);
      expect(wrong.status).toBe(400);
    }
  });

  it("stores the same content once however often it is sent", async () => {
    const text = `dedup ${crypto.randomUUID()}`;
    for (let i = 0; i < 3; i++) {
      const res = await postMultipart(multipartBody(statement({ attachments: [await attachmentFor(text)] }), [await partFor(text)]), version);
      expect(res.status).toBe(200);
    }
    const sha2 = await sha256(text);
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM attachments WHERE sha2 = ?").bind(sha2).first<{ n: number }>();
    expect(rows!.n).toBe(1);
    const row = await attachmentRow(sha2);
    const listed = await env.BLOBS.list({ prefix: row!.r2Key });
    expect(listed.objects.map((o) => o.key)).toEqual([row!.r2Key]);
  });

  it("answers 413 to a statement part over LRS_MAX_BODY_BYTES, streaming (the limit of an application/json body)", async () => {
    const limit = Number((env as unknown as Record<string, string>).LRS_MAX_BODY_BYTES);
    let sent = 0;
    const padding = encoder.encode(" ".repeat(1 << 20));
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(encoder.encode(`--${BOUNDARY}\r\nContent-Type: application/json\r\n\r\n`));
        else if (sent > limit) return controller.close();
        controller.enqueue(padding);
        sent += padding.length;
      },
    });
    const res = await postMultipart(stream, version);
    expect(res.status).toBe(413);
  });

  it("reads a quoted boundary holding characters a token cannot, with a preamble and an epilogue", async () => {
    const boundary = "=_a'(b)+c,d/e:f?g h";
    const text = `quoted ${crypto.randomUUID()}`;
    const body = concatBytes(
      "This preamble is ignored.\r\n",
      multipartBody(statement({ attachments: [await attachmentFor(text)] }), [await partFor(text)], boundary),
      "and so is this epilogue\r\n",
    );
    const res = await postMultipart(body, version, `multipart/mixed; boundary="${boundary}"`);
    expect(res.status, await res.text()).toBe(200);
  });
});
