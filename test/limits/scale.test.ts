// Scale on small data: each request path that grows with what a store holds stays within Cloudflare's per-request
// limits under the strict entry (45 D1/R2/DO calls, D1 values and batches, R2 deletes): format=canonical over
// 5,000 activities, attachments=true over 60 contents, multipart requests of 33 and of 1,001 parts.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { xapi } from "../helpers";
import { attachmentFor, BOUNDARY, multipartBody, parseMultipartResponse, partFor, type RawPart } from "../xapi/statements/attachments/multipart";
import { metered } from "./limits-helpers";

const MULTIPART = `multipart/mixed; boundary=${BOUNDARY}`;

function postMultipart(statements: unknown, parts: RawPart[]): Promise<Response> {
  return xapi("/statements", { method: "POST", body: multipartBody(statements, parts), headers: { "Content-Type": MULTIPART } });
}

async function attachmentObjects(): Promise<number> {
  return (await env.BLOBS.list({ prefix: "att/" })).objects.length;
}

describe("format=canonical over 5,000 activities", () => {
  it("renders a page naming 5,000 activities with one D1 batch of lookups", async () => {
    const statements = Array.from({ length: 100 }, (_, s) => ({
      actor: { mbox: `mailto:canonical-${s}@example.com` },
      verb: { id: "http://example.com/verbs/viewed", display: { "en-US": "viewed", fr: "vu" } },
      object: { id: `http://example.com/canonical/object-${s}` },
      context: {
        contextActivities: {
          other: Array.from({ length: 49 }, (_, a) => ({
            id: `http://example.com/canonical/${s}-${a}`,
            definition: { name: { "en-US": `Activity ${s}-${a}`, fr: `Activité ${s}-${a}` } },
          })),
        },
      },
    }));
    const posted = await xapi("/statements", { method: "POST", json: statements });
    expect(posted.status, await posted.clone().text()).toBe(200);

    const { status, text, report } = await metered(() =>
      xapi("/statements?limit=100&format=canonical", { headers: { "Accept-Language": "fr" } }),
    );
    expect(status).toBe(200);
    const page = JSON.parse(text) as { statements: { context: { contextActivities: { other: { definition: unknown }[] } } }[] };
    const others = page.statements.flatMap((statement) => statement.context.contextActivities.other);
    expect(others.length).toBe(4_900);
    expect(others[0]!.definition).toEqual({ name: { fr: "Activité 99-0" } });
    expect(report.violations).toEqual([]);
    // Authentication, the page, and one batch of 55 lookups (90 ids each), whatever the number of activities.
    expect(report.d1).toBeLessThanOrEqual(6);
  }, 120_000);
});

describe("attachments=true over 60 contents", () => {
  it("serves 32 statements with their contents, then the other 28 through `more`", async () => {
    for (let request = 0; request < 2; request++) {
      const statements = [];
      const parts = [];
      for (let i = 0; i < 30; i++) {
        const content = `attachment ${request}-${i}`;
        statements.push({
          actor: { mbox: "mailto:reader@example.com" },
          verb: { id: "http://example.com/verbs/attached" },
          object: { id: `http://example.com/attached/${request}-${i}` },
          attachments: [await attachmentFor(content)],
        });
        parts.push(await partFor(content));
      }
      const posted = await postMultipart(statements, parts);
      expect(posted.status, await posted.clone().text()).toBe(200);
    }

    const first = await metered(() => xapi("/statements?attachments=true&verb=http%3A%2F%2Fexample.com%2Fverbs%2Fattached"));
    expect(first.status).toBe(200);
    const firstParts = parseMultipartResponse(first.headers.get("Content-Type")!, first.bytes);
    const firstResult = JSON.parse(new TextDecoder().decode(firstParts[0]!.body)) as { statements: unknown[]; more: string };
    expect([firstResult.statements.length, firstParts.length - 1]).toEqual([32, 32]);
    expect(first.report.r2).toBe(32);
    expect(first.report.violations).toEqual([]);

    const more = firstResult.more.replace(/^\/xapi/, "");
    const second = await metered(() => xapi(`${more}`));
    const secondParts = parseMultipartResponse(second.headers.get("Content-Type")!, second.bytes);
    const secondResult = JSON.parse(new TextDecoder().decode(secondParts[0]!.body)) as { statements: unknown[]; more: string };
    expect([secondResult.statements.length, secondParts.length - 1, secondResult.more]).toEqual([28, 28, ""]);
    expect(second.report.violations).toEqual([]);
  }, 120_000);
});

describe("multipart requests and R2 writes", () => {
  async function declaring(count: number, tag: string) {
    const contents = Array.from({ length: count }, (_, i) => `content ${tag} ${i}`);
    const statement = {
      actor: { mbox: "mailto:uploader@example.com" },
      verb: { id: "http://example.com/verbs/uploaded" },
      object: { id: `http://example.com/uploads/${tag}` },
      attachments: await Promise.all(contents.map((content) => attachmentFor(content))),
    };
    return { statement, parts: await Promise.all(contents.map((content) => partFor(content))) };
  }

  it("stores 32 new contents in one request, within the call budget", async () => {
    const { statement, parts } = await declaring(32, "fits");
    const before = await attachmentObjects();
    const { status, report } = await metered(() => postMultipart(statement, parts));
    expect(status).toBe(200);
    expect(report.r2).toBe(32);
    expect(report.calls).toBeLessThanOrEqual(45);
    expect(report.violations).toEqual([]);
    expect(await attachmentObjects()).toBe(before + 32);
  }, 60_000);

  it("refuses 1,001 parts (1,000 new contents) with 413 before writing any of them", async () => {
    const { statement, parts } = await declaring(1_000, "many");
    const before = await attachmentObjects();
    const { status, text, report } = await metered(() => postMultipart(statement, parts));
    expect(status).toBe(413);
    expect(text).toMatch(/at most 32 R2 writes .* this one needs 1000/);
    expect(report.r2).toBe(0);
    expect(await attachmentObjects()).toBe(before);
  }, 60_000);

  it("refuses 1,001 parts repeating one content with 400 at part 34, writing nothing", async () => {
    const { statement, parts } = await declaring(1, "repeated");
    const before = await attachmentObjects();
    const { status, text } = await metered(() => postMultipart(statement, Array.from({ length: 1_000 }, () => parts[0]!)));
    expect(status).toBe(400);
    expect(text).toMatch(/at most 33 parts/);
    expect(await attachmentObjects()).toBe(before);
  }, 60_000);

  it("refuses a request whose large contents need more R2 calls than the budget", async () => {
    // 6 contents of 25 MiB declared: each a multipart upload of 5 parts plus create and complete (7 calls).
    const big = Array.from({ length: 6 }, (_, i) => ({
      usageType: "http://example.com/attachment-usage/test",
      display: { "en-US": "big" },
      contentType: "application/octet-stream",
      length: 25 * 1024 * 1024,
      sha2: `${"a".repeat(63)}${i}`,
    }));
    const statement = {
      actor: { mbox: "mailto:uploader@example.com" },
      verb: { id: "http://example.com/verbs/uploaded" },
      object: { id: "http://example.com/uploads/big" },
      attachments: big,
    };
    const { status, text, report } = await metered(() => postMultipart(statement, []));
    expect(status).toBe(413);
    expect(text).toMatch(/this one needs 42/);
    expect(report.r2).toBe(0);
  });
});
