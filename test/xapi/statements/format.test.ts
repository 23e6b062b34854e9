// The `format` parameter (1.0.3 Communication 2.1.3 row 12 and 2.1.3.s4; 9274.1.1 4.1.6.1): exact, ids and
// canonical with Accept-Language chosen per language map; checked on queries and on single-statement GETs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { chooseLanguage, parseAcceptLanguage } from "../../../src/xapi/statements/query/accept-language";
import { VERSIONS, xapi } from "../../helpers";

type Json = Record<string, unknown>;
const uid = () => crypto.randomUUID();

async function store(version: string, ...statements: Json[]): Promise<void> {
  const res = await xapi("/statements", { method: "POST", json: statements, version });
  expect(res.status, await res.clone().text()).toBe(200);
  await res.arrayBuffer();
}

async function queryOne(version: string, id: string, params: string, headers: Record<string, string> = {}): Promise<Json> {
  // Through a query (filtered by the statement's unique verb) and through statementId: both must agree.
  const res = await xapi(`/statements?${params}`, { version, headers });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  const found = (JSON.parse(text) as { statements: Json[] }).statements.find((s) => s.id === id)!;
  const format = new URLSearchParams(params).get("format");
  const single = await xapi(`/statements?statementId=${id}${format ? `&format=${format}` : ""}`, { version, headers });
  expect(await single.json()).toEqual(found);
  return found;
}

/** The statement the conformance suites use for formats: a Group actor, a SubStatement with a Group actor. */
function substatementFixture() {
  const verbId = `http://adlnet.gov/expapi/verbs/attended/${uid()}`;
  const agent = { objectType: "Agent", name: "xAPI account", mbox: `mailto:agent${uid()}@adlnet.gov` };
  const group = { objectType: "Group", name: "Group Identified", mbox: `mailto:group${uid()}@adlnet.gov` };
  const activity = {
    objectType: "Activity",
    id: `http://www.example.com/unicode/${uid()}`,
    definition: {
      name: { en: "Other", "en-GB": "attended", "en-US": "attended", "ja-JP": "出席した" },
      description: { "en-US": "On this map, please mark Franklin, TN", "en-GB": "On this map, please mark Franklin, TN" },
      type: "http://adlnet.gov/expapi/activities/cmi.interaction",
      moreInfo: "http://virtualmeeting.example.com/345256",
      interactionType: "other",
      correctResponsesPattern: ["(35.937432,-86.868896)"],
      extensions: { "http://example.com/profiles/meetings/extension/location": "X:\\meetings\\minutes" },
    },
  };
  const verb1 = { id: verbId, display: { "en-GB": "attended", "en-US": "attended" } };
  const verb2 = { id: "http://adlnet.gov/expapi/verbs/attended", display: { "en-GB": "attended", "en-US": "attended", "ko-KR": "참석" } };
  const statement = {
    id: uid(),
    actor: agent,
    verb: verb1,
    object: { objectType: "SubStatement", actor: group, verb: verb2, object: activity },
  };
  return { statement, agent, group, activity, verb1, verb2, params: `verb=${encodeURIComponent(verbId)}` };
}

describe.each(VERSIONS)("statement formats (%s)", (version) => {
  it("exact (and no format) returns agents, groups, activities and verbs as received", async () => {
    const f = substatementFixture();
    await store(version, f.statement);
    for (const params of [f.params, `${f.params}&format=exact`]) {
      const got = await queryOne(version, f.statement.id, params, { "Accept-Language": "en-GB" });
      expect(got.actor).toEqual(f.agent);
      expect(got.verb).toEqual(f.verb1);
      expect(got.object).toEqual(f.statement.object);
    }
  });

  it("ids keeps only identifiers: IFI (+objectType), activity id, verb id", async () => {
    const f = substatementFixture();
    await store(version, f.statement);
    const got = await queryOne(version, f.statement.id, `${f.params}&format=ids`);
    expect(got.actor).toEqual({ objectType: "Agent", mbox: f.agent.mbox });
    expect(got.verb).toEqual({ id: f.verb1.id });
    const sub = got.object as Json;
    expect(sub.objectType).toBe("SubStatement");
    expect(sub.actor).toEqual({ objectType: "Group", mbox: f.group.mbox });
    expect(sub.verb).toEqual({ id: f.verb2.id });
    expect(sub.object).toEqual({ id: f.activity.id });
    expect(got.authority).toEqual({ objectType: "Agent", account: { homePage: "http://lrs.test", name: "test-key" } });
    expect(got.stored).toEqual(expect.any(String));
  });

  it("ids reduces an anonymous Group to its members' identifiers, and context agents and activities", async () => {
    const verbId = `http://example.com/verbs/${uid()}`;
    const statement = {
      id: uid(),
      actor: { objectType: "Group", name: "team", member: [{ name: "Ann", mbox: "mailto:ann@example.com" }, { name: "Bob", openid: "http://example.com/bob" }] },
      verb: { id: verbId, display: { "en-US": "met" } },
      object: { id: "http://example.com/meeting", definition: { name: { "en-US": "Meeting" } } },
      context: {
        instructor: { name: "Carl", mbox: "mailto:carl@example.com" },
        contextActivities: { parent: [{ id: "http://example.com/course", definition: { name: { "en-US": "Course" } } }] },
        registration: uid(),
      },
      result: { success: true },
    };
    await store(version, statement);
    const got = await queryOne(version, statement.id, `verb=${encodeURIComponent(verbId)}&format=ids`);
    expect(got.actor).toEqual({ objectType: "Group", member: [{ mbox: "mailto:ann@example.com" }, { openid: "http://example.com/bob" }] });
    expect(got.object).toEqual({ id: "http://example.com/meeting" });
    const context = got.context as Json;
    expect(context.instructor).toEqual({ mbox: "mailto:carl@example.com" });
    expect(context.contextActivities).toEqual({ parent: [{ id: "http://example.com/course" }] });
    expect(context.registration).toBe(statement.context.registration);
    expect(got.result).toEqual({ success: true });
  });

  it("canonical keeps one language per map, chosen by Accept-Language, and agents as in exact", async () => {
    const f = substatementFixture();
    await store(version, f.statement);
    const got = await queryOne(version, f.statement.id, `${f.params}&format=canonical`, { "Accept-Language": "en-GB" });
    expect(got.actor).toEqual(f.agent);
    expect(got.verb).toEqual({ id: f.verb1.id, display: { "en-GB": "attended" } });
    const sub = got.object as Json;
    expect(sub.actor).toEqual(f.group);
    expect(sub.verb).toEqual({ id: f.verb2.id, display: { "en-GB": "attended" } });
    expect(sub.object).toEqual({
      ...f.activity,
      definition: {
        ...f.activity.definition,
        name: { "en-GB": "attended" },
        description: { "en-GB": f.activity.definition.description["en-GB"] },
      },
    });
  });

  it("canonical serves the store's merged Activity definition, filtered per map", async () => {
    const activityId = `http://example.com/activities/${uid()}`;
    const verbId = `http://example.com/verbs/${uid()}`;
    const base = (definition: Json) => ({
      id: uid(),
      actor: { mbox: "mailto:ann@example.com" },
      verb: { id: verbId, display: { "en-US": "answered", "fr-FR": "a répondu" } },
      object: { id: activityId, definition },
    });
    const first = base({ name: { "en-US": "Question" }, type: "http://adlnet.gov/expapi/activities/cmi.interaction", interactionType: "choice", choices: [{ id: "a", description: { "en-US": "Yes", "fr-FR": "Oui" } }] });
    const second = base({ name: { "fr-FR": "La question" }, description: { "de-DE": "Die Frage" } });
    await store(version, first);
    await store(version, second);
    const params = `verb=${encodeURIComponent(verbId)}&format=canonical`;
    for (const id of [first.id, second.id]) {
      const fr = await queryOne(version, id, params, { "Accept-Language": "fr-FR, en;q=0.5" });
      expect(fr.verb).toEqual({ id: verbId, display: { "fr-FR": "a répondu" } });
      const definition = (fr.object as Json).definition as Json;
      expect(definition.name).toEqual({ "fr-FR": "La question" });
      expect(definition.description).toEqual({ "de-DE": "Die Frage" });
      expect(definition.choices).toEqual([{ id: "a", description: { "fr-FR": "Oui" } }]);
      expect(definition.interactionType).toBe("choice");
    }
    const en = await queryOne(version, first.id, params, { "Accept-Language": "en" });
    expect(((en.object as Json).definition as Json).name).toEqual({ "en-US": "Question" });
    const none = await queryOne(version, first.id, params);
    expect(Object.keys(((none.object as Json).definition as Json).name as Json)).toHaveLength(1);
    // exact still shows each statement's own definition.
    const exact = await queryOne(version, first.id, `verb=${encodeURIComponent(verbId)}`);
    expect((exact.object as Json).definition).toEqual(first.object.definition);
  });
});

describe("contextAgents and contextGroups in ids (2.0.0)", () => {
  it("reduce the agent or group and keep relevantTypes", async () => {
    const verbId = `http://example.com/verbs/${uid()}`;
    const statement = {
      id: uid(),
      actor: { mbox: "mailto:ann@example.com" },
      verb: { id: verbId },
      object: { id: "http://example.com/a" },
      context: {
        contextAgents: [{ objectType: "contextAgent", agent: { name: "Bob", mbox: "mailto:bob@example.com" }, relevantTypes: ["http://example.com/t"] }],
        contextGroups: [{ objectType: "contextGroup", group: { objectType: "Group", name: "G", mbox: "mailto:g@example.com" } }],
      },
    };
    await store("2.0.0", statement);
    const got = await queryOne("2.0.0", statement.id, `verb=${encodeURIComponent(verbId)}&format=ids`);
    expect((got.context as Json).contextAgents).toEqual([
      { objectType: "contextAgent", agent: { mbox: "mailto:bob@example.com" }, relevantTypes: ["http://example.com/t"] },
    ]);
    expect((got.context as Json).contextGroups).toEqual([
      { objectType: "contextGroup", group: { objectType: "Group", mbox: "mailto:g@example.com" } },
    ]);
  });
});

describe("Accept-Language per language map (RFC 2616 14.4)", () => {
  const map = { "en-US": "a", "en-GB": "b", "fr-FR": "c", de: "d" };
  it.each([
    ["en-GB", "en-GB"],
    ["fr-FR;q=0.5, en-GB;q=0.9", "en-GB"],
    ["fr", "fr-FR"],
    ["de-AT", "de"],
    ["es, fr;q=0.1", "fr-FR"],
    ["es", "en-US"],
    ["*", "en-US"],
    ["en-GB;q=0, fr", "fr-FR"],
    ["EN-gb", "en-GB"],
    ["", "en-US"],
  ])("%j picks %s", (header, expected) => {
    expect(chooseLanguage(map, parseAcceptLanguage(header))).toBe(expected);
  });

  it("falls back to the first entry when no language is acceptable and there is no English", () => {
    expect(chooseLanguage({ "ja-JP": "x", "ko-KR": "y" }, parseAcceptLanguage("fr"))).toBe("ja-JP");
  });

  it("ignores malformed ranges", () => {
    expect(parseAcceptLanguage("en-GB;q=abc, ??, fr;q=0.3")).toEqual([{ range: "fr", q: 0.3 }]);
  });
});

describe("Accept-Language properties", () => {
  const tag = fc.stringMatching(/^[a-z]{2}(-[A-Z]{2})?$/);
  it("always keeps exactly one entry of a non-empty map, whatever the header", () => {
    fc.assert(
      fc.property(fc.dictionary(tag, fc.string(), { minKeys: 1 }), fc.string(), (map, header) => {
        const chosen = chooseLanguage(map, parseAcceptLanguage(header));
        expect(Object.keys(map)).toContain(chosen);
      }),
    );
  });

  it("picks the entry the best-quality range names exactly", () => {
    // Found once by fast-check: "ah" asked must not pick "ah-AA" listed before "ah".
    expect(chooseLanguage({ "ah-AA": 1, ah: 2, aa: 3 }, parseAcceptLanguage("ah-AA;q=0.5, aa;q=0.5, ah"))).toBe("ah");
    fc.assert(
      fc.property(fc.uniqueArray(tag, { minLength: 2, maxLength: 6, selector: (t) => t.toLowerCase() }), fc.nat(), (tags, n) => {
        const wanted = tags[n % tags.length]!;
        const map = Object.fromEntries(tags.map((t) => [t, t]));
        const others = tags.filter((t) => t !== wanted).map((t) => `${t};q=0.5`);
        expect(chooseLanguage(map, parseAcceptLanguage([...others, wanted].join(", ")))).toBe(wanted);
      }),
    );
  });
});
