// Optimistic concurrency on the document resources (1.0.3 Communication 3.1; 9274.1.1 4.1.4): If-Match and
// If-None-Match with 412, the 409 for a header-less PUT over an existing document, and real races between
// concurrent writers of one document, which the DocumentWriter Durable Object serialises.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, KINDS, url } from "./document-helpers";

async function create(kind: (typeof KINDS)[number], version: string, body: unknown): Promise<{ params: Record<string, unknown>; etag: string }> {
  const params = documentParams(kind);
  expect((await xapi(url(kind, params), { method: "POST", version, json: body })).status).toBe(204);
  const got = await xapi(url(kind, params), { version });
  return { params, etag: got.headers.get("ETag")! };
}

async function read(kind: (typeof KINDS)[number], version: string, params: Record<string, unknown>): Promise<unknown> {
  const got = await xapi(url(kind, params), { version });
  return got.status === 200 ? got.json() : got.status;
}

describe.each(VERSIONS)("concurrency (%s)", (version) => {
  describe.each(KINDS)("%s", (kind) => {
    it.each(["PUT", "POST", "DELETE"])("rejects %s with a non-matching If-Match with 412 and changes nothing", async (method) => {
      const { params, etag } = await create(kind, version, { v: 1 });
      const json = method === "DELETE" ? undefined : { v: 2 };
      for (const tag of ['"1234"', '"1111111111111111111111111111111111111111"', `W/${etag}`]) {
        const res = await xapi(url(kind, params), { method, version, json, headers: { "If-Match": tag } });
        expect(res.status, tag).toBe(412);
      }
      expect(await read(kind, version, params)).toEqual({ v: 1 });
      const ok = await xapi(url(kind, params), { method, version, json, headers: { "If-Match": etag } });
      expect(ok.status).toBe(204);
      expect(await read(kind, version, params)).toEqual(method === "DELETE" ? 404 : { v: 2 });
    });

    it("accepts If-Match as *, as a list holding the current tag, and unquoted", async () => {
      const { params, etag } = await create(kind, version, { v: 1 });
      expect((await xapi(url(kind, params), { method: "PUT", version, json: { v: 2 }, headers: { "If-Match": "*" } })).status).toBe(204);
      const second = (await xapi(url(kind, params), { version })).headers.get("ETag")!;
      expect(second).not.toBe(etag);
      const list = `"0000", ${second} , "ffff"`;
      expect((await xapi(url(kind, params), { method: "PUT", version, json: { v: 3 }, headers: { "If-Match": list } })).status).toBe(204);
      const third = (await xapi(url(kind, params), { version })).headers.get("ETag")!;
      const unquoted = third.slice(1, -1);
      expect((await xapi(url(kind, params), { method: "PUT", version, json: { v: 4 }, headers: { "If-Match": unquoted } })).status).toBe(204);
      expect(await read(kind, version, params)).toEqual({ v: 4 });
    });

    it("answers 412 to If-Match when no document exists, and 400 to a malformed one", async () => {
      const params = documentParams(kind);
      expect((await xapi(url(kind, params), { method: "PUT", version, json: { v: 1 }, headers: { "If-Match": "*" } })).status).toBe(412);
      expect((await xapi(url(kind, params), { method: "PUT", version, json: { v: 1 }, headers: { "If-Match": '"abc' } })).status).toBe(400);
      expect(await read(kind, version, params)).toBe(404);
    });

    it.each(["PUT", "POST"])("honours If-None-Match: * on %s", async (method) => {
      const params = documentParams(kind);
      const first = await xapi(url(kind, params), { method, version, json: { v: 1 }, headers: { "If-None-Match": "*" } });
      expect(first.status).toBe(204);
      const again = await xapi(url(kind, params), { method, version, json: { v: 2 }, headers: { "If-None-Match": "*" } });
      expect(again.status).toBe(412);
      expect(await read(kind, version, params)).toEqual({ v: 1 });
    });

    const conflicts = version === "2.0.0" || kind !== "state";
    it(`answers a header-less PUT over an existing document with ${conflicts ? "409" : "204"}`, async () => {
      const { params } = await create(kind, version, { v: 1 });
      const res = await xapi(url(kind, params), { method: "PUT", version, json: { v: 2 } });
      if (conflicts) {
        expect(res.status).toBe(409);
        expect((await res.json<{ error: { message: string } }>()).error.message).toMatch(/If-Match/);
        expect(await read(kind, version, params)).toEqual({ v: 1 });
      } else {
        expect(res.status).toBe(204);
        expect(await read(kind, version, params)).toEqual({ v: 2 });
      }
    });

    const rejectsNew = version === "1.0.3" && kind !== "state";
    it(`answers a header-less PUT of a new document with ${rejectsNew ? "400" : "204"}`, async () => {
      const params = documentParams(kind);
      const res = await xapi(url(kind, params), { method: "PUT", version, json: { v: 1 } });
      expect(res.status).toBe(rejectsNew ? 400 : 204);
      expect(await read(kind, version, params)).toEqual(rejectsNew ? 404 : { v: 1 });
    });

    it("returns the new ETag on a successful write", async () => {
      const params = documentParams(kind);
      const put = await xapi(url(kind, params), { method: "PUT", version, json: { v: 1 }, headers: { "If-None-Match": "*" } });
      expect(put.headers.get("ETag")).toBe((await xapi(url(kind, params), { version })).headers.get("ETag"));
    });

    it("lets exactly one of many concurrent If-Match writers win; the others get 412", async () => {
      const { params, etag } = await create(kind, version, { v: 0 });
      const writers = Array.from({ length: 12 }, (_, i) =>
        xapi(url(kind, params), { method: "PUT", version, json: { v: i + 1 }, headers: { "If-Match": etag } }),
      );
      const statuses = (await Promise.all(writers)).map((res) => res.status);
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      expect(statuses.filter((status) => status === 412)).toHaveLength(11);
      const winner = statuses.indexOf(204) + 1;
      expect(await read(kind, version, params)).toEqual({ v: winner });
    });

    it("loses no property when many POST merges into one document run at once", async () => {
      const { params } = await create(kind, version, { base: true });
      const posts = Array.from({ length: 12 }, (_, i) => xapi(url(kind, params), { method: "POST", version, json: { [`k${i}`]: i } }));
      expect((await Promise.all(posts)).map((res) => res.status)).toEqual(Array(12).fill(204));
      const expected: Record<string, unknown> = { base: true };
      for (let i = 0; i < 12; i++) expected[`k${i}`] = i;
      expect(await read(kind, version, params)).toEqual(expected);
    });

    it("lets exactly one of many concurrent If-None-Match: * creators win", async () => {
      const params = documentParams(kind);
      const creators = Array.from({ length: 8 }, (_, i) =>
        xapi(url(kind, params), { method: "PUT", version, json: { v: i }, headers: { "If-None-Match": "*" } }),
      );
      const statuses = (await Promise.all(creators)).map((res) => res.status);
      expect(statuses.filter((status) => status === 204)).toHaveLength(1);
      expect(statuses.filter((status) => status === 412)).toHaveLength(7);
    });
  });
});

describe("concurrent writes and deletes in one context", () => {
  it("leave every listed document readable and exactly one R2 body per document row", async () => {
    const params = documentParams("state");
    const { stateId: _stateId, ...context } = params;
    const writes = Array.from({ length: 10 }, (_, i) =>
      xapi(url("state", { ...context, stateId: `s${i % 4}` }), { method: i % 3 ? "POST" : "PUT", json: { i } }),
    );
    const deletes = [xapi(url("state", context), { method: "DELETE" }), xapi(url("state", { ...context, stateId: "s1" }), { method: "DELETE" })];
    const statuses = (await Promise.all([...writes, ...deletes])).map((res) => res.status);
    expect(statuses.every((status) => status === 204 || status === 409)).toBe(true);

    const listed = await (await xapi(url("state", context))).json<string[]>();
    for (const id of listed) expect((await xapi(url("state", { ...context, stateId: id }))).status).toBe(200);

    const rows = await env.DB.prepare("SELECT r2_key FROM documents").all<{ r2_key: string }>();
    const objects = await env.BLOBS.list({ prefix: "documents/" });
    expect(objects.truncated).toBe(false);
    expect(objects.objects.map((object) => object.key).sort()).toEqual(rows.results.map((row) => row.r2_key).sort());
  });
});
