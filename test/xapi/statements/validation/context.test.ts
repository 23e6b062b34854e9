// Context, contextActivities and the 2.0 contextAgents / contextGroups (1.0.3 Data 2.4.6; 9274.1.1 4.2.2.5).
import { describe, it } from "vitest";
import { VERSIONS } from "../../../helpers";
import { expectRejected, expectValid, fullStatement, type Json, minimalStatement, mutated } from "./fixtures";

const AGENT = { mbox: "mailto:coach@example.com" };
const GROUP = { objectType: "Group", member: [AGENT] };
const withContext = (context: Json, object?: Json): Json => ({ ...minimalStatement(), context, ...(object ? { object } : {}) });

describe.each(VERSIONS)("context, xAPI %s", (version) => {
  it("accepts single Activities and arrays in contextActivities, and an empty context", () => {
    expectValid(withContext({ contextActivities: { parent: { id: "http://e.com/p" }, other: [{ id: "http://e.com/o" }] } }), version);
    expectValid(withContext({}), version);
    expectValid(withContext({ instructor: GROUP, language: "zh-Hant-TW", extensions: { "http://e.com/x": null } }), version);
  });

  const c = "statement.context";
  const rejections: [string, (s: Json) => void, string][] = [
    ["unknown key", (s) => (s.context.location = "x"), `${c}.location`],
    ["registration not a UUID", (s) => (s.context.registration = "abc"), `${c}.registration`],
    ["instructor not an agent", (s) => (s.context.instructor = "Teacher"), `${c}.instructor`],
    ["team as an Agent", (s) => (s.context.team = AGENT), `${c}.team.objectType`],
    ["contextActivities unknown key", (s) => (s.context.contextActivities.Parent = []), `${c}.contextActivities.Parent`],
    ["contextActivities a string", (s) => (s.context.contextActivities = "x"), `${c}.contextActivities`],
    ["contextActivities value a string", (s) => (s.context.contextActivities.parent = "http://e.com/p"), `${c}.contextActivities.parent`],
    [
      "contextActivities holding a StatementRef",
      (s) => (s.context.contextActivities.other = [{ objectType: "StatementRef", id: s.id }]),
      `${c}.contextActivities.other[0].objectType`,
    ],
    ["revision a number", (s) => (s.context.revision = 2), `${c}.revision`],
    ["platform a boolean", (s) => (s.context.platform = true), `${c}.platform`],
    ["language not a tag", (s) => (s.context.language = "english please"), `${c}.language`],
    ["language a map", (s) => (s.context.language = { en: "x" }), `${c}.language`],
    ["statement without objectType", (s) => (s.context.statement = { id: s.id }), `${c}.statement.objectType`],
    ["statement not a StatementRef", (s) => (s.context.statement.objectType = "SubStatement"), `${c}.statement.objectType`],
    ["statement bad id", (s) => (s.context.statement.id = "x"), `${c}.statement.id`],
    ["extension key not an IRI", (s) => (s.context.extensions = { session: 1 }), `${c}.extensions.session`],
    [
      "revision when the object is an Agent",
      (s) => (s.object = { objectType: "Agent", mbox: "mailto:o@e.com" }),
      `${c}.revision`,
    ],
    [
      "platform when the object is a StatementRef",
      (s) => ((s.object = { objectType: "StatementRef", id: s.id }), delete s.context.revision),
      `${c}.platform`,
    ],
    [
      "platform in a SubStatement about an Agent",
      (s) =>
        (s.object = {
          objectType: "SubStatement",
          actor: AGENT,
          verb: s.verb,
          object: { objectType: "Agent", mbox: "mailto:o@e.com" },
          context: { platform: "x" },
        }),
      "statement.object.context.platform",
    ],
  ];

  it.each(rejections)("rejects %s", (_name, change, path) => {
    expectRejected(mutated(fullStatement(), change), version, path);
  });
});

describe("contextAgents and contextGroups", () => {
  const contextAgent = { objectType: "contextAgent", agent: AGENT, relevantTypes: ["https://example.com/types/coach"] };
  const contextGroup = { objectType: "contextGroup", group: GROUP, relevantTypes: ["https://example.com/types/team"] };

  it("2.0 accepts them, with and without relevantTypes, and identified Groups", () => {
    expectValid(withContext({ contextAgents: [contextAgent, { objectType: "contextAgent", agent: AGENT }] }), "2.0.0");
    expectValid(
      withContext({ contextGroups: [contextGroup, { objectType: "contextGroup", group: { objectType: "Group", mbox: "mailto:g@e.com" } }] }),
      "2.0.0",
    );
    expectValid(withContext({ contextAgents: [], contextGroups: [] }), "2.0.0");
  });

  it("1.0.3 refuses them as unknown properties", () => {
    expectRejected(withContext({ contextAgents: [contextAgent] }), "1.0.3", "statement.context.contextAgents");
    expectRejected(withContext({ contextGroups: [contextGroup] }), "1.0.3", "statement.context.contextGroups");
  });

  const p = "statement.context.contextAgents[0]";
  const g = "statement.context.contextGroups[0]";
  const rejections: [string, Json, string][] = [
    ["contextAgents not an array", { contextAgents: contextAgent }, "statement.context.contextAgents"],
    ["contextAgent without objectType", { contextAgents: [{ agent: AGENT }] }, `${p}.objectType`],
    ["contextAgent objectType wrong case", { contextAgents: [{ ...contextAgent, objectType: "ContextAgent" }] }, `${p}.objectType`],
    ["contextAgent without agent", { contextAgents: [{ objectType: "contextAgent" }] }, `${p}.agent`],
    ["contextAgent with a Group", { contextAgents: [{ ...contextAgent, agent: GROUP }] }, `${p}.agent.objectType`],
    ["contextAgent with a bad agent", { contextAgents: [{ ...contextAgent, agent: { name: "x" } }] }, `${p}.agent`],
    ["contextAgent unknown key", { contextAgents: [{ ...contextAgent, group: GROUP }] }, `${p}.group`],
    ["relevantTypes empty", { contextAgents: [{ ...contextAgent, relevantTypes: [] }] }, `${p}.relevantTypes`],
    ["relevantTypes not IRIs", { contextAgents: [{ ...contextAgent, relevantTypes: ["coach"] }] }, `${p}.relevantTypes[0]`],
    ["relevantTypes a string", { contextAgents: [{ ...contextAgent, relevantTypes: "http://e.com/t" }] }, `${p}.relevantTypes`],
    ["contextGroup without objectType", { contextGroups: [{ group: GROUP }] }, `${g}.objectType`],
    ["contextGroup without group", { contextGroups: [{ objectType: "contextGroup" }] }, `${g}.group`],
    ["contextGroup with an Agent", { contextGroups: [{ ...contextGroup, group: AGENT }] }, `${g}.group.objectType`],
    ["contextGroup anonymous without member", { contextGroups: [{ ...contextGroup, group: { objectType: "Group" } }] }, `${g}.group.member`],
    ["contextGroup with contextAgent type", { contextGroups: [{ ...contextGroup, objectType: "contextAgent" }] }, `${g}.objectType`],
  ];

  it.each(rejections)("2.0 rejects %s", (_name, context, path) => {
    expectRejected(withContext(context), "2.0.0", path);
  });
});
