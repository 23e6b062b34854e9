// Document body limits (src/http/request-limits.ts): an application/json document is parsed in the Worker and
// merged in the Durable Object, so it has a lower limit (LRS_MAX_JSON_DOCUMENT_BYTES, 1 MiB) than other
// documents, held as bytes only (LRS_MAX_DOCUMENT_BYTES, 16 MiB). Over either: 413, and nothing changes.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, url } from "./document-helpers";

const JSON_LIMIT = 1024 * 1024;
const JSON_TYPE = { "Content-Type": "application/json" };

/** A JSON Object text of exactly `bytes` bytes. */
function jsonObjectOf(bytes: number, key = "pad"): string {
  const empty = JSON.stringify({ [key]: "" });
  return JSON.stringify({ [key]: "x".repeat(bytes - empty.length) });
}

describe.each(VERSIONS)("document limits (%s)", (version) => {
  it("refuses an application/json document one byte over 1 MiB with 413 and keeps none; accepts one at 1 MiB", async () => {
    const params = documentParams("state");
    const over = await xapi(url("state", params), { method: "PUT", version, body: jsonObjectOf(JSON_LIMIT + 1), headers: JSON_TYPE });
    expect(over.status).toBe(413);
    expect((await xapi(url("state", params), { version })).status).toBe(404);
    const post = await xapi(url("state", params), { method: "POST", version, body: jsonObjectOf(JSON_LIMIT + 1), headers: JSON_TYPE });
    expect(post.status).toBe(413);
    expect((await xapi(url("state", params), { version })).status).toBe(404);
    const fits = await xapi(url("state", params), { method: "PUT", version, body: jsonObjectOf(JSON_LIMIT), headers: JSON_TYPE });
    expect(fits.status).toBe(204);
    expect((await xapi(url("state", params), { version })).headers.get("Content-Length")).toBe(String(JSON_LIMIT));
  });

  it("refuses a JSON merge whose result would pass 1 MiB with 413, leaving the stored document as it was", async () => {
    const params = documentParams("state");
    const stored = jsonObjectOf(600_000, "a");
    const put = await xapi(url("state", params), { method: "PUT", version, body: stored, headers: JSON_TYPE });
    expect(put.status).toBe(204);
    const etag = put.headers.get("ETag");
    const post = await xapi(url("state", params), { method: "POST", version, body: jsonObjectOf(600_000, "b"), headers: JSON_TYPE });
    expect(post.status).toBe(413);
    expect(((await post.json()) as { error: { message: string } }).error.message).toBe(
      "the merged document would be over 1048576 bytes of JSON",
    );
    const got = await xapi(url("state", params), { version });
    expect(got.headers.get("ETag")).toBe(etag);
    expect(await got.text()).toBe(stored);
    // Replacing a key keeps the result small: that merge is taken.
    const replace = await xapi(url("state", params), { method: "POST", version, body: jsonObjectOf(600_000, "a"), headers: JSON_TYPE });
    expect(replace.status).toBe(204);
  });

  it("takes a 2 MiB document of another type (bytes only, never parsed)", async () => {
    const params = documentParams("state");
    const body = new Uint8Array(2 * JSON_LIMIT).fill(7);
    const put = await xapi(url("state", params), { method: "PUT", version, body, headers: { "Content-Type": "application/octet-stream" } });
    expect(put.status).toBe(204);
    expect((await xapi(url("state", params), { version })).headers.get("Content-Length")).toBe(String(2 * JSON_LIMIT));
  });
});
