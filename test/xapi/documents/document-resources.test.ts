// The rules common to State, Activity Profile and Agent Profile (1.0.3 Communication 2.2–2.7; 9274.1.1
// 4.1.6.2/5/6): PUT/POST/GET/DELETE, the JSON merge, content types, HEAD, Last-Modified, id lists and `since`.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { documentParams, idName, KINDS, url, without } from "./document-helpers";

/** A PUT that every version and kind accepts for a new document. */
const CREATE = { "If-None-Match": "*" };

describe.each(VERSIONS)("document resources (%s)", (version) => {
  describe.each(KINDS)("%s", (kind) => {
    it("stores a document with PUT and returns it with its Content-Type, ETag and Last-Modified", async () => {
      const params = documentParams(kind);
      const put = await xapi(url(kind, params), { method: "PUT", version, json: { a: 1 }, headers: CREATE });
      expect(put.status).toBe(204);
      const got = await xapi(url(kind, params), { version });
      expect(got.status).toBe(200);
      expect(got.headers.get("Content-Type")).toBe("application/json");
      expect(got.headers.get("ETag")).toMatch(/^"[0-9a-f]{40}"$/);
      expect(Date.parse(got.headers.get("Last-Modified")!)).not.toBeNaN();
      expect(await got.json()).toEqual({ a: 1 });
    });

    it("gives the lowercase hex SHA-1 of the body as the quoted ETag", async () => {
      const params = documentParams(kind);
      const text = '{"x":"foo"}';
      await xapi(url(kind, params), { method: "POST", version, body: text, headers: { "Content-Type": "application/json" } });
      const got = await xapi(url(kind, params), { version });
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text)));
      const hex = Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
      expect(got.headers.get("ETag")).toBe(`"${hex}"`);
      expect(await got.text()).toBe(text);
    });

    it("creates a missing document with POST", async () => {
      const params = documentParams(kind);
      expect((await xapi(url(kind, params), { method: "POST", version, json: { car: "Honda" } })).status).toBe(204);
      expect(await (await xapi(url(kind, params), { version })).json()).toEqual({ car: "Honda" });
    });

    it("merges top-level properties of a JSON POST into a stored JSON document (no deep merge)", async () => {
      const params = documentParams(kind);
      await xapi(url(kind, params), { method: "POST", version, json: { x: "foo", y: "bar", car: { make: "Ford", model: "Escape" } } });
      const merged = await xapi(url(kind, params), { method: "POST", version, json: { x: "bash", z: "faz", car: { make: "Dodge" } } });
      expect(merged.status).toBe(204);
      const got = await xapi(url(kind, params), { version });
      expect(await got.json()).toEqual({ x: "bash", y: "bar", z: "faz", car: { make: "Dodge" } });
    });

    it("changes the ETag and Last-Modified when a document changes", async () => {
      const params = documentParams(kind);
      await xapi(url(kind, params), { method: "POST", version, json: { v: 1 } });
      const before = await xapi(url(kind, params), { version });
      await new Promise((resolve) => setTimeout(resolve, 1100));
      await xapi(url(kind, params), { method: "POST", version, json: { v: 2 } });
      const after = await xapi(url(kind, params), { version });
      expect(after.headers.get("ETag")).not.toBe(before.headers.get("ETag"));
      expect(Date.parse(after.headers.get("Last-Modified")!)).toBeGreaterThan(Date.parse(before.headers.get("Last-Modified")!));
    });

    it.each([
      ["the posted document is not JSON", "application/json", { a: 1 }, "not/json", "abcdefg"],
      ["the stored document is not JSON", "application/octet-stream", "/ asdf / undefined", "application/json", '{"a":1}'],
      ["the posted JSON is not an Object", "application/json", { a: 1 }, "application/json", "[1,2]"],
      ["the posted JSON does not parse", "application/json", { a: 1 }, "application/json", '{"a":1}{'],
    ])("rejects a POST when %s, leaving the document as it was", async (_case, storedType, stored, postedType, posted) => {
      const params = documentParams(kind);
      const storedBody = typeof stored === "string" ? stored : JSON.stringify(stored);
      await xapi(url(kind, params), { method: "PUT", version, body: storedBody, headers: { ...CREATE, "Content-Type": storedType } });
      const post = await xapi(url(kind, params), { method: "POST", version, body: posted, headers: { "Content-Type": postedType } });
      expect(post.status).toBe(400);
      const got = await xapi(url(kind, params), { version });
      expect(got.headers.get("Content-Type")).toBe(storedType);
      expect(new TextDecoder().decode(await got.arrayBuffer())).toBe(storedBody);
    });

    it("rejects a JSON POST that does not parse even when no document exists", async () => {
      const params = documentParams(kind);
      const post = await xapi(url(kind, params), { method: "POST", version, body: '{"a":1}[', headers: { "Content-Type": "application/json" } });
      expect(post.status).toBe(400);
      expect((await xapi(url(kind, params), { version })).status).toBe(404);
    });

    it("answers 404 for a missing document and deletes one with DELETE", async () => {
      const params = documentParams(kind);
      expect((await xapi(url(kind, params), { version })).status).toBe(404);
      await xapi(url(kind, params), { method: "POST", version, json: { a: 1 } });
      expect((await xapi(url(kind, params), { method: "DELETE", version })).status).toBe(204);
      expect((await xapi(url(kind, params), { version })).status).toBe(404);
      // Deleting what is not there is not an error.
      expect((await xapi(url(kind, params), { method: "DELETE", version })).status).toBe(204);
    });

    it("answers HEAD like GET without a body", async () => {
      const params = documentParams(kind);
      await xapi(url(kind, params), { method: "POST", version, json: { a: 1 } });
      const get = await xapi(url(kind, params), { version });
      const head = await xapi(url(kind, params), { method: "HEAD", version });
      expect(head.status).toBe(200);
      expect(head.headers.get("ETag")).toBe(get.headers.get("ETag"));
      expect(head.headers.get("Content-Type")).toBe("application/json");
      expect(await head.text()).toBe("");
      const list = await xapi(url(kind, without(params, idName(kind))), { method: "HEAD", version });
      expect(list.status).toBe(200);
    });

    it("lists the ids of a context, limited by `since` (exclusive), with the newest Last-Modified", async () => {
      const params = documentParams(kind);
      const first = params[idName(kind)] as string;
      const second = `${first}-second`;
      await xapi(url(kind, params), { method: "POST", version, json: { a: 1 } });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const between = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 20));
      await xapi(url(kind, { ...params, [idName(kind)]: second }), { method: "POST", version, json: { b: 1 } });

      const context = without(params, idName(kind));
      const all = await xapi(url(kind, context), { version });
      expect(all.status).toBe(200);
      expect(all.headers.get("ETag")).toMatch(/^"[0-9a-f]{40}"$/);
      expect((await all.json<string[]>()).sort()).toEqual([first, second].sort());
      const secondGot = await xapi(url(kind, { ...params, [idName(kind)]: second }), { version });
      expect(all.headers.get("Last-Modified")).toBe(secondGot.headers.get("Last-Modified"));

      const since = await xapi(url(kind, { ...context, since: between }), { version });
      expect(await since.json()).toEqual([second]);
      const future = await xapi(url(kind, { ...context, since: new Date(Date.now() + 60_000).toISOString() }), { version });
      expect(await future.json()).toEqual([]);
    });

    it("rejects an invalid `since`, and `since` with a document id", async () => {
      const params = documentParams(kind);
      const context = without(params, idName(kind));
      expect((await xapi(url(kind, { ...context, since: "not a timestamp" }), { version })).status).toBe(400);
      expect((await xapi(url(kind, { ...context, since: true }), { version })).status).toBe(400);
      expect((await xapi(url(kind, { ...params, since: new Date().toISOString() }), { version })).status).toBe(400);
    });

    it("rejects a missing document id on PUT and POST", async () => {
      const params = without(documentParams(kind), idName(kind));
      expect((await xapi(url(kind, params), { method: "PUT", version, json: { a: 1 }, headers: CREATE })).status).toBe(400);
      expect((await xapi(url(kind, params), { method: "POST", version, json: { a: 1 } })).status).toBe(400);
    });

    it("rejects unknown parameters and parameters in the wrong case", async () => {
      const params = documentParams(kind);
      for (const extra of [{ foo: "bar" }, { [idName(kind).toUpperCase()]: "x" }]) {
        expect((await xapi(url(kind, { ...params, ...extra }), { version })).status).toBe(400);
        expect((await xapi(url(kind, { ...params, ...extra }), { method: "POST", version, json: { a: 1 } })).status).toBe(400);
      }
      const renamed = { ...without(params, idName(kind)), [`${idName(kind).slice(0, -2)}ID`]: "x" };
      expect((await xapi(url(kind, renamed), { method: "POST", version, json: { a: 1 } })).status).toBe(400);
    });

    it("rejects a repeated parameter", async () => {
      const params = documentParams(kind);
      const repeated = `${url(kind, params)}&${idName(kind)}=other`;
      expect((await xapi(repeated, { method: "POST", version, json: { a: 1 } })).status).toBe(400);
    });
  });

  describe.each(["state", "agent_profile"] as const)("%s agent parameter", (kind) => {
    it.each([
      ["missing", undefined],
      ["not JSON", "not JSON"],
      ["JSON true", true],
      ["broken JSON", '{"objectType""Agent"}'],
      ["an Agent without an identifier", { objectType: "Agent", name: "Rick" }],
      ["an Agent with two identifiers", { mbox: "mailto:a@example.com", openid: "http://example.com/a" }],
      ["an account without homePage", { account: { name: "x" } }],
      ["an unknown property", { mbox: "mailto:a@example.com", age: 4 }],
    ])("rejects an agent that is %s on every method", async (_case, agent) => {
      const params = { ...documentParams(kind), agent };
      for (const method of ["GET", "PUT", "POST", "DELETE"]) {
        const res = await xapi(url(kind, params), { method, version, json: method === "PUT" || method === "POST" ? { a: 1 } : undefined, headers: CREATE });
        expect(res.status, method).toBe(400);
      }
    });

    it("keys documents by the identifier, not by name or objectType", async () => {
      const params = documentParams(kind, { agent: { mbox: "mailto:same@example.com" } });
      await xapi(url(kind, params), { method: "PUT", version, json: { a: 1 }, headers: CREATE });
      const renamed = { ...params, agent: { objectType: "Agent", name: "Someone", mbox: "mailto:same@example.com" } };
      expect(await (await xapi(url(kind, renamed), { version })).json()).toEqual({ a: 1 });
      await xapi(url(kind, params), { method: "DELETE", version });
    });
  });

  describe.each(["state", "activity_profile"] as const)("%s activityId parameter", (kind) => {
    it.each([["missing", undefined], ["not an IRI", "not an iri"], ["JSON true", true]])(
      "rejects an activityId that is %s on every method",
      async (_case, activityId) => {
        const params = { ...documentParams(kind), activityId };
        for (const method of ["GET", "PUT", "POST", "DELETE"]) {
          const res = await xapi(url(kind, params), { method, version, json: method === "PUT" || method === "POST" ? { a: 1 } : undefined, headers: CREATE });
          expect(res.status, method).toBe(400);
        }
      },
    );
  });

  it.each(["activity_profile", "agent_profile"] as const)("%s has no delete-all: DELETE needs profileId", async (kind) => {
    const params = without(documentParams(kind), "profileId");
    expect((await xapi(url(kind, params), { method: "DELETE", version })).status).toBe(400);
  });
});
