import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";

// The `agent` parameter is parsed like a statement body: a repeated key is refused, never silently resolved.
const repeated = '{"mbox":"mailto:ana@example.com","mbox":"mailto:bob@example.com"}';
const activityId = encodeURIComponent("http://example.com/activity");

describe.each(VERSIONS)("the agent parameter (%s)", (version) => {
  it.each([
    ["statements", `/statements?agent=${encodeURIComponent(repeated)}`],
    ["State", `/activities/state?activityId=${activityId}&agent=${encodeURIComponent(repeated)}`],
    ["Agent Profile", `/agents/profile?agent=${encodeURIComponent(repeated)}`],
    ["Agents", `/agents?agent=${encodeURIComponent(repeated)}`],
  ])("is 400 with repeated keys on %s", async (_name, path) => {
    const res = await xapi(path, { version });
    expect(res.status).toBe(400);
    expect((await res.json<{ error: { path?: string } }>()).error.path).toBe("agent");
  });

  it("is accepted once well-formed", async () => {
    const res = await xapi(`/agents?agent=${encodeURIComponent('{"mbox":"mailto:ana@example.com"}')}`, { version });
    expect(res.status).toBe(200);
  });
});
