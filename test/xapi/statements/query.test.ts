// GET /statements as a query: every filter (positive and negative), combinations, related_* widening,
// StatementRef inclusion, voided exclusion, since/until/limit/ascending, headers, HEAD, invalid parameters.
import { describe, expect, it } from "vitest";
import { parseStatementQuery } from "../../../src/xapi/statements/query/parameters";
import { VERSIONS, xapi } from "../../helpers";

type Json = Record<string, unknown>;
type Result = { statements: Json[]; more: string };

const uid = () => crypto.randomUUID();
const agent = (name = uid()) => ({ objectType: "Agent", mbox: `mailto:${name}@example.com` });
const verb = (id = `http://example.com/verbs/${uid()}`) => ({ id, display: { "en-US": "did" } });
const activity = (id = `http://example.com/activities/${uid()}`) => ({ objectType: "Activity", id });

function statement(extra: Json = {}): Json {
  return { id: uid(), actor: agent(), verb: verb(), object: activity(), ...extra };
}

async function store(version: string, ...statements: Json[]): Promise<string[]> {
  const res = await xapi("/statements", { method: "POST", json: statements, version });
  expect(res.status, await res.clone().text()).toBe(200);
  return res.json<string[]>();
}

function queryString(params: Record<string, unknown>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    search.append(name, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return search.toString();
}

async function query(version: string, params: Record<string, unknown>, init: RequestInit = {}): Promise<Result> {
  const res = await xapi(`/statements?${queryString(params)}`, { ...init, version });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text) as Result;
}

async function ids(version: string, params: Record<string, unknown>): Promise<string[]> {
  return (await query(version, params)).statements.map((s) => s.id as string);
}

describe.each(VERSIONS)("statement queries (%s)", (version) => {
  it("answers a StatementResult, newest first, with empty `more` when complete", async () => {
    const v = verb();
    const [a, b, c] = [statement({ verb: v }), statement({ verb: v }), statement({ verb: v })];
    await store(version, a);
    await store(version, b, c);
    const result = await query(version, { verb: v.id });
    expect(result.statements.map((s) => s.id)).toEqual([c.id, b.id, a.id]);
    expect(result.more).toBe("");
    expect(result.statements[0]!.stored).toEqual(expect.any(String));
    expect(await ids(version, { verb: v.id, ascending: true })).toEqual([a.id, b.id, c.id]);
  });

  it("answers 200 with an empty list when nothing matches", async () => {
    expect(await query(version, { verb: "http://example.com/verbs/never-used" })).toEqual({ statements: [], more: "" });
  });

  it("agent matches the actor, an Agent object and members of a Group, by IFI", async () => {
    const ann = agent();
    const asActor = statement({ actor: { ...ann, name: "Ann" } });
    const asObject = statement({ object: ann });
    const asMember = statement({ actor: { objectType: "Group", member: [agent(), ann] } });
    const other = statement();
    const asInstructor = statement({ context: { instructor: ann } });
    await store(version, asActor, asObject, asMember, other, asInstructor);
    const found = await ids(version, { agent: { mbox: ann.mbox } });
    expect(found.sort()).toEqual([asActor.id, asObject.id, asMember.id].sort() as string[]);
  });

  it("agent matches each kind of IFI and an identified Group", async () => {
    const account = { account: { homePage: "http://example.com/home", name: uid() } };
    const openid = { openid: `http://example.com/openid/${uid()}` };
    const sha = { mbox_sha1sum: uid().replace(/-/g, "").slice(0, 32) + "abcdef01" };
    const group = { objectType: "Group", mbox: `mailto:${uid()}@groups.example.com` };
    const s = [account, openid, sha].map((ifi) => statement({ actor: { objectType: "Agent", ...ifi } }));
    const g = statement({ actor: group });
    await store(version, ...s, g);
    expect(await ids(version, { agent: account })).toEqual([s[0]!.id]);
    expect(await ids(version, { agent: openid })).toEqual([s[1]!.id]);
    expect(await ids(version, { agent: sha })).toEqual([s[2]!.id]);
    expect(await ids(version, { agent: group })).toEqual([g.id]);
  });

  it("related_agents widens agent to authority, context and SubStatement", async () => {
    const ann = agent();
    const marker = verb();
    const instructor = statement({ verb: marker, context: { instructor: ann } });
    const team = statement({ verb: marker, context: { team: { objectType: "Group", member: [ann] } } });
    const sub = statement({
      verb: marker,
      object: { objectType: "SubStatement", actor: ann, verb: verb(), object: activity() },
    });
    const unrelated = statement({ verb: marker });
    await store(version, instructor, team, sub, unrelated);
    expect(await ids(version, { agent: ann, verb: marker.id })).toEqual([]);
    const related = await ids(version, { agent: ann, related_agents: true, verb: marker.id });
    expect(related.sort()).toEqual([instructor.id, team.id, sub.id].sort() as string[]);
    // The authority (the test credential) appears on every statement only with related_agents.
    const authority = { account: { homePage: "http://lrs.test", name: "test-key" } };
    expect(await ids(version, { agent: authority, verb: marker.id })).toEqual([]);
    expect(await ids(version, { agent: authority, verb: marker.id, related_agents: true })).toHaveLength(4);
  });

  it("verb matches verb.id exactly", async () => {
    const v = verb();
    const s = statement({ verb: v });
    await store(version, s, statement(), statement({ verb: verb(`${v.id}/longer`) }));
    expect(await ids(version, { verb: v.id })).toEqual([s.id]);
  });

  it("activity matches the object; related_activities adds context activities and SubStatements", async () => {
    const course = activity();
    const direct = statement({ object: course });
    const parent = statement({ context: { contextActivities: { parent: [course] } } });
    const grouping = statement({ context: { contextActivities: { grouping: [course], category: [activity()] } } });
    const sub = statement({ object: { objectType: "SubStatement", actor: agent(), verb: verb(), object: course } });
    await store(version, direct, parent, grouping, sub, statement());
    expect(await ids(version, { activity: course.id })).toEqual([direct.id]);
    const related = await ids(version, { activity: course.id, related_activities: true });
    expect(related.sort()).toEqual([direct.id, parent.id, grouping.id, sub.id].sort() as string[]);
    expect(await ids(version, { activity: course.id, related_activities: false })).toEqual([direct.id]);
  });

  it("registration matches context.registration, whatever the case of the UUID", async () => {
    const registration = uid();
    const s = statement({ context: { registration } });
    await store(version, s, statement({ context: { registration: uid() } }), statement());
    expect(await ids(version, { registration })).toEqual([s.id]);
    expect(await ids(version, { registration: registration.toUpperCase() })).toEqual([s.id]);
  });

  it("combines filters with AND", async () => {
    const ann = agent();
    const v = verb();
    const course = activity();
    const registration = uid();
    const all = statement({ actor: ann, verb: v, object: course, context: { registration } });
    const noVerb = statement({ actor: ann, object: course, context: { registration } });
    const noActivity = statement({ actor: ann, verb: v, context: { registration } });
    const noRegistration = statement({ actor: ann, verb: v, object: course });
    await store(version, all, noVerb, noActivity, noRegistration);
    expect(await ids(version, { agent: ann, verb: v.id, activity: course.id, registration })).toEqual([all.id]);
    const agentAndVerb = (await ids(version, { agent: ann, verb: v.id })).sort();
    expect(agentAndVerb).toEqual([all.id, noActivity.id, noRegistration.id].sort() as string[]);
    expect(await ids(version, { verb: v.id, activity: course.id, registration })).toEqual([all.id]);
  });

  it("statements targeting a matching statement by StatementRef match too, recursively", async () => {
    const course = activity();
    const target = statement({ object: course });
    const ref = statement({ object: { objectType: "StatementRef", id: target.id } });
    const refOfRef = statement({ object: { objectType: "StatementRef", id: ref.id } });
    await store(version, target);
    await store(version, ref, refOfRef);
    expect(await ids(version, { activity: course.id })).toEqual([refOfRef.id, ref.id, target.id]);
    // context.statement does not take part (1.0.3 Communication 2.1.3 note).
    const contextRef = statement({ context: { statement: { objectType: "StatementRef", id: target.id } } });
    await store(version, contextRef);
    expect(await ids(version, { activity: course.id })).not.toContain(contextRef.id);
  });

  it("never returns voided statements but still returns statements targeting them", async () => {
    const v = verb();
    const voided = statement({ verb: v });
    await store(version, voided);
    const voiding = statement({
      verb: { id: "http://adlnet.gov/expapi/verbs/voided", display: { "en-US": "voided" } },
      object: { objectType: "StatementRef", id: voided.id },
    });
    await store(version, voiding);
    const ref = statement({ verb: v, object: { objectType: "StatementRef", id: voided.id } });
    await store(version, ref);
    expect(await ids(version, { verb: v.id })).toEqual([ref.id, voiding.id]);
    expect(await ids(version, { verb: v.id, limit: 1 })).toEqual([ref.id]);
    const everything = await ids(version, { limit: 0 });
    expect(everything).not.toContain(voided.id);
  });

  it("since is exclusive and until inclusive, on stored", async () => {
    const v = verb();
    const [first] = [statement({ verb: v })];
    await store(version, first);
    const second = statement({ verb: v });
    await store(version, second);
    const [a, b] = (await query(version, { verb: v.id, ascending: true })).statements;
    expect([a!.id, b!.id]).toEqual([first.id, second.id]);
    expect(await ids(version, { verb: v.id, since: a!.stored })).toEqual([second.id]);
    expect(await ids(version, { verb: v.id, until: a!.stored })).toEqual([first.id]);
    expect(await ids(version, { verb: v.id, since: a!.stored, until: b!.stored })).toEqual([second.id]);
    expect(await ids(version, { verb: v.id, since: b!.stored })).toEqual([]);
    expect(await ids(version, { verb: v.id, until: "2000-01-01T00:00:00Z" })).toEqual([]);
    // Other time zone notations of the same instant.
    const plusOne = new Date(Date.parse(a!.stored as string)).toISOString().replace("Z", "+00:00");
    expect(await ids(version, { verb: v.id, since: plusOne })).toEqual([second.id]);
    const everythingSince = await ids(version, { since: a!.stored });
    expect(everythingSince).toContain(second.id);
    expect(everythingSince).not.toContain(first.id);
  });

  it("limit caps the page; 0 means the server maximum", async () => {
    const v = verb();
    await store(version, ...Array.from({ length: 5 }, () => statement({ verb: v })));
    const page = await query(version, { verb: v.id, limit: 2 });
    expect(page.statements).toHaveLength(2);
    expect(page.more).toMatch(/^\/xapi\/statements\?/);
    expect((await query(version, { verb: v.id, limit: 0 })).statements).toHaveLength(5);
    expect((await query(version, { verb: v.id, limit: 5 })).more).toBe("");
  });

  it("sets Content-Type, Consistent-Through and Last-Modified (the newest stored); HEAD has them without a body", async () => {
    const v = verb();
    await store(version, statement({ verb: v }), statement({ verb: v }));
    const res = await xapi(`/statements?verb=${encodeURIComponent(v.id)}&ascending=true`, { version });
    const body = await res.json<Result>();
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    const through = res.headers.get("X-Experience-API-Consistent-Through")!;
    expect(Date.parse(through)).toBeGreaterThanOrEqual(Date.parse(body.statements[1]!.stored as string));
    expect(res.headers.get("Last-Modified")).toBe(new Date(body.statements[1]!.stored as string).toUTCString());
    expect(Math.abs(Date.parse(res.headers.get("Date")!) - Date.now())).toBeLessThan(60_000);

    const head = await xapi(`/statements?verb=${encodeURIComponent(v.id)}&ascending=true`, { version, method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    expect(head.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(head.headers.get("Last-Modified")).toBe(res.headers.get("Last-Modified"));
    expect(head.headers.get("X-Experience-API-Consistent-Through")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    expect(head.headers.get("Date")).toMatch(/^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
  });

  it("accepts attachments=true/false (multipart when true)", async () => {
    const v = verb();
    await store(version, statement({ verb: v }));
    const plain = await xapi(`/statements?verb=${encodeURIComponent(v.id)}&attachments=false`, { version });
    expect(plain.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect((await plain.json<Result>()).statements).toHaveLength(1);
    const multipart = await xapi(`/statements?verb=${encodeURIComponent(v.id)}&attachments=true`, { version });
    expect(multipart.status).toBe(200);
    expect(multipart.headers.get("Content-Type")).toMatch(/^multipart\/mixed; *boundary=/);
    expect(await multipart.text()).toContain('"statements"');
  });

  it.each([
    ["an unknown parameter", "foo=bar", "foo"],
    ["a wrong-case name", "Verb=http%3A%2F%2Fexample.com%2Fv", "Verb"],
    ["a wrong-case related_agents", "RELATED_AGENTS=true", "RELATED_AGENTS"],
    ["a repeated parameter", "limit=1&limit=2", "limit"],
    ["agent that is not JSON", "agent=ann", "agent"],
    ["agent without an IFI", `agent=${encodeURIComponent('{"name":"Ann"}')}`, "agent"],
    ["agent with two IFIs", `agent=${encodeURIComponent('{"mbox":"mailto:a@b.c","openid":"http://x.y/z"}')}`, "agent"],
    ["an anonymous Group", `agent=${encodeURIComponent('{"objectType":"Group","member":[{"mbox":"mailto:a@b.c"}]}')}`, "agent"],
    ["an mbox without mailto:", `agent=${encodeURIComponent('{"mbox":"a@b.c"}')}`, "agent.mbox"],
    ["an account without homePage", `agent=${encodeURIComponent('{"account":{"name":"a"}}')}`, "agent.account.homePage"],
    ["a verb that is not an IRI", "verb=completed", "verb"],
    ["an activity that is not an IRI", "activity=not%20an%20iri", "activity"],
    ["a registration that is not a UUID", "registration=123", "registration"],
    ["a since that is not a timestamp", "since=yesterday", "since"],
    ["an until that is not a timestamp", "until=2020-13-45", "until"],
    ["a negative limit", "limit=-1", "limit"],
    ["a fractional limit", "limit=1.5", "limit"],
    ["an unknown format", "format=full", "format"],
    ["ascending that is not a boolean", "ascending=yes", "ascending"],
    ["attachments that is not a boolean", "attachments=1", "attachments"],
    ["related_activities in capitals", "related_activities=TRUE", "related_activities"],
    ["a cursor that was never issued", "cursor=12.AAAAAAAAAAAAAAAAAAAAAA", "cursor"],
  ])("rejects %s with 400 naming the parameter", async (_what, search, path) => {
    const res = await xapi(`/statements?${search}`, { version });
    expect(res.status).toBe(400);
    const body = await res.json<{ error: { path?: string } }>();
    expect(body.error.path).toBe(path);
    expect(res.headers.get("X-Experience-API-Consistent-Through")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
  });
});

describe("related_agents under 2.0 (9274.1.1 4.1.6.1)", () => {
  it("also covers context.contextAgents and context.contextGroups", async () => {
    const ann = agent();
    const marker = verb();
    const viaAgents = statement({
      verb: marker,
      context: { contextAgents: [{ objectType: "contextAgent", agent: ann }] },
    });
    const viaGroups = statement({
      verb: marker,
      context: { contextGroups: [{ objectType: "contextGroup", group: { objectType: "Group", member: [ann] } }] },
    });
    await store("2.0.0", viaAgents, viaGroups, statement({ verb: marker }));
    expect(await ids("2.0.0", { agent: ann, verb: marker.id })).toEqual([]);
    const related = await ids("2.0.0", { agent: ann, verb: marker.id, related_agents: true });
    expect(related.sort()).toEqual([viaAgents.id, viaGroups.id].sort() as string[]);
  });
});

describe("since/until notations", () => {
  const noon = Date.UTC(2024, 4, 1, 12);
  const since = (value: string, version: "1.0.3" | "2.0.0" = "1.0.3") =>
    parseStatementQuery([["since", value]], version).sinceMs;
  it.each([
    ["2024-05-01T12:00:00Z", noon],
    ["2024-05-01T12:00:00.000Z", noon],
    ["2024-05-01T14:00:00+02:00", noon],
    ["2024-05-01T14:00:00 02:00", noon],
    ["2024-05-01T14:00:00+0200", noon],
    ["2024-05-01T14:00:00+02", noon],
    ["2024-05-01T12:00Z", noon],
    ["2024-05-01T12Z", noon],
    ["20240501T120000Z", noon],
    ["2024-05-01T12:00:00,5Z", noon + 500],
    ["2024-05-01T12:00:00.0009Z", noon],
  ])("1.0.3 reads %s", (value, expected) => {
    expect(since(value)).toBe(expected);
  });

  it("2.0 takes RFC 3339 only", () => {
    expect(since("2024-05-01T14:00:00+02:00", "2.0.0")).toBe(noon);
    expect(() => since("20240501T120000Z", "2.0.0")).toThrow();
    expect(() => since("2024-05-01T12:00Z", "2.0.0")).toThrow();
  });

  it("rejects impossible dates and the unknown offset", () => {
    expect(() => since("2024-02-30T12:00:00Z")).toThrow();
    expect(() => since("2024-05-01T12:00:00-00:00")).toThrow();
  });
});
