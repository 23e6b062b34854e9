import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";

function statement(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    actor: { objectType: "Agent", name: "Ann", mbox: "mailto:ann@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/experienced", display: { "en-US": "experienced" } },
    object: { objectType: "Activity", id: "http://example.com/activities/one" },
    ...extra,
  };
}

describe.each(VERSIONS)("PUT and POST /statements (%s)", (version) => {
  it("PUT stores a statement under statementId and answers 204 with an empty body", async () => {
    const id = crypto.randomUUID();
    const put = await xapi(`/statements?statementId=${id}`, { method: "PUT", json: statement(), version });
    expect(put.status).toBe(204);
    expect(await put.text()).toBe("");
    const got = await xapi(`/statements?statementId=${id}`, { version });
    expect(got.status).toBe(200);
    const body = (await got.json()) as Record<string, unknown>;
    expect(body.id).toBe(id);
    expect(body.verb).toEqual(statement().verb);
  });

  it("POST stores a single statement or an array and returns the ids in order", async () => {
    const given = crypto.randomUUID();
    const res = await xapi("/statements", { method: "POST", json: [statement({ id: given }), statement()], version });
    expect(res.status).toBe(200);
    const ids = (await res.json()) as string[];
    expect(ids).toHaveLength(2);
    expect(ids[0]).toBe(given);
    expect(ids[1]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const single = await xapi("/statements", { method: "POST", json: statement(), version });
    expect(single.status).toBe(200);
    expect((await single.json()) as string[]).toHaveLength(1);
  });
});
