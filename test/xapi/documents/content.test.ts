// Documents are opaque bytes with a Content-Type (1.0.3 Communication 1.5, 2.2; 9274.1.1 4.1.3): binary and
// large bodies round-trip exactly, and the stored Content-Type comes back as sent.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, KINDS, url } from "./document-helpers";

const CREATE = { "If-None-Match": "*" };

function randomBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let offset = 0; offset < length; offset += 65536) {
    crypto.getRandomValues(bytes.subarray(offset, Math.min(length, offset + 65536)));
  }
  return bytes;
}

async function sha1(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

describe.each(VERSIONS)("document content (%s)", (version) => {
  describe.each(KINDS)("%s", (kind) => {
    it("round-trips a binary document byte for byte, invalid UTF-8 included", async () => {
      const params = documentParams(kind);
      const bytes = new Uint8Array([0, 255, 254, 0xc3, 0x28, 10, 13, ...randomBytes(4096)]);
      const put = await xapi(url(kind, params), { method: "PUT", version, body: bytes, headers: { ...CREATE, "Content-Type": "image/png" } });
      expect(put.status).toBe(204);
      const got = await xapi(url(kind, params), { version });
      expect(got.headers.get("Content-Type")).toBe("image/png");
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(bytes);
      expect(got.headers.get("ETag")).toBe(`"${await sha1(bytes)}"`);
    });

    it("keeps the Content-Type exactly as sent, parameters included, and defaults to application/octet-stream", async () => {
      const params = documentParams(kind);
      const type = "text/plain; charset=ISO-8859-1";
      await xapi(url(kind, params), { method: "PUT", version, body: "caf\xe9", headers: { ...CREATE, "Content-Type": type } });
      expect((await xapi(url(kind, params), { version })).headers.get("Content-Type")).toBe(type);

      const untyped = documentParams(kind);
      const put = await xapi(url(kind, untyped), { method: "PUT", version, body: new Uint8Array([1, 2, 3]), headers: CREATE });
      expect(put.status).toBe(204);
      const got = await xapi(url(kind, untyped), { version });
      expect(got.headers.get("Content-Type")).toBe("application/octet-stream");
      expect(new Uint8Array(await got.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3]));
    });

    it("merges JSON sent as application/json with parameters", async () => {
      const params = documentParams(kind);
      const headers = { "Content-Type": "application/json; charset=utf-8" };
      await xapi(url(kind, params), { method: "POST", version, body: '{"a":1}', headers });
      expect((await xapi(url(kind, params), { method: "POST", version, body: '{"b":2}', headers })).status).toBe(204);
      expect(await (await xapi(url(kind, params), { version })).json()).toEqual({ a: 1, b: 2 });
    });
  });

  it("round-trips a document of several MiB intact", async () => {
    const params = documentParams("state");
    const bytes = randomBytes(6 * 1024 * 1024 + 7);
    const put = await xapi(url("state", params), { method: "PUT", version, body: bytes, headers: { "Content-Type": "application/octet-stream" } });
    expect(put.status).toBe(204);
    const got = await xapi(url("state", params), { version });
    expect(got.status).toBe(200);
    expect(got.headers.get("Content-Length")).toBe(String(bytes.byteLength));
    const back = new Uint8Array(await got.arrayBuffer());
    expect(back.byteLength).toBe(bytes.byteLength);
    expect(await sha1(back)).toBe(await sha1(bytes));
    expect(got.headers.get("ETag")).toBe(`"${await sha1(bytes)}"`);
  });

  it("refuses a document above the body limit with 413 and stores nothing", async () => {
    const params = documentParams("state");
    const put = await xapi(url("state", params), { method: "PUT", version, body: new Uint8Array(21 * 1024 * 1024) });
    expect(put.status).toBe(413);
    expect((await xapi(url("state", params), { version })).status).toBe(404);
  });

  it("replaces a large document with a small one and back", async () => {
    const params = documentParams("state");
    const large = randomBytes(3 * 1024 * 1024);
    await xapi(url("state", params), { method: "PUT", version, body: large });
    await xapi(url("state", params), { method: "PUT", version, json: { small: true }, headers: { "If-Match": "*" } });
    expect(await (await xapi(url("state", params), { version })).json()).toEqual({ small: true });
  });
});
