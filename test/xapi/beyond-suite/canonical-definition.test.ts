// The canonical Activity definition (1.0.3 Data 2.4.4.1.s4.b4-b5; Communication 2.5): names and descriptions
// merge language by language, but interaction components and correct responses, once defined, are not changed
// by a later statement ("SHOULD NOT make significant changes ... e.g. changes to correct responses").
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { post, statement, type Json } from "../statements/fixtures";

const INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction";
const choice = (id: string, en: string) => ({ id, description: { "en-US": en } });

function question(activityId: string, definition: Json): Json {
  return statement({ object: { objectType: "Activity", id: activityId, definition } });
}

async function canonical(version: string, activityId: string): Promise<Json> {
  const res = await xapi(`/activities?activityId=${encodeURIComponent(activityId)}`, { version });
  expect(res.status).toBe(200);
  return ((await res.json()) as { definition: Json }).definition;
}

describe.each(VERSIONS)("canonical Activity definitions (%s)", (version) => {
  const first = {
    name: { "en-US": "Capital of France" },
    type: INTERACTION,
    interactionType: "choice",
    correctResponsesPattern: ["b"],
    choices: [choice("a", "Lyon"), choice("b", "Paris"), choice("c", "Nice")],
  };
  const later = {
    name: { "fr-FR": "Capitale de la France" },
    description: { "en-US": "A geography question" },
    type: INTERACTION,
    interactionType: "choice",
    correctResponsesPattern: ["a"],
    choices: [choice("a", "Lyon")],
  };
  const expected = {
    ...first,
    name: { "en-US": "Capital of France", "fr-FR": "Capitale de la France" },
    description: { "en-US": "A geography question" },
  };

  it.each([
    ["in separate requests", true],
    ["in one batch", false],
  ])("keep interaction components and correct responses, merge names and descriptions (%s)", async (_how, separate) => {
    const activityId = `http://example.com/questions/${crypto.randomUUID()}`;
    const statements = [question(activityId, first), question(activityId, later)];
    if (separate) for (const s of statements) expect((await post(s, version)).status).toBe(200);
    else expect((await post(statements, version)).status).toBe(200);
    expect(await canonical(version, activityId)).toEqual(expected);

    // format=canonical serves the same definition; format=exact still each statement's own.
    const res = await xapi(`/statements?activity=${encodeURIComponent(activityId)}&format=canonical`, {
      version,
      headers: { "Accept-Language": "en-US" },
    });
    const { statements: got } = (await res.json()) as { statements: { object: { definition: Json } }[] };
    expect(got).toHaveLength(2);
    for (const s of got) expect(s.object.definition.choices).toEqual(first.choices);
    for (const s of got) expect(s.object.definition.correctResponsesPattern).toEqual(["b"]);
    const exact = await xapi(`/statements?activity=${encodeURIComponent(activityId)}`, { version });
    const own = ((await exact.json()) as { statements: { object: { definition: Json } }[] }).statements;
    expect(own.map((s) => s.object.definition.correctResponsesPattern)).toEqual([["a"], ["b"]]);
  });

  it("takes interaction members a later statement defines for the first time", async () => {
    const activityId = `http://example.com/questions/${crypto.randomUUID()}`;
    expect((await post(question(activityId, { name: { "en-US": "Capital of France" } }), version)).status).toBe(200);
    expect((await post(question(activityId, first), version)).status).toBe(200);
    expect(await canonical(version, activityId)).toEqual(first);
    // A type or moreInfo correction is a small change and is taken.
    const corrected = { type: "http://adlnet.gov/expapi/activities/question", moreInfo: "http://example.com/more" };
    expect((await post(question(activityId, corrected), version)).status).toBe(200);
    expect(await canonical(version, activityId)).toEqual({ ...first, ...corrected });
  });
});
