// Errors by content negotiation (1.0.3 Communication 3.2.s3.b3–b4): JSON unless the client's Accept prefers
// plain text or HTML; each format names the status, the message and the offending property.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../helpers";

const BAD_LIMIT = "/statements?limit=-1";

describe.each(VERSIONS)("error formats (%s)", (version) => {
  it("is JSON without Accept, and for the usual client Accept headers", async () => {
    for (const accept of [undefined, "*/*", "application/json", "application/json, text/plain, */*"]) {
      const res = await xapi(BAD_LIMIT, { version, headers: accept ? { Accept: accept } : {} });
      expect(res.status).toBe(400);
      expect(res.headers.get("Content-Type"), String(accept)).toMatch(/^application\/json/);
      expect((await res.json<{ error: { path: string } }>()).error.path).toBe("limit");
    }
  });

  it("is plain text when preferred, naming the property", async () => {
    const res = await xapi(BAD_LIMIT, { version, headers: { Accept: "text/html;q=0.5, text/plain" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/plain/);
    expect(await res.text()).toMatch(/^400 limit: /);
  });

  it("is an escaped, inert HTML page when preferred", async () => {
    // The refused version is quoted in the message: markup in it must come out as text.
    const res = await xapi("/statements", { version: null, headers: { Accept: "text/html", "X-Experience-API-Version": "<i>9</i>" } });
    expect(res.status).toBe(400);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(res.headers.get("Content-Security-Policy")).toContain("sandbox");
    const html = await res.text();
    expect(html).toContain("<h1>400</h1>");
    expect(html).toContain("&#60;i&#62;9&#60;/i&#62;");
    expect(html).not.toContain("<i>");
    const unauthorized = await xapi("/statements", { version, auth: null, headers: { Accept: "text/html" } });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get("WWW-Authenticate")).toBe('Basic realm="xAPI"');
    expect(await unauthorized.text()).toContain("<h1>401</h1>");
  });

  it("falls back to JSON when no format is acceptable", async () => {
    const res = await xapi(BAD_LIMIT, { version, headers: { Accept: "image/png, text/*;q=0" } });
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  });
});
