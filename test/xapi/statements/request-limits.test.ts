// The per-request caps that keep one statements request under 64 MiB of heap (src/http/request-limits.ts):
// at most 10,000 statements (JSON or multipart) and LRS_MAX_BODY_BYTES of JSON, each a 413 naming what is
// over, checked before anything is stored; About advertises them.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { LIMITS_EXTENSION } from "../../../src/xapi/about/routes";
import { VERSIONS, xapi } from "../../helpers";
import { multipartBody, postMultipart } from "./attachments/multipart";

const MAX = 10_000;

function minimal(): Record<string, unknown> {
  return {
    id: crypto.randomUUID(),
    actor: { mbox: "mailto:cap@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
    object: { id: "http://example.com/cap" },
  };
}

async function rejection(res: Response): Promise<{ status: number; path?: string; message: string }> {
  return ((await res.json()) as { error: { status: number; path?: string; message: string } }).error;
}

async function storedCount(ids: string[]): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM statements WHERE id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(ids))
    .first<{ n: number }>();
  return row!.n;
}

describe.each(VERSIONS)("statements per request (%s)", (version) => {
  it("refuses 10,001 statements with 413 naming statement[10000], storing none", async () => {
    const batch = Array.from({ length: MAX + 1 }, minimal);
    const res = await xapi("/statements", { method: "POST", json: batch, version });
    expect(res.status).toBe(413);
    expect(await rejection(res)).toEqual({
      status: 413,
      path: "statement[10000]",
      message: "statement[10000]: a request may carry at most 10000 statements; this one carries 10001",
    });
    expect(await storedCount(batch.map((s) => s.id as string))).toBe(0);
  });

  it("refuses 10,001 statements in a multipart request the same way", async () => {
    const batch = Array.from({ length: MAX + 1 }, minimal);
    const res = await postMultipart(multipartBody(batch, []), version);
    expect(res.status).toBe(413);
    expect((await rejection(res)).path).toBe("statement[10000]");
    expect(await storedCount(batch.map((s) => s.id as string))).toBe(0);
  });
});

describe("the statements cap and body limit", () => {
  it("stores exactly 10,000 statements in one request", { timeout: 120_000 }, async () => {
    const batch = Array.from({ length: MAX }, minimal);
    const res = await xapi("/statements", { method: "POST", json: batch });
    expect(res.status).toBe(200);
    expect(((await res.json()) as string[]).length).toBe(MAX);
    expect(await storedCount(batch.map((s) => s.id as string))).toBe(MAX);
  });

  it("refuses a JSON body one byte over LRS_MAX_BODY_BYTES with 413, before parsing it", async () => {
    const limit = Number((env as unknown as Record<string, string>).LRS_MAX_BODY_BYTES);
    expect(limit).toBe(3 * 1024 * 1024);
    const statement = minimal();
    const text = JSON.stringify([statement]);
    const body = text + " ".repeat(limit + 1 - text.length);
    const res = await xapi("/statements", { method: "POST", body, headers: { "Content-Type": "application/json" } });
    expect(res.status).toBe(413);
    expect(await storedCount([statement.id as string])).toBe(0);
    const fits = await xapi("/statements", { method: "POST", body: body.slice(0, -1), headers: { "Content-Type": "application/json" } });
    expect(fits.status).toBe(200);
  });

  it("About lists the limits under an IRI-keyed extension", async () => {
    const res = await xapi("/about", { auth: null, version: null });
    const about = (await res.json()) as { extensions: Record<string, unknown> };
    expect(about.extensions).toEqual({
      [LIMITS_EXTENSION]: {
        maxBodyBytes: 3_145_728,
        maxStatementsPerRequest: 10_000,
        maxRequestBytes: 104_857_600,
        maxAttachmentBytes: 67_108_864,
        maxDocumentBytes: 16_777_216,
        maxJsonDocumentBytes: 1_048_576,
      },
      "https://edge-lrs.dev/xapi/extensions/content-encodings": ["gzip", "deflate"],
    });
  });
});
