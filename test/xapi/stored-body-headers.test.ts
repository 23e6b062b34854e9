// No stored body ever runs as a page of the LRS origin: every /xapi response is nosniff and sandboxed, document
// bodies and attachment contents are downloads (normal GETs and 1.0.3 Alternate Request Syntax GETs alike),
// and a document GET honours If-None-Match with 304.
import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { BASE, basic, VERSIONS, xapi } from "../helpers";
import { statement } from "./statements/fixtures";
import { attachmentFor, multipartBody, partFor, postMultipart } from "./statements/attachments/multipart";

const SANDBOX = "default-src 'none'; frame-ancestors 'none'; sandbox";
const SCRIPT = "<!doctype html><script>fetch('/console/admin').then((r) => r.text()).then(alert)</script>";
const uid = () => crypto.randomUUID();

function stateQuery(stateId: string): string {
  return new URLSearchParams({
    activityId: "http://example.com/activities/headers",
    agent: JSON.stringify({ mbox: "mailto:mallory@example.com" }),
    stateId,
  }).toString();
}

async function putHtmlState(version: string): Promise<string> {
  const stateId = uid();
  const res = await xapi(`/activities/state?${stateQuery(stateId)}`, {
    method: "PUT",
    version,
    headers: { "Content-Type": "text/html" },
    body: SCRIPT,
  });
  expect(res.status).toBe(204);
  return stateId;
}

function expectDownloadOnly(res: Response): void {
  expect(res.headers.get("Content-Disposition")).toBe("attachment");
  expect(res.headers.get("Content-Security-Policy")).toBe(SANDBOX);
  expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
}

describe.each(VERSIONS)("headers that keep stored bodies inert (%s)", (version) => {
  it("every /xapi response is nosniff and sandboxed: success, 400, 401, 404, preflight, /about", async () => {
    const responses = [
      await xapi("/statements?limit=1", { version }),
      await xapi("/statements?limit=x", { version }),
      await xapi("/statements", { version, auth: basic("nobody", "nothing") }),
      await xapi("/nothing-here", { version }),
      await xapi("/about", { version, auth: null }),
      await SELF.fetch(`${BASE}/statements`, {
        method: "OPTIONS",
        headers: { Origin: "https://app.example", "Access-Control-Request-Method": "POST" },
      }),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 400, 401, 404, 200, 204]);
    for (const res of responses) {
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Content-Security-Policy")).toBe(SANDBOX);
    }
  });

  it("a stored text/html document is served as a sandboxed download, its type and bytes unchanged", async () => {
    const stateId = await putHtmlState(version);
    const res = await xapi(`/activities/state?${stateQuery(stateId)}`, { version });
    expect(res.status).toBe(200);
    expectDownloadOnly(res);
    expect(res.headers.get("Content-Type")).toBe("text/html");
    expect(await res.text()).toBe(SCRIPT);
  });

  it("a document GET with a matching If-None-Match is 304 without a body; another tag gets the document", async () => {
    const stateId = await putHtmlState(version);
    const first = await xapi(`/activities/state?${stateQuery(stateId)}`, { version });
    const etag = first.headers.get("ETag")!;
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    await first.arrayBuffer();
    for (const ifNoneMatch of [etag, `"other", ${etag}`, "*"]) {
      const res = await xapi(`/activities/state?${stateQuery(stateId)}`, { version, headers: { "If-None-Match": ifNoneMatch } });
      expect(res.status, ifNoneMatch).toBe(304);
      expect(res.headers.get("ETag")).toBe(etag);
      expect(await res.text()).toBe("");
    }
    const changed = await xapi(`/activities/state?${stateQuery(stateId)}`, { version, headers: { "If-None-Match": '"other"' } });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toBe(SCRIPT);
  });

  it("attachments=true answers are downloads", async () => {
    const id = uid();
    const content = `<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg> ${uid()}`;
    const attachment = await attachmentFor(content, { contentType: "image/svg+xml" });
    const res = await postMultipart(multipartBody(statement({ id, attachments: [attachment] }), [await partFor(content, { "Content-Type": "image/svg+xml" })]), version);
    expect(res.status, await res.text()).toBe(200);
    const read = await xapi(`/statements?statementId=${id}&attachments=true`, { version });
    expect(read.status).toBe(200);
    expectDownloadOnly(read);
    await read.arrayBuffer();
  });

  it("Consistent-Through is on Statements responses refused before the store is known (401, 400 without version)", async () => {
    const before = Date.now();
    const unauthenticated = await xapi("/statements", { version, auth: null });
    const wrongSecret = await xapi("/statements", { version, auth: basic("test-key", "wrong") });
    const noVersion = await xapi("/statements", { version: null });
    expect([unauthenticated.status, wrongSecret.status, noVersion.status]).toEqual([401, 401, 400]);
    for (const res of [unauthenticated, wrongSecret, noVersion]) {
      const value = res.headers.get("X-Experience-API-Consistent-Through")!;
      expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(Date.parse(value)).toBeGreaterThanOrEqual(before - 1000);
    }
  });

  it("a preflight (OPTIONS) answer names the version", async () => {
    const res = await SELF.fetch(`${BASE}/activities/state`, {
      method: "OPTIONS",
      headers: { Origin: "https://app.example", "Access-Control-Request-Method": "PUT", "X-Experience-API-Version": version },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("X-Experience-API-Version")).toBe(version);
  });
});

describe("the 1.0.3 Alternate Request Syntax", () => {
  it("a cross-site form POST (?method=GET) of a stored HTML document gets a sandboxed download", async () => {
    const stateId = await putHtmlState("1.0.3");
    const fields = new URLSearchParams(stateQuery(stateId));
    fields.set("Authorization", basic());
    fields.set("X-Experience-API-Version", "1.0.3");
    const res = await SELF.fetch(`${BASE}/activities/state?method=GET`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: "https://attacker.example" },
      body: fields.toString(),
    });
    expect(res.status).toBe(200);
    expectDownloadOnly(res);
    expect(await res.text()).toBe(SCRIPT);
  });

  it.each([
    ["If-Match", "\"abc\"\r\nX-Injected: 1"],
    ["If-None-Match", "\"abc\"\n"],
    ["Content-Type", "application/json\u0000"],
    ["If-Match", "\"\u2603\""],
  ])("a %s form field that is no valid header value is a 400 naming it", async (field, value) => {
    const fields = new URLSearchParams(stateQuery(uid()));
    fields.set("Authorization", basic());
    fields.set("X-Experience-API-Version", "1.0.3");
    fields.set(field, value);
    fields.set("content", "{}");
    const res = await SELF.fetch(`${BASE}/activities/state?method=PUT`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: fields.toString(),
    });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { path: string; message: string } }>();
    expect(body.error.path).toBe(field);
    expect(body.error.message).toMatch(/header value/);
  });
});
