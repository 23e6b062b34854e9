// Compressed request bodies (issue 16 item 3): gzip and deflate on every write, decoded as a stream under the
// same byte limits counted on the decoded bytes; corrupt data is a 400 and an unknown coding a 415, both naming
// Content-Encoding, and a refused request stores nothing.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { collectBytes } from "../../src/http/body";
import { decodedRequestBody } from "../../src/http/content-encoding";
import { XapiError } from "../../src/errors";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { VERSIONS, xapi } from "../helpers";
import { documentParams, url } from "../xapi/documents/document-helpers";
import { statement } from "../xapi/statements/fixtures";
import { attachmentFor, BOUNDARY, encoder, multipartBody, parseMultipartResponse, partFor } from "../xapi/statements/attachments/multipart";

const MiB = 1024 * 1024;
const MULTIPART = `multipart/mixed; boundary=${BOUNDARY}`;

async function compress(bytes: Uint8Array | string, format: "gzip" | "deflate" | "deflate-raw"): Promise<Uint8Array> {
  const data = typeof bytes === "string" ? encoder.encode(bytes) : bytes;
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.byteLength, 0));
  parts.reduce((offset, part) => (out.set(part, offset), offset + part.byteLength), 0);
  return out;
}

async function errorOf(res: Response): Promise<{ status: number; message: string; path?: string }> {
  return ((await res.json()) as { error: { status: number; message: string; path?: string } }).error;
}

async function sha1(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-1", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function objectsOf(storeId: string): Promise<string[]> {
  return (await env.BLOBS.list({ prefix: `att/${storeId}/` })).objects.map((object) => object.key);
}

function postStatements(body: BodyInit, version: string, encoding: string, contentType = "application/json"): Promise<Response> {
  return xapi("/statements", { method: "POST", body, version, headers: { "Content-Type": contentType, "Content-Encoding": encoding } });
}

async function statusOfStatement(id: string, version: string): Promise<number> {
  const res = await xapi(`/statements?statementId=${id}`, { version });
  await res.arrayBuffer();
  return res.status;
}

describe.each(VERSIONS)("compressed statements (%s)", (version) => {
  it.each([
    ["gzip", "gzip"],
    ["x-gzip", "gzip"],
    ["deflate", "deflate"],
    ["deflate", "deflate-raw"],
    ["identity, gzip", "gzip"],
  ] as const)("Content-Encoding %s (%s data) is inflated and stored", async (encoding, format) => {
    const id = crypto.randomUUID();
    const res = await postStatements(await compress(JSON.stringify([statement({ id })]), format), version, encoding);
    expect([res.status, await res.json()]).toEqual([200, [id]]);
    const stored = await xapi(`/statements?statementId=${id}`, { version });
    expect(((await stored.json()) as { actor: unknown }).actor).toEqual(statement().actor);
  });

  it("identity, named or not, takes the plain path", async () => {
    const id = crypto.randomUUID();
    const res = await postStatements(JSON.stringify(statement({ id })), version, "identity");
    expect([res.status, await res.json()]).toEqual([200, [id]]);
  });

  it("a gzip multipart request stores the inflated attachment under its sha2", async () => {
    const content = "attachment text ".repeat(500);
    const attachment = await attachmentFor(content);
    const id = crypto.randomUUID();
    const body = multipartBody(statement({ id, attachments: [attachment] }), [await partFor(content)]);
    const res = await postStatements(await compress(body, "gzip"), version, "gzip", MULTIPART);
    expect([res.status, await res.json()]).toEqual([200, [id]]);
    const read = await xapi(`/statements?statementId=${id}&attachments=true`, { version });
    const parts = parseMultipartResponse(read.headers.get("Content-Type")!, new Uint8Array(await read.arrayBuffer()));
    expect(parts.length).toBe(2);
    expect(parts[1]!.headers["x-experience-api-hash"]).toBe(attachment.sha2);
    expect(new TextDecoder().decode(parts[1]!.body)).toBe(content);
  });

  it("a PUT by statementId accepts deflate", async () => {
    const id = crypto.randomUUID();
    const body = await compress(JSON.stringify(statement({ id })), "deflate");
    const res = await xapi(`/statements?statementId=${id}`, {
      method: "PUT",
      body,
      version,
      headers: { "Content-Type": "application/json", "Content-Encoding": "deflate" },
    });
    expect(res.status).toBe(204);
    expect(await statusOfStatement(id, version)).toBe(200);
  });
});

describe("refused compressed statements change nothing", () => {
  const version = "2.0.0";

  it("an unknown coding is a 415 naming Content-Encoding", async () => {
    const id = crypto.randomUUID();
    for (const encoding of ["br", "gzip, gzip", "compress"]) {
      const res = await postStatements(JSON.stringify(statement({ id })), version, encoding);
      expect([res.status, (await errorOf(res)).path], encoding).toEqual([415, "Content-Encoding"]);
    }
    expect(await statusOfStatement(id, version)).toBe(404);
  });

  it("corrupt or truncated gzip is a 400 naming Content-Encoding", async () => {
    const id = crypto.randomUUID();
    const good = await compress(JSON.stringify([statement({ id })]), "gzip");
    const garbage = encoder.encode("this is not gzip at all");
    const truncated = good.subarray(0, good.length - 12);
    const badCrc = good.slice();
    badCrc[badCrc.length - 8] = badCrc[badCrc.length - 8]! ^ 0xff;
    for (const [name, body] of [["garbage", garbage], ["truncated", truncated], ["bad CRC", badCrc]] as const) {
      const res = await postStatements(body, version, "gzip");
      const error = await errorOf(res);
      expect([res.status, error.path, error.message], name).toEqual([400, "Content-Encoding", "Content-Encoding: the body is not valid gzip data"]);
    }
    expect(await statusOfStatement(id, version)).toBe(404);
  });

  it("a multipart body whose gzip fails after the attachment streamed leaves no R2 object and no statement", async () => {
    const credential = await storeWithCredential("gzip-multipart-corrupt");
    const content = new Uint8Array(64 * 1024).map((_, i) => (i * 7919) % 251);
    const id = crypto.randomUUID();
    const body = multipartBody(statement({ id, attachments: [await attachmentFor(content)] }), [await partFor(content)]);
    const gzip = await compress(body, "gzip");
    gzip[gzip.length - 8] = gzip[gzip.length - 8]! ^ 0xff; // the CRC: every byte inflates, then the check fails
    const res = await xapiAs(credential, "/statements", {
      method: "POST",
      body: gzip,
      version,
      headers: { "Content-Type": MULTIPART, "Content-Encoding": "gzip" },
    });
    expect([res.status, (await errorOf(res)).path]).toEqual([400, "Content-Encoding"]);
    expect(await objectsOf(credential.storeId)).toEqual([]);
    const read = await xapiAs(credential, `/statements?statementId=${id}`, { version });
    expect(read.status).toBe(404);
  });

  it("a gzip bomb in an attachment part is a 413 once it inflates past the attachment limit; R2 keeps nothing", async () => {
    const credential = await storeWithCredential("gzip-attachment-bomb");
    const zeros = new Uint8Array(65 * MiB);
    const id = crypto.randomUUID();
    // Declared small, so only the streamed count can catch it (the declared lengths are checked up front).
    const attachment = await attachmentFor("small", { contentType: "application/octet-stream" });
    const head = multipartBody(statement({ id, attachments: [attachment] }), []);
    const open = head.subarray(0, head.length - `\r\n--${BOUNDARY}--\r\n`.length);
    const partHead = `\r\n--${BOUNDARY}\r\nContent-Type: application/octet-stream\r\nX-Experience-API-Hash: ${attachment.sha2}\r\n\r\n`;
    // Gzip members one after another are one gzip body (RFC 1952 2.2): the zeros compress to ~65 KB.
    const members = [await compress(concat(open, encoder.encode(partHead)), "gzip"), await compress(zeros, "gzip"), await compress(`\r\n--${BOUNDARY}--\r\n`, "gzip")];
    const res = await xapiAs(credential, "/statements", {
      method: "POST",
      body: concat(...members),
      version,
      headers: { "Content-Type": MULTIPART, "Content-Encoding": "gzip" },
    });
    expect([res.status, (await errorOf(res)).message]).toEqual([413, "an attachment exceeds 67108864 bytes"]);
    expect(await objectsOf(credential.storeId)).toEqual([]);
    expect((await xapiAs(credential, `/statements?statementId=${id}`, { version })).status).toBe(404);
  }, 30_000);

  it("a gzip bomb (10 MB of zeros in 10 KB) is a 413 for the inflated body", async () => {
    const bomb = await compress(new Uint8Array(10 * MiB), "gzip");
    expect(bomb.byteLength).toBeLessThan(11 * 1024);
    const started = Date.now();
    const res = await postStatements(bomb, version, "gzip");
    const error = await errorOf(res);
    expect([res.status, error.message]).toEqual([413, "the request body exceeds 3145728 bytes"]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a gzip bomb in a multipart statement part is a 413 for that part", async () => {
    const body = multipartBody([statement()], []);
    const bombPart = new Uint8Array(body.length + 10 * MiB);
    bombPart.set(body.subarray(0, body.indexOf(0x5b)));  // the part's headers, up to the statements' "["
    const res = await postStatements(await compress(bombPart, "gzip"), version, "gzip", MULTIPART);
    const error = await errorOf(res);
    expect([res.status, error.message]).toEqual([413, "the statement part exceeds 3145728 bytes"]);
  });
});

describe("decoding does bounded work", () => {
  it("a 1,000 MiB gzip bomb (1 MB) is read only ~64 KB past the 3 MiB limit before the 413", async () => {
    // Ten gzip members of 100 MiB of zeros each: concatenated members are one gzip body (RFC 1952 2.2).
    const member = await compress(new Uint8Array(100 * MiB), "gzip");
    const bomb = new Uint8Array(member.byteLength * 10);
    for (let i = 0; i < 10; i++) bomb.set(member, i * member.byteLength);
    let compressedRead = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          if (compressedRead >= bomb.byteLength) return controller.close();
          controller.enqueue(bomb.slice(compressedRead, compressedRead + 1024));
          compressedRead += 1024;
        },
      },
      { highWaterMark: 0 },
    );
    const request = new Request("http://lrs.test/", { method: "POST", body, headers: { "Content-Encoding": "gzip" } });
    const refusal = await collectBytes((await decodedRequestBody(request))!, 3 * MiB, "the request body").catch((error: unknown) => error);
    expect([(refusal as XapiError).status, (refusal as XapiError).message]).toEqual([413, "the request body exceeds 3145728 bytes"]);
    console.log(`gzip bomb: ${compressedRead} of ${bomb.byteLength} compressed bytes read`);
    // ~3 KB of this bomb inflate to 3 MiB; the rest is the inflater's input buffer. Reading on unchecked (as
    // DecompressionStream does, inflating each write whole) would read all of it.
    expect(compressedRead).toBeLessThan(128 * 1024);
  }, 30_000);
});

describe.each(["state", "activity_profile", "agent_profile"] as const)("compressed documents (%s)", (kind) => {
  it("a gzip PUT stores the inflated bytes, served with their SHA-1 ETag", async () => {
    const params = documentParams(kind);
    const content = encoder.encode("document body, ".repeat(1000));
    const res = await xapi(url(kind, params), {
      method: "PUT",
      body: await compress(content, "gzip"),
      headers: { "Content-Type": "text/plain", "Content-Encoding": "gzip" },
    });
    expect(res.status).toBe(204);
    const read = await xapi(url(kind, params));
    expect(read.headers.get("ETag")).toBe(`"${await sha1(content)}"`);
    expect(new Uint8Array(await read.arrayBuffer())).toEqual(content);
  });

  it("a deflate JSON POST merges the inflated object", async () => {
    const params = documentParams(kind);
    const post = (json: unknown) =>
      compress(JSON.stringify(json), "deflate").then((body) =>
        xapi(url(kind, params), { method: "POST", body, headers: { "Content-Type": "application/json", "Content-Encoding": "deflate" } }),
      );
    expect((await post({ a: 1 })).status).toBe(204);
    expect((await post({ b: 2 })).status).toBe(204);
    expect(await (await xapi(url(kind, params))).json()).toEqual({ a: 1, b: 2 });
  });

  it("a bomb is a 413 and a corrupt body a 400; neither stores a document", async () => {
    const params = documentParams(kind);
    const bomb = await xapi(url(kind, params), {
      method: "PUT",
      body: await compress(new Uint8Array(20 * MiB), "gzip"),
      headers: { "Content-Type": "application/octet-stream", "Content-Encoding": "gzip" },
    });
    expect([bomb.status, (await errorOf(bomb)).message]).toEqual([413, "the request body exceeds 16777216 bytes"]);
    const corrupt = await xapi(url(kind, params), {
      method: "PUT",
      body: "not deflate",
      headers: { "Content-Type": "text/plain", "Content-Encoding": "deflate" },
    });
    expect([corrupt.status, (await errorOf(corrupt)).path]).toEqual([400, "Content-Encoding"]);
    const read = await xapi(url(kind, params));
    await read.arrayBuffer();
    expect(read.status).toBe(404);
  });
});

describe("About", () => {
  it("lists the accepted Content-Encodings in its extensions", async () => {
    const res = await xapi("/about", { auth: null, version: null });
    const about = (await res.json()) as { extensions: Record<string, unknown> };
    expect(about.extensions["https://edge-lrs.dev/xapi/extensions/content-encodings"]).toEqual(["gzip", "deflate"]);
  });
});
