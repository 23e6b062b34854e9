// Validation seen through the Statements resource: invalid statements are answered 400 with the path of
// the problem in the error body, and a batch with one bad statement stores none of them
// (1.0.3 Communication 3.2.s3.b9; 9274.1.1 4.1.5).
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../../helpers";
import { fullStatement, type Json, minimalStatement, mutated } from "./fixtures";

type ErrorBody = { error: { status: number; message: string; path?: string } };

async function postRaw(body: string, version: string): Promise<{ status: number; body: ErrorBody }> {
  const res = await xapi("/statements", { method: "POST", body, version, headers: { "Content-Type": "application/json" } });
  return { status: res.status, body: (await res.json()) as ErrorBody };
}

const INVALID: [string, (s: Json) => void, string][] = [
  ["an Agent with two identifiers", (s) => (s.actor.openid = "http://openid.example.org/x"), "actor"],
  ["an mbox without mailto:", (s) => (s.actor.mbox = "learner@example.com"), "actor.mbox"],
  ["an unknown property", (s) => (s.verb.Display = s.verb.display), "verb.Display"],
  ["a scaled score above 1", (s) => (s.result.score.scaled = 2), "result.score.scaled"],
  ["a boolean sent as a string", (s) => (s.result.success = "true"), "result.success"],
  ["a null outside extensions", (s) => (s.context.platform = null), "context.platform"],
  ["an unknown interactionType", (s) => (s.object.definition.interactionType = "Choice"), "object.definition.interactionType"],
  ["a bad language tag", (s) => (s.object.definition.name = { a12345: "x" }), "object.definition.name.a12345"],
  ["a -00:00 timestamp", (s) => (s.timestamp = "2008-09-15T15:53:00.601-00:00"), "timestamp"],
  ["an alternative-format duration", (s) => (s.result.duration = "P0003-04-06T12:00:00"), "result.duration"],
  ["version 1.1.0", (s) => (s.version = "1.1.0"), "version"],
];

describe.each(VERSIONS)("statement validation over HTTP (%s)", (version) => {
  it.each(INVALID)("POST rejects %s with its path", async (_name, change, path) => {
    const res = await postRaw(JSON.stringify(mutated(fullStatement(), change)), version);
    expect(res.status).toBe(400);
    expect(res.body.error.path).toBe(`statement.${path}`);
    expect(res.body.error.message).toContain(`statement.${path}: `);
  });

  it("POST of a batch names the index of the bad statement and stores none of the batch", async () => {
    const ids = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()];
    const batch = [
      { ...minimalStatement(), id: ids[0] },
      { ...minimalStatement(), id: ids[1] },
      { ...minimalStatement(), id: ids[2], actor: { mbox: "mailto:a@example.com", mbox_sha1sum: "ebd31e95054c018b10727ccffd2ef2ec3a016ee9" } },
    ];
    const res = await postRaw(JSON.stringify(batch), version);
    expect(res.status).toBe(400);
    expect(res.body.error.path).toBe("statement[2].actor");
    for (const id of ids) {
      const got = await xapi(`/statements?statementId=${id}`, { version });
      await got.arrayBuffer();
      expect(got.status).toBe(404);
    }
  });

  it("POST rejects a repeated key with its path, and stores nothing", async () => {
    const id = crypto.randomUUID();
    const body = `[{"id":"${id}","actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://e.com/v"},"object":{"id":"http://e.com/o","id":"http://e.com/p"}}]`;
    const res = await postRaw(body, version);
    expect(res.status).toBe(400);
    expect(res.body.error.path).toBe("statement[0].object.id");
    const got = await xapi(`/statements?statementId=${id}`, { version });
    await got.arrayBuffer();
    expect(got.status).toBe(404);
  });

  it("PUT rejects an invalid statement with its path", async () => {
    const id = crypto.randomUUID();
    const res = await xapi(`/statements?statementId=${id}`, {
      method: "PUT",
      json: { ...minimalStatement(), object: { objectType: "StatementRef", id: "not-a-uuid" } },
      version,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.path).toBe("statement.object.id");
  });

  it("the unmutated statement is stored", async () => {
    const res = await xapi("/statements", { method: "POST", json: { ...fullStatement(), id: crypto.randomUUID() }, version });
    expect(res.status, await res.text()).toBe(200);
  });
});

// The body is decoded strictly (src/http/body.ts decodeUtf8): a U+FFFD the client encoded is kept as sent, bad
// bytes are a 400 and never become one, and a leading byte order mark is dropped, as UTF-8 decoding does.
describe("statements body encoding over HTTP", () => {
  const post = (bytes: Uint8Array) =>
    xapi("/statements", { method: "POST", body: bytes, headers: { "Content-Type": "application/json" } });
  const withName = (id: string, name: string) =>
    JSON.stringify({ ...minimalStatement(), id, verb: { id: "http://example.com/v", display: { en: name } } });

  it("keeps a U+FFFD the client sent, byte for byte", async () => {
    const id = crypto.randomUUID();
    const res = await post(new TextEncoder().encode(withName(id, "bad \uFFFD char")));
    expect(res.status, await res.text()).toBe(200);
    const got = await xapi(`/statements?statementId=${id}`);
    expect(((await got.json()) as Json).verb.display.en).toBe("bad \uFFFD char");
  });

  it("refuses invalid UTF-8 next to a U+FFFD that was sent, and stores nothing", async () => {
    const id = crypto.randomUUID();
    const [before, after] = withName(id, "\uFFFD|").split("|") as [string, string];
    const encoder = new TextEncoder();
    const res = await post(new Uint8Array([...encoder.encode(before), 0xc3, 0x28, ...encoder.encode(after)]));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorBody).error.message).toContain("not valid UTF-8");
    const got = await xapi(`/statements?statementId=${id}`);
    await got.arrayBuffer();
    expect(got.status).toBe(404);
  });

  it("accepts a body that starts with a UTF-8 byte order mark", async () => {
    const id = crypto.randomUUID();
    const res = await post(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(withName(id, "bom"))]));
    expect(res.status, await res.text()).toBe(200);
  });
});

describe("version-specific rules over HTTP", () => {
  it("contextAgents is refused under 1.0.3 and accepted under 2.0", async () => {
    const body = JSON.stringify({
      ...minimalStatement(),
      context: { contextAgents: [{ objectType: "contextAgent", agent: { mbox: "mailto:c@example.com" } }] },
    });
    const old = await postRaw(body, "1.0.3");
    expect(old.status).toBe(400);
    expect(old.body.error.path).toBe("statement.context.contextAgents");
    const res = await xapi("/statements", { method: "POST", body, version: "2.0.0", headers: { "Content-Type": "application/json" } });
    await res.arrayBuffer();
    expect(res.status).toBe(200);
  });
});
