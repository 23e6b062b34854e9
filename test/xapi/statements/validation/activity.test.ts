// Activities, definitions and interaction activities (1.0.3 Data 2.4.4.1; 9274.1.1 4.2.2.3, 4.2.4.2).
import { describe, it } from "vitest";
import { VERSIONS } from "../../../helpers";
import { ACTIVITY_ID, expectRejected, expectValid, type Json, minimalStatement, mutated } from "./fixtures";

const component = (id: string) => ({ id, description: { "en-US": id } });
/** One valid interaction per interactionType, with the component lists it supports. */
const INTERACTIONS: Json[] = [
  { interactionType: "true-false", correctResponsesPattern: ["true"] },
  { interactionType: "choice", correctResponsesPattern: ["a[,]b"], choices: [component("a"), component("b")] },
  { interactionType: "fill-in", correctResponsesPattern: ["{case_matters=true}Bob's your uncle"] },
  { interactionType: "long-fill-in", correctResponsesPattern: ["{lang=en}It's a long text"] },
  { interactionType: "matching", correctResponsesPattern: ["a[.]1"], source: [component("a")], target: [component("1")] },
  { interactionType: "performance", correctResponsesPattern: ["s1[.]3[:]5"], steps: [component("s1")] },
  { interactionType: "sequencing", correctResponsesPattern: ["b[,]a"], choices: [component("a"), component("b")] },
  { interactionType: "likert", correctResponsesPattern: ["ok"], scale: [component("bad"), component("ok")] },
  { interactionType: "numeric", correctResponsesPattern: ["4[:]"] },
  { interactionType: "other", correctResponsesPattern: ["(35.9, -86.3)"] },
];

const withDefinition = (definition: Json): Json => ({ ...minimalStatement(), object: { id: ACTIVITY_ID, definition } });

describe.each(VERSIONS)("activities, xAPI %s", (version) => {
  it.each(INTERACTIONS.map((d) => [d.interactionType, d]))("accepts a %s interaction", (_type, definition) => {
    expectValid(withDefinition({ name: { en: "Q" }, type: "http://adlnet.gov/expapi/activities/cmi.interaction", ...definition }), version);
  });

  it("accepts an interaction without a pattern, an empty definition and empty extensions", () => {
    expectValid(withDefinition({ interactionType: "choice" }), version);
    expectValid(withDefinition({}), version);
    expectValid(withDefinition({ extensions: {} }), version);
    expectValid({ ...minimalStatement(), object: { objectType: "Activity", id: "urn:uuid:fd41c918-b88b-4b20-a0a5-a4c32391aaa0" } }, version);
  });

  const choice = () => withDefinition({ ...INTERACTIONS[1] });
  const d = "statement.object.definition";
  const rejections: [string, (s: Json) => void, string][] = [
    ["activity without id", (s) => delete s.object.id, "statement.object.id"],
    ["activity id without scheme", (s) => (s.object.id = "activity"), "statement.object.id"],
    ["activity id with a space", (s) => (s.object.id = "http://example.com/a b"), "statement.object.id"],
    ["activity unknown key", (s) => (s.object.name = { en: "x" }), "statement.object.name"],
    ["definition not an object", (s) => (s.object.definition = "x"), d],
    ["definition unknown key", (s) => (s.object.definition.title = "x"), `${d}.title`],
    ["name not a language map", (s) => (s.object.definition.name = "x"), `${d}.name`],
    ["description with a bad tag", (s) => (s.object.definition.description = { "a12345678": "x" }), `${d}.description.a12345678`],
    ["type without scheme", (s) => (s.object.definition.type = "cmi.interaction"), `${d}.type`],
    ["moreInfo without scheme", (s) => (s.object.definition.moreInfo = "example.com/x"), `${d}.moreInfo`],
    ["extension key not an IRI", (s) => (s.object.definition.extensions = { "should fail": 1 }), `${d}.extensions["should fail"]`],
    ["interactionType wrong case", (s) => (s.object.definition.interactionType = "Choice"), `${d}.interactionType`],
    ["interactionType unknown", (s) => (s.object.definition.interactionType = "essay"), `${d}.interactionType`],
    ["interactionType not a string", (s) => (s.object.definition.interactionType = 1), `${d}.interactionType`],
    ["pattern without interactionType", (s) => delete s.object.definition.interactionType, `${d}.interactionType`],
    ["pattern not an array", (s) => (s.object.definition.correctResponsesPattern = "a"), `${d}.correctResponsesPattern`],
    ["pattern item not a string", (s) => (s.object.definition.correctResponsesPattern = ["a", 1]), `${d}.correctResponsesPattern[1]`],
    ["choices not an array", (s) => (s.object.definition.choices = component("a")), `${d}.choices`],
    ["component without id", (s) => (s.object.definition.choices[1] = { description: { en: "x" } }), `${d}.choices[1].id`],
    ["component id a number", (s) => (s.object.definition.choices[0].id = 1), `${d}.choices[0].id`],
    ["component unknown key", (s) => (s.object.definition.choices[0].name = "x"), `${d}.choices[0].name`],
    ["component ids repeated", (s) => (s.object.definition.choices[1].id = "a"), `${d}.choices[1].id`],
    ["component description bad", (s) => (s.object.definition.choices[0].description = { en: 1 }), `${d}.choices[0].description.en`],
    ["scale on a choice interaction", (s) => (s.object.definition.scale = [component("x")]), `${d}.scale`],
    [
      "choices on a true-false interaction",
      (s) => (s.object.definition.interactionType = "true-false"),
      `${d}.choices`,
    ],
    [
      "steps without interactionType",
      (s) => (s.object.definition = { steps: [component("s")] }),
      `${d}.interactionType`,
    ],
    [
      "a bad activity in contextActivities",
      (s) => (s.context = { contextActivities: { parent: [{ id: "http://e.com/p" }, { id: "p2" }] } }),
      "statement.context.contextActivities.parent[1].id",
    ],
  ];

  it.each(rejections)("rejects %s", (_name, change, path) => {
    expectRejected(mutated(choice(), change), version, path);
  });
});
