// Agents and Groups wherever they appear, and validateAgent for the `agent` parameter
// (1.0.3 Data 2.4.2, 2.4.9; 9274.1.1 4.2.2.1).
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../../helpers";
import { XapiError } from "../../../../src/errors";
import { parseAgent } from "../../../../src/xapi/statements/validation";
import { expectRejected, expectValid, type Json, minimalStatement, mutated } from "./fixtures";

const AGENTS = [
  { mbox: "mailto:a@example.com" },
  { objectType: "Agent", name: "Sha", mbox_sha1sum: "ebd31e95054c018b10727ccffd2ef2ec3a016ee9" },
  { openid: "http://openid.example.org/12345" },
  { account: { homePage: "http://www.example.com", name: "1625378" } },
];
const MEMBER = { mbox: "mailto:member@example.com" };

describe.each(VERSIONS)("agents and groups, xAPI %s", (version) => {
  it("accepts an Agent with each kind of identifier, as actor, object, instructor and member", () => {
    for (const agent of AGENTS) {
      expectValid({ ...minimalStatement(), actor: agent }, version);
      expectValid({ ...minimalStatement(), object: { ...agent, objectType: "Agent" } }, version);
      expectValid({ ...minimalStatement(), context: { instructor: agent } }, version);
      expectValid({ ...minimalStatement(), actor: { objectType: "Group", member: [agent] } }, version);
    }
  });

  it("accepts identified Groups with and without members, and anonymous Groups", () => {
    for (const ifi of AGENTS) {
      const group = { ...ifi, objectType: "Group" };
      expectValid({ ...minimalStatement(), actor: group }, version);
      expectValid({ ...minimalStatement(), actor: { ...group, member: [MEMBER] } }, version);
      expectValid({ ...minimalStatement(), context: { team: group } }, version);
    }
    expectValid({ ...minimalStatement(), actor: { objectType: "Group", name: "g", member: [MEMBER, AGENTS[3]] } }, version);
  });

  it("accepts an Agent authority and a two-Agent Group authority", () => {
    expectValid({ ...minimalStatement(), authority: AGENTS[3] }, version);
    expectValid({ ...minimalStatement(), authority: { objectType: "Group", member: [AGENTS[3], MEMBER] } }, version);
  });

  const base = () => ({ ...minimalStatement(), actor: { objectType: "Agent", name: "A", mbox: "mailto:a@example.com" } });
  const rejections: [string, (s: Json) => void, string][] = [
    ["no identifier", (s) => delete s.actor.mbox, "statement.actor"],
    ["two identifiers", (s) => (s.actor.openid = "http://openid.example.org/1"), "statement.actor"],
    ["objectType in the wrong case", (s) => (s.actor.objectType = "agent"), "statement.actor.objectType"],
    ["objectType of an object kind", (s) => (s.actor.objectType = "Activity"), "statement.actor.objectType"],
    ["member on an Agent", (s) => (s.actor.member = [MEMBER]), "statement.actor.member"],
    ["mBox key case", (s) => ((s.actor.mBox = s.actor.mbox), delete s.actor.mbox), "statement.actor.mBox"],
    ["mbox without mailto:", (s) => (s.actor.mbox = "a@example.com"), "statement.actor.mbox"],
    ["mbox without an address", (s) => (s.actor.mbox = "mailto:"), "statement.actor.mbox"],
    ["mbox not a string", (s) => (s.actor.mbox = 1), "statement.actor.mbox"],
    ["name not a string", (s) => (s.actor.name = ["A"]), "statement.actor.name"],
    ["mbox_sha1sum not hex", (s) => ((s.actor = { mbox_sha1sum: "xyz" })), "statement.actor.mbox_sha1sum"],
    ["openid without scheme", (s) => (s.actor = { openid: "openid.example.org/1" }), "statement.actor.openid"],
    ["account without homePage", (s) => (s.actor = { account: { name: "n" } }), "statement.actor.account.homePage"],
    ["account without name", (s) => (s.actor = { account: { homePage: "http://e.com" } }), "statement.actor.account.name"],
    ["account homePage not an IRL", (s) => (s.actor = { account: { homePage: "e.com", name: "n" } }), "statement.actor.account.homePage"],
    ["account extra key", (s) => (s.actor = { account: { homePage: "http://e.com", name: "n", id: 1 } }), "statement.actor.account.id"],
    ["account name a number", (s) => (s.actor = { account: { homePage: "http://e.com", name: 1 } }), "statement.actor.account.name"],
    ["anonymous Group without member", (s) => (s.actor = { objectType: "Group" }), "statement.actor.member"],
    ["anonymous Group with no members", (s) => (s.actor = { objectType: "Group", member: [] }), "statement.actor.member"],
    ["Group with two identifiers", (s) => (s.actor = { objectType: "Group", mbox: "mailto:g@e.com", openid: "http://o.e/g" }), "statement.actor"],
    ["member not an array", (s) => (s.actor = { objectType: "Group", member: MEMBER }), "statement.actor.member"],
    [
      "a Group among the members",
      (s) => (s.actor = { objectType: "Group", member: [MEMBER, { objectType: "Group", member: [MEMBER] }] }),
      "statement.actor.member[1].objectType",
    ],
    ["a member without identifier", (s) => (s.actor = { objectType: "Group", member: [MEMBER, { name: "x" }] }), "statement.actor.member[1]"],
    ["Agent object without objectType is an Activity", (s) => (s.object = { mbox: "mailto:a@example.com" }), "statement.object.mbox"],
    ["Group object without objectType", (s) => (s.object = { member: [MEMBER] }), "statement.object.member"],
    ["team that is an Agent", (s) => (s.context = { team: MEMBER }), "statement.context.team.objectType"],
    ["instructor without identifier", (s) => (s.context = { instructor: { name: "T" } }), "statement.context.instructor"],
    ["authority without identifier", (s) => (s.authority = { name: "x" }), "statement.authority"],
    [
      "authority Group of three",
      (s) => (s.authority = { objectType: "Group", member: [MEMBER, AGENTS[0], AGENTS[2]] }),
      "statement.authority",
    ],
    ["authority identified Group", (s) => (s.authority = { objectType: "Group", mbox: "mailto:g@e.com" }), "statement.authority"],
  ];

  it.each(rejections)("rejects %s", (_name, change, path) => {
    expectRejected(mutated(base(), change), version, path);
  });

  describe("parseAgent (the agent parameter)", () => {
    const check = (value: unknown) => parseAgent(value, version, "agent");

    it("accepts Agents and identified Groups, and returns them", () => {
      for (const agent of AGENTS) expect(check(agent)).toEqual({ ok: true, value: agent });
      const group = { objectType: "Group", mbox: "mailto:g@e.com", member: [MEMBER] };
      expect(check(group)).toEqual({ ok: true, value: group });
    });

    it("rejects anonymous Groups, missing or double identifiers and non-objects with the parameter's path", () => {
      for (const [value, path] of [
        [{ objectType: "Group", member: [MEMBER] }, "agent"],
        [{ name: "nobody" }, "agent"],
        [{ mbox: "mailto:a@e.com", openid: "http://o.e/a" }, "agent"],
        [{ mbox: "a@e.com" }, "agent.mbox"],
        ["mailto:a@e.com", "agent"],
        [{ mbox: "mailto:a@e.com", foo: 1 }, "agent.foo"],
      ] as const) {
        const parsed = check(value);
        expect(parsed.ok).toBe(false);
        if (!parsed.ok) expect(parsed.issues.map((issue) => issue.path)).toEqual([path]);
      }
    });
  });
});
