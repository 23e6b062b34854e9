// The Agents resource (1.0.3 Communication 2.4; 9274.1.1 4.1.6.3): a Person object built from what the store
// knows of the agent, or from the request alone for an unknown agent.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../helpers";
import { credentialFor } from "./documents/document-helpers";

function agentsUrl(agent: unknown): string {
  return `/agents?agent=${encodeURIComponent(typeof agent === "string" ? agent : JSON.stringify(agent))}`;
}

async function postStatement(version: string, actor: Record<string, unknown>, auth?: string): Promise<void> {
  const statement = {
    actor,
    verb: { id: "http://adlnet.gov/expapi/verbs/attended", display: { "en-US": "attended" } },
    object: { objectType: "Activity", id: "http://www.example.com/meetings/agents-test" },
  };
  const res = await xapi("/statements", { method: "POST", version, json: [statement], auth });
  expect(res.status).toBe(200);
}

describe.each(VERSIONS)("Agents resource (%s)", (version) => {
  it("returns a Person with every name the store has seen for the identifier", async () => {
    const mbox = `mailto:${crypto.randomUUID()}@example.com`;
    await postStatement(version, { objectType: "Agent", name: "Ada", mbox });
    await postStatement(version, { name: "Ada Lovelace", mbox });
    const res = await xapi(agentsUrl({ mbox }), { version });
    expect(res.status).toBe(200);
    const person = await res.json<Record<string, unknown>>();
    expect(person.objectType).toBe("Person");
    expect(person.mbox).toEqual([mbox]);
    expect((person.name as string[]).sort()).toEqual(["Ada", "Ada Lovelace"]);
    expect(Object.keys(person).sort()).toEqual(["mbox", "name", "objectType"]);
  });

  it.each([
    ["mbox_sha1sum", { mbox_sha1sum: "ebd31e95054c018b10727ccffd2ef2ec3a016ee9" }],
    ["openid", { openid: "http://openid.example.org/12345" }],
    ["account", { account: { homePage: "http://www.example.com", name: "xAPI account" } }],
  ])("returns the %s identifier as an array for an agent it has never seen", async (ifi, agent) => {
    const res = await xapi(agentsUrl({ objectType: "Agent", ...agent }), { version });
    expect(res.status).toBe(200);
    const person = await res.json<Record<string, unknown>>();
    expect(person).toEqual({ objectType: "Person", [ifi]: [Object.values(agent)[0]] });
  });

  it("includes the name sent in the request", async () => {
    const res = await xapi(agentsUrl({ name: "Rick James", account: { homePage: "http://www.example.com/agentId/1", name: "Rick James" } }), { version });
    expect(await res.json()).toEqual({
      objectType: "Person",
      name: ["Rick James"],
      account: [{ homePage: "http://www.example.com/agentId/1", name: "Rick James" }],
    });
  });

  it("does not show names seen in another store", async () => {
    const mbox = `mailto:${crypto.randomUUID()}@example.com`;
    const other = await credentialFor(`store-${crypto.randomUUID()}`, ["all"]);
    await postStatement(version, { name: "Secret Name", mbox }, other);
    expect(await (await xapi(agentsUrl({ mbox }), { version })).json()).toEqual({ objectType: "Person", mbox: [mbox] });
  });

  it("keeps at most the 20 most recent distinct names of an agent (bounded rows)", async () => {
    const mbox = `mailto:${crypto.randomUUID()}@example.com`;
    for (let i = 0; i < 30; i++) await postStatement(version, { name: `Name ${i}`, mbox });
    await postStatement(version, { name: "Name 5", mbox }); // seen again: among the most recent once more
    const person = await (await xapi(agentsUrl({ mbox }), { version })).json<{ name: string[] }>();
    const expected = ["Name 5", ...Array.from({ length: 19 }, (_, i) => `Name ${i + 11}`)];
    expect(person.name.sort()).toEqual(expected.sort());
  });

  it("keeps only the newest names that fit in 100,000 bytes, and always the newest one", async () => {
    const mbox = `mailto:${crypto.randomUUID()}@example.com`;
    const long = (i: number) => `${i}`.padEnd(30_000, "n");
    for (let i = 0; i < 5; i++) await postStatement(version, { name: long(i), mbox });
    const person = await (await xapi(agentsUrl({ mbox }), { version })).json<{ name: string[] }>();
    expect(person.name.sort()).toEqual([long(2), long(3), long(4)]);
    const huge = "h".repeat(150_000);
    await postStatement(version, { name: huge, mbox });
    expect((await (await xapi(agentsUrl({ mbox }), { version })).json<{ name: string[] }>()).name).toEqual([huge]);
  });

  it.each([
    ["missing", undefined],
    ["not JSON", "not JSON"],
    ["an Agent without an identifier", { objectType: "Agent", name: "Rick James" }],
    ["a Group", { objectType: "Group", mbox: "mailto:team@example.com" }],
    ["an Agent with two identifiers", { mbox: "mailto:a@example.com", openid: "http://example.com/a" }],
  ])("rejects an agent parameter that is %s", async (_case, agent) => {
    const path = agent === undefined ? "/agents" : agentsUrl(agent);
    expect((await xapi(path, { version })).status).toBe(400);
  });

  it("rejects unknown parameters", async () => {
    const res = await xapi(`${agentsUrl({ mbox: "mailto:a@example.com" })}&foo=bar`, { version });
    expect(res.status).toBe(400);
  });

  it("answers HEAD", async () => {
    const res = await xapi(agentsUrl({ mbox: "mailto:a@example.com" }), { method: "HEAD", version });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("");
  });
});
