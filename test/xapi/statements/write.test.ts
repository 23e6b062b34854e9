import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { fetchStatement, post, put, statement } from "./fixtures";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe.each(VERSIONS)("PUT and POST /statements (%s)", (version) => {
  it("PUT stores a statement under statementId and answers 204 with an empty body", async () => {
    const id = crypto.randomUUID();
    const res = await xapi(`/statements?statementId=${id}`, { method: "PUT", json: statement(), version });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    const got = await fetchStatement(id, version);
    expect(got.id).toBe(id);
    expect(got.verb).toEqual(statement().verb);
    expect(got.actor).toEqual(statement().actor);
  });

  it("PUT accepts a body id equal to statementId and rejects a different one", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id }), version)).toBe(204);
    const other = crypto.randomUUID();
    expect(await put(other, statement({ id: crypto.randomUUID() }), version)).toBe(400);
    expect((await xapi(`/statements?statementId=${other}`, { version })).status).toBe(404);
  });

  it("PUT requires a UUID statementId and a single statement object", async () => {
    const noParam = await xapi("/statements", { method: "PUT", json: statement(), version });
    expect(noParam.status).toBe(400);
    expect((await xapi("/statements?statementId=abc", { method: "PUT", json: statement(), version })).status).toBe(400);
    expect(await put(crypto.randomUUID(), [statement()], version)).toBe(400);
    const extra = await xapi(`/statements?statementId=${crypto.randomUUID()}&agent=x`, {
      method: "PUT",
      json: statement(),
      version,
    });
    expect(extra.status).toBe(400);
    const wrongCase = await xapi(`/statements?StatementId=${crypto.randomUUID()}`, {
      method: "PUT",
      json: statement(),
      version,
    });
    expect(wrongCase.status).toBe(400);
  });

  it("POST stores a single statement or an array and returns the ids in order", async () => {
    const given = crypto.randomUUID();
    const batch = await post([statement({ id: given }), statement()], version);
    expect(batch.status).toBe(200);
    expect(batch.ids).toHaveLength(2);
    expect(batch.ids[0]).toBe(given);
    expect(batch.ids[1]).toMatch(UUID_V4);
    expect(batch.ids[1]).not.toBe(given);
    const single = await post(statement(), version);
    expect(single.status).toBe(200);
    expect(single.ids).toHaveLength(1);
    expect((await fetchStatement(single.ids[0]!, version)).id).toBe(single.ids[0]);
  });

  it("POST with an empty array stores nothing and answers 200 []", async () => {
    const res = await post([], version);
    expect(res).toEqual({ status: 200, ids: [] });
  });

  it("POST rejects query parameters", async () => {
    const res = await xapi(`/statements?statementId=${crypto.randomUUID()}`, { method: "POST", json: statement(), version });
    expect(res.status).toBe(400);
  });

  it("requires Content-Type application/json (400 otherwise)", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const res = await xapi("/statements", {
        method: "POST",
        body: JSON.stringify(statement()),
        headers: { "Content-Type": type },
        version,
      });
      expect(res.status, type).toBe(400);
    }
    const charset = await xapi("/statements", {
      method: "POST",
      body: JSON.stringify(statement()),
      headers: { "Content-Type": "application/json; charset=utf-8" },
      version,
    });
    expect(charset.status).toBe(200);
  });

  it("rejects malformed JSON and JSON with a repeated key with 400", async () => {
    for (const body of ["{", '{"actor": 1,}', '{"id": "a", "id": "b"}']) {
      const res = await xapi("/statements", {
        method: "POST",
        body,
        headers: { "Content-Type": "application/json" },
        version,
      });
      expect(res.status, body).toBe(400);
    }
  });

  it("refuses a statement too large to store as one row with 413, storing nothing of the batch", async () => {
    const id = crypto.randomUUID();
    const big = statement({ result: { extensions: { "http://example.com/ext/blob": "x".repeat(900_000) } } });
    const res = await xapi("/statements", { method: "POST", json: [statement({ id }), big], version });
    expect(res.status).toBe(413);
    expect((await xapi(`/statements?statementId=${id}`, { version })).status).toBe(404);
    const fits = statement({ result: { extensions: { "http://example.com/ext/blob": "x".repeat(700_000) } } });
    expect((await post(fits, version)).status).toBe(200);
  });

  it("answers 400, never 500, to bodies that are not statements", async () => {
    for (const body of ["null", "1", '"text"', "[[]]", "[null]", "{}", "[1, 2]", "true"]) {
      const posted = await xapi("/statements", { method: "POST", body, headers: { "Content-Type": "application/json" }, version });
      expect(posted.status, `POST ${body}`).toBe(400);
      const id = crypto.randomUUID();
      const putRes = await xapi(`/statements?statementId=${id}`, {
        method: "PUT",
        body,
        headers: { "Content-Type": "application/json" },
        version,
      });
      expect(putRes.status, `PUT ${body}`).toBe(400);
    }
    const empty = await xapi("/statements?statementId=", { method: "PUT", json: statement(), version });
    expect(empty.status).toBe(400);
  });

  it("rejects an invalid statement with 400 and a path", async () => {
    const { verb: _verb, ...noVerb } = statement();
    const res = await xapi("/statements", { method: "POST", json: [statement(), noVerb], version });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { path?: string } };
    expect(body.error.path).toMatch(/^statement\[1\]/);
  });
});

describe.each(VERSIONS)("LRS-set properties (%s)", (version) => {
  it("sets stored (overwriting a submitted one) and timestamp := stored when absent", async () => {
    const before = Date.now();
    const { ids } = await post(statement({ stored: "2011-07-15T00:00:00.000Z" }), version);
    const got = await fetchStatement(ids[0]!, version);
    expect(got.stored).not.toBe("2011-07-15T00:00:00.000Z");
    expect(got.stored).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(Date.parse(got.stored as string)).toBeGreaterThanOrEqual(before - 5_000);
    expect(got.timestamp).toBe(got.stored);
  });

  it("keeps a submitted timestamp, as an instant in UTC", async () => {
    const kept = await post(statement({ timestamp: "2023-05-04T17:00:00.123456Z" }), version);
    expect((await fetchStatement(kept.ids[0]!, version)).timestamp).toBe("2023-05-04T17:00:00.123456Z");
    const converted = await post(statement({ timestamp: "2023-05-04T12:00:00-05:00" }), version);
    expect((await fetchStatement(converted.ids[0]!, version)).timestamp).toBe("2023-05-04T17:00:00.000Z");
  });

  it("replaces a submitted authority with the credential's authority", async () => {
    const authority = { objectType: "Agent", mbox: "mailto:impostor@example.com" };
    const { ids } = await post(statement({ authority }), version);
    const got = await fetchStatement(ids[0]!, version);
    expect(got.authority).toEqual({
      objectType: "Agent",
      name: "test-key",
      account: { homePage: "http://lrs.test", name: "test-key" },
    });
  });

  it("defaults version per the client's xAPI version and keeps a submitted one", async () => {
    const { ids } = await post(statement(), version);
    expect((await fetchStatement(ids[0]!, version)).version).toBe(version === "1.0.3" ? "1.0.0" : "2.0.0");
    const sent = version === "1.0.3" ? "1.0.3" : "2.0.0";
    const kept = await post(statement({ version: sent }), version);
    expect((await fetchStatement(kept.ids[0]!, version)).version).toBe(sent);
  });

  it("returns every contextActivities value as an array", async () => {
    const parent = { id: "http://example.com/activities/parent", objectType: "Activity" };
    const { ids } = await post(statement({ context: { contextActivities: { parent } } }), version);
    const got = await fetchStatement(ids[0]!, version);
    expect((got.context as { contextActivities: unknown }).contextActivities).toEqual({ parent: [parent] });
  });
});

describe("2.0: a null timestamp", () => {
  it("is read as absent and filled from stored", async () => {
    const { status, ids } = await post(statement({ timestamp: null }), "2.0.0");
    expect(status).toBe(200);
    const got = await fetchStatement(ids[0]!, "2.0.0");
    expect(got.timestamp).toBe(got.stored);
  });
});
