import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { hashSecret } from "../../../src/auth/secrets";
import { basic, VERSIONS, xapi } from "../../helpers";
import { getById, post, statement, voiding } from "./fixtures";

const ISO_INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;
const HTTP_DATE = /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/;

async function addCredential(key: string, scopes: string[]): Promise<string> {
  const secret = `${key}-secret`;
  await env.DB.prepare(
    `INSERT INTO credentials (id, store_id, name, key, secret_hash, scopes, authority, disabled, created_at)
     VALUES (?1, 'default', ?1, ?1, ?2, ?3, ?4, 0, 0)`,
  )
    .bind(key, await hashSecret(secret), JSON.stringify(scopes), JSON.stringify({ mbox: `mailto:${key}@example.com` }))
    .run();
  return basic(key, secret);
}

describe.each(VERSIONS)("GET /statements?statementId (%s)", (version) => {
  it("returns the statement with Content-Type, Last-Modified = stored, Consistent-Through", async () => {
    const { ids } = await post(statement(), version);
    const res = await getById(ids[0]!, version);
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const body = (await res.json()) as { id: string; stored: string };
    expect(body.id).toBe(ids[0]);
    const lastModified = Date.parse(res.headers.get("Last-Modified")!);
    expect(lastModified).toBe(Math.floor(Date.parse(body.stored) / 1000) * 1000);
    const through = res.headers.get("X-Experience-API-Consistent-Through")!;
    expect(through).toMatch(ISO_INSTANT);
    expect(Date.parse(through)).toBeGreaterThanOrEqual(Date.parse(body.stored));
  });

  it("finds a statement by its id in any letter case", async () => {
    const { ids } = await post(statement(), version);
    expect((await getById(ids[0]!.toUpperCase(), version)).status).toBe(200);
  });

  it("answers 404 for an unknown id and 400 for a malformed one", async () => {
    expect((await getById(crypto.randomUUID(), version)).status).toBe(404);
    expect((await getById("not-a-uuid", version)).status).toBe(400);
  });

  it("accepts only format and attachments beside statementId / voidedStatementId", async () => {
    const { ids } = await post(statement(), version);
    const id = ids[0]!;
    const voided = (await post(statement(), version)).ids[0]!;
    await post(voiding(voided), version);
    for (const [param, target] of [["statementId", id], ["voidedStatementId", voided]] as const) {
      for (const extra of ["format=ids", "format=exact", "format=canonical", "attachments=false", "format=ids&attachments=false"]) {
        const res = await xapi(`/statements?${param}=${target}&${extra}`, { version });
        expect(res.status, `${param} ${extra}`).toBe(200);
      }
      for (const extra of [
        "agent=%7B%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D",
        "verb=http%3A%2F%2Fexample.com%2Fv",
        "activity=http%3A%2F%2Fexample.com%2Fa",
        `registration=${crypto.randomUUID()}`,
        "related_activities=true",
        "related_agents=true",
        "since=2020-01-01T00:00:00Z",
        "until=2020-01-01T00:00:00Z",
        "limit=1",
        "ascending=true",
        "format=bogus",
        "attachments=maybe",
      ]) {
        const res = await xapi(`/statements?${param}=${target}&${extra}`, { version });
        expect(res.status, `${param} ${extra}`).toBe(400);
        expect(res.headers.get("X-Experience-API-Consistent-Through"), extra).toMatch(ISO_INSTANT);
      }
    }
    const both = await xapi(`/statements?statementId=${id}&voidedStatementId=${voided}`, { version });
    expect(both.status).toBe(400);
  });

  it("format=ids reduces the actor to its identifier", async () => {
    const { ids } = await post(statement(), version);
    const res = await xapi(`/statements?statementId=${ids[0]}&format=ids`, { version });
    const body = (await res.json()) as { actor: Record<string, unknown> };
    expect(body.actor).toEqual({ objectType: "Agent", mbox: "mailto:ann@example.com" });
  });

  it("answers HEAD like GET without a body", async () => {
    const { ids } = await post(statement(), version);
    const res = await xapi(`/statements?statementId=${ids[0]}`, { method: "HEAD", version });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
    expect(res.headers.get("X-Experience-API-Consistent-Through")).toMatch(ISO_INSTANT);
    expect(res.headers.get("Last-Modified")).toMatch(HTTP_DATE);
    const missing = await xapi(`/statements?statementId=${crypto.randomUUID()}`, { method: "HEAD", version });
    expect(missing.status).toBe(404);
  });

  it("sends Consistent-Through on PUT, POST and their errors", async () => {
    const id = crypto.randomUUID();
    const responses = [
      await xapi(`/statements?statementId=${id}`, { method: "PUT", json: statement(), version }),
      await xapi("/statements", { method: "POST", json: statement(), version }),
      await xapi("/statements", { method: "POST", json: { bogus: true }, version }),
      await xapi(`/statements?statementId=${id}`, { method: "PUT", json: statement({ result: { response: "x" } }), version }),
    ];
    expect(responses.map((r) => r.status)).toEqual([204, 200, 400, 409]);
    for (const res of responses) expect(res.headers.get("X-Experience-API-Consistent-Through")).toMatch(ISO_INSTANT);
  });
});

describe("Consistent-Through is truthful", () => {
  it("is never earlier than the stored of any statement already written", async () => {
    for (let i = 0; i < 5; i++) {
      const { ids } = await post(statement(), "2.0.0");
      const res = await getById(ids[0]!, "2.0.0");
      const body = (await res.json()) as { stored: string };
      const through = Date.parse(res.headers.get("X-Experience-API-Consistent-Through")!);
      expect(through).toBeGreaterThanOrEqual(Date.parse(body.stored));
    }
  });

  it("stored never decreases as statements are accepted", async () => {
    const stored: number[] = [];
    for (let i = 0; i < 5; i++) {
      const { ids } = await post([statement(), statement()], "2.0.0");
      for (const id of ids) {
        const res = await getById(id, "2.0.0");
        stored.push(Date.parse(((await res.json()) as { stored: string }).stored));
      }
    }
    expect([...stored].sort((a, b) => a - b)).toEqual(stored);
    // Each batch gets a later stored than the one before.
    expect(stored[2]!).toBeGreaterThan(stored[1]!);
  });
});

describe("scopes", () => {
  it("refuses writes without statements/write (403)", async () => {
    const auth = await addCredential("reader", ["statements/read"]);
    const res = await xapi("/statements", { method: "POST", json: statement(), auth });
    expect(res.status).toBe(403);
  });

  it("statements/read/mine reads only the credential's own statements", async () => {
    const mine = await addCredential("mine", ["statements/read/mine", "statements/write"]);
    const own = await xapi("/statements", { method: "POST", json: statement(), auth: mine });
    const ownId = ((await own.json()) as string[])[0]!;
    const { ids } = await post(statement(), "2.0.0");
    expect((await xapi(`/statements?statementId=${ownId}`, { auth: mine })).status).toBe(200);
    expect((await xapi(`/statements?statementId=${ids[0]}`, { auth: mine })).status).toBe(404);
  });
});
