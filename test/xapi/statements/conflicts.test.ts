import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { fetchStatement, post, put, statement, type Json } from "./fixtures";

async function countStatements(): Promise<number> {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM statements").first<{ n: number }>();
  return row!.n;
}

describe.each(VERSIONS)("re-sent statement ids (%s)", (version) => {
  it("accepts an identical re-send without a new write (PUT 204, POST the id)", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id }), version)).toBe(204);
    const first = await fetchStatement(id, version);
    const before = await countStatements();
    expect(await put(id, statement({ id }), version)).toBe(204);
    expect(await post([statement({ id })], version)).toEqual({ status: 200, ids: [id] });
    expect(await countStatements()).toBe(before);
    expect((await fetchStatement(id, version)).stored).toBe(first.stored);
  });

  it("answers 409 to different content under a stored id and changes nothing", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id }), version)).toBe(204);
    const different = statement({ id, verb: { id: "http://example.com/different/verb/iri" } });
    expect(await put(id, different, version)).toBe(409);
    const fresh = crypto.randomUUID();
    const batch = await post([statement({ id: fresh }), different], version);
    expect(batch.status).toBe(409);
    expect((await fetchStatement(id, version)).verb).toEqual(statement().verb);
    expect((await xapi(`/statements?statementId=${fresh}`, { version })).status).toBe(404);
  });

  it("ignores the differences the comparison rules except", async () => {
    const id = crypto.randomUUID();
    const group = (members: Json[]) => ({ objectType: "Group", name: "G", mbox: "mailto:g@example.com", member: members });
    const a = { mbox: "mailto:a@example.com" };
    const b = { mbox: "mailto:b@example.com" };
    const original = statement({
      id,
      actor: group([a, b]),
      timestamp: "2023-05-04T17:00:00.000Z",
      context: { registration: "6f4bd2a4-5b7e-4b0b-9d4b-2a8d1c6e3f10" },
    });
    expect(await put(id, original, version)).toBe(204);
    const equivalent = statement({
      id: id.toUpperCase(),
      actor: group([b, a]),
      verb: { id: statement().verb && "http://adlnet.gov/expapi/verbs/experienced", display: { fr: "vécu" } },
      object: {
        objectType: "Activity",
        id: "http://example.com/activities/one",
        definition: { name: { "en-US": "One" } },
      },
      timestamp: "2023-05-04T12:00:00-05:00",
      context: { registration: "6F4BD2A4-5B7E-4B0B-9D4B-2A8D1C6E3F10" },
      stored: "2001-01-01T00:00:00Z",
      authority: { objectType: "Agent", mbox: "mailto:someone@example.com" },
      version: version === "1.0.3" ? "1.0.3" : "2.0.0",
    });
    expect(await put(id, equivalent, version)).toBe(204);
    expect(await post(equivalent, version)).toEqual({ status: 200, ids: [id] });
  });

  it("compares case as each version says: 2.0 never, 1.0.3 only for case-insensitive values", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id, result: { response: "Yes" }, context: { language: "en-US" } }), version)).toBe(204);
    const languageCase = statement({ id, result: { response: "Yes" }, context: { language: "EN-us" } });
    expect(await put(id, languageCase, version)).toBe(204);
    const responseCase = statement({ id, result: { response: "YES" }, context: { language: "en-US" } });
    expect(await put(id, responseCase, version)).toBe(version === "2.0.0" ? 204 : 409);
  });

  it("counts a different result duration serialization as different", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id, result: { duration: "PT1H" } }), version)).toBe(204);
    expect(await put(id, statement({ id, result: { duration: "PT60M" } }), version)).toBe(409);
  });

  it("rejects a batch that uses one id twice (400) and stores none of it", async () => {
    const id = crypto.randomUUID();
    const other = crypto.randomUUID();
    const res = await post([statement({ id: other }), statement({ id }), statement({ id })], version);
    expect(res.status).toBe(400);
    expect((await xapi(`/statements?statementId=${other}`, { version })).status).toBe(404);
    expect((await xapi(`/statements?statementId=${id}`, { version })).status).toBe(404);
  });

  it("stores nothing of a batch with one invalid statement", async () => {
    const before = await countStatements();
    const ids = [crypto.randomUUID(), crypto.randomUUID()];
    const res = await post(
      [statement({ id: ids[0] }), statement({ id: ids[1], actor: { mbox: "not-an-email" } })],
      version,
    );
    expect(res.status).toBe(400);
    expect(await countStatements()).toBe(before);
  });

  it("lets exactly one of concurrent PUTs of the same id write; the others are no-ops or 409", async () => {
    const id = crypto.randomUUID();
    const variants = Array.from({ length: 6 }, (_, i) =>
      statement({ id, result: { response: `answer ${i % 2}` } }),
    );
    const statuses = await Promise.all(variants.map((body) => put(id, body, version)));
    for (const status of statuses) expect([204, 409]).toContain(status);
    const stored = await fetchStatement(id, version);
    const winner = (stored.result as { response: string }).response;
    statuses.forEach((status, i) => {
      const same = `answer ${i % 2}` === winner;
      expect(status, `variant ${i}`).toBe(same ? 204 : 409);
    });
    const rows = await env.DB.prepare("SELECT count(*) AS n FROM statements WHERE id = ?").bind(id).first<{ n: number }>();
    expect(rows!.n).toBe(1);
  });
});
