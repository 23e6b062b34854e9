// Statements of a newer version are served as stored to older readers: 1.0.3 Communication 3.3.s5.b1 ("MUST NOT
// be converted into a prior version format"), 3.3.s4.b4-b5 (clients ignore properties they do not know).
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { fetchStatement, post, statement, type Json } from "../statements/fixtures";

describe.each(VERSIONS)("a 2.0 statement read with X-Experience-API-Version %s", (reader) => {
  it("comes back as stored, contextAgents and contextGroups included, by id and by query", async () => {
    const coach = { mbox: `mailto:coach-${crypto.randomUUID()}@example.com` };
    const contextAgents = [{ objectType: "contextAgent", agent: coach, relevantTypes: ["http://example.com/types/coach"] }];
    const contextGroups = [{ objectType: "contextGroup", group: { objectType: "Group", mbox: "mailto:team@example.com" } }];
    const sub = {
      objectType: "SubStatement",
      actor: { mbox: "mailto:sub@example.com" },
      verb: { id: "http://example.com/verbs/plan" },
      object: { id: "http://example.com/activities/sub" },
      context: { contextAgents },
    };
    const first = statement({ context: { contextAgents, contextGroups } });
    const second = statement({ object: sub });
    const { status, ids } = await post([first, second], "2.0.0");
    expect(status).toBe(200);

    const one = await fetchStatement(ids[0]!, reader);
    expect(one.context).toEqual({ contextAgents, contextGroups });
    expect(one.version).toBe("2.0.0");
    const two = await fetchStatement(ids[1]!, reader);
    expect((two.object as Json).context).toEqual({ contextAgents });

    // The related_agents match is visible in what is returned.
    const agent = encodeURIComponent(JSON.stringify(coach));
    const res = await xapi(`/statements?agent=${agent}&related_agents=true`, { version: reader });
    expect(res.status).toBe(200);
    const found = ((await res.json()) as { statements: Json[] }).statements;
    expect(found.map((s) => s.id).sort()).toEqual([...ids].sort());
    const byId = new Map(found.map((s) => [s.id, s]));
    expect((byId.get(ids[0]!)!.context as Json).contextAgents).toEqual(contextAgents);
    expect(((byId.get(ids[1]!)!.object as Json).context as Json).contextAgents).toEqual(contextAgents);
  });
});
