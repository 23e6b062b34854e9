// GET /statements?attachments=true (1.0.3 Communication 2.1.3.s2.b6, 1.5.2.s3.b1; 9274.1.1 4.1.6.1): a
// multipart/mixed response read back by the independent parser in ./multipart.ts.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../../helpers";
import { statement, type Json } from "../fixtures";
import { attachmentFor, decoder, encoder, multipartBody, parseMultipartResponse, partFor, postMultipart, sha256 } from "./multipart";

async function storeWithAttachments(version: string, contents: string[], extra: Json = {}): Promise<string> {
  const id = crypto.randomUUID();
  const attachments = await Promise.all(contents.map((c) => attachmentFor(c)));
  const parts = await Promise.all(contents.map((c) => partFor(c)));
  const res = await postMultipart(multipartBody(statement({ id, attachments, ...extra }), parts), version);
  expect(res.status, await res.text()).toBe(200);
  return id;
}

async function readMultipart(res: Response) {
  const contentType = res.headers.get("Content-Type")!;
  expect(contentType).toMatch(/^multipart\/mixed; boundary=[0-9A-Za-z]+$/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { text: decoder.decode(bytes), parts: parseMultipartResponse(contentType, bytes) };
}

describe.each(VERSIONS)("attachments=true responses (%s)", (version) => {
  it("answers a single statement with the statement first and each attachment once, with its headers", async () => {
    const one = `first content ${crypto.randomUUID()}\r\n`;
    const two = `second content ${crypto.randomUUID()}`;
    const id = await storeWithAttachments(version, [one, two]);
    const res = await xapi(`/statements?statementId=${id}&attachments=true`, { version });
    expect(res.status).toBe(200);
    const { text, parts } = await readMultipart(res);
    expect(parts).toHaveLength(3);
    expect(parts[0]!.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(decoder.decode(parts[0]!.body)).id).toBe(id);
    for (const [index, content] of [one, two].entries()) {
      const part = parts[index + 1]!;
      const hash = await sha256(content);
      expect(part.headers).toMatchObject({ "content-type": "text/plain", "content-transfer-encoding": "binary", "x-experience-api-hash": hash });
      expect(decoder.decode(part.body)).toBe(content);
      // The conformance suite counts each hash: once in the statement, once in the part header.
      expect(text.split(hash)).toHaveLength(3);
    }
  });

  it("answers application/json without attachment data when attachments is false or absent", async () => {
    const id = await storeWithAttachments(version, [`plain ${crypto.randomUUID()}`]);
    for (const query of ["", "&attachments=false"]) {
      const res = await xapi(`/statements?statementId=${id}${query}`, { version });
      expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
      expect(((await res.json()) as Json).id).toBe(id);
    }
  });

  it("answers a query with the StatementResult first and content shared by statements once", async () => {
    const verb = { id: `http://example.com/verbs/${crypto.randomUUID()}`, display: { "en-US": "shared" } };
    const shared = `shared ${crypto.randomUUID()}`;
    const own = `own ${crypto.randomUUID()}`;
    await storeWithAttachments(version, [shared], { verb });
    await storeWithAttachments(version, [shared, own], { verb });
    const res = await xapi(`/statements?verb=${encodeURIComponent(verb.id)}&attachments=true`, { version });
    expect(res.status).toBe(200);
    const { parts } = await readMultipart(res);
    const result = JSON.parse(decoder.decode(parts[0]!.body)) as { statements: Json[] };
    expect(result.statements).toHaveLength(2);
    const contents = parts.slice(1).map((p) => decoder.decode(p.body)).sort();
    expect(contents).toEqual([own, shared].sort());
  });

  it("answers a query whose statements have no stored contents with the StatementResult alone", async () => {
    const verb = { id: `http://example.com/verbs/${crypto.randomUUID()}`, display: { "en-US": "bare" } };
    expect((await xapi("/statements", { method: "POST", json: statement({ verb }), version })).status).toBe(200);
    const { parts } = await readMultipart(await xapi(`/statements?verb=${encodeURIComponent(verb.id)}&attachments=true`, { version }));
    expect(parts).toHaveLength(1);
    expect((JSON.parse(decoder.decode(parts[0]!.body)) as { statements: Json[] }).statements).toHaveLength(1);
  });

  it("answers HEAD with the multipart Content-Type and no body", async () => {
    const id = await storeWithAttachments(version, [`head ${crypto.randomUUID()}`]);
    const res = await xapi(`/statements?statementId=${id}&attachments=true`, { version, method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^multipart\/mixed; boundary=/);
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  it("keeps binary content byte for byte", async () => {
    const bytes = new Uint8Array(70_000).map((_, i) => (i * 7919) % 256);
    const id = crypto.randomUUID();
    const attachment = await attachmentFor(bytes, { contentType: "application/octet-stream" });
    const res = await postMultipart(multipartBody(statement({ id, attachments: [attachment] }), [await partFor(bytes, { "Content-Type": "application/octet-stream" })]), version);
    expect(res.status).toBe(200);
    const { parts } = await readMultipart(await xapi(`/statements?statementId=${id}&attachments=true`, { version }));
    expect(parts[1]!.body).toEqual(bytes);
    expect(parts[1]!.headers["content-length"]).toBe(String(bytes.length));
    void encoder;
  });

  it("never writes control characters from a statement's contentType into a part header", async () => {
    const text = `typed ${crypto.randomUUID()}`;
    const id = crypto.randomUUID();
    const attachment = await attachmentFor(text, { contentType: "text/plain\r\n;X-Injected: yes" });
    const part = await partFor(text);
    delete part.headers["Content-Type"];
    const res = await postMultipart(multipartBody(statement({ id, attachments: [attachment] }), [part]), version);
    expect(res.status, await res.text()).toBe(200);
    const { parts } = await readMultipart(await xapi(`/statements?statementId=${id}&attachments=true`, { version }));
    expect(parts[1]!.headers["content-type"]).toBe("text/plain;X-Injected: yes");
    expect(parts[1]!.headers["x-injected"]).toBeUndefined();
  });
});
