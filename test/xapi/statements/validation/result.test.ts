// Result and score (1.0.3 Data 2.4.5; 9274.1.1 4.2.2.4) and durations (Data 4.6; 9274.1.1 4.2.7).
import { describe, it } from "vitest";
import { VERSIONS } from "../../../helpers";
import { expectRejected, expectValid, type Json, minimalStatement, mutated } from "./fixtures";

const withResult = (result: Json): Json => ({ ...minimalStatement(), result });

describe.each(VERSIONS)("result, xAPI %s", (version) => {
  it("accepts scores at their bounds and partial scores", () => {
    for (const score of [
      { scaled: -1 },
      { scaled: 1, raw: 0, min: 0 },
      { raw: 100, max: 100 },
      { raw: -5.5, min: -10, max: -1 },
      { min: 0.1, max: 0.2 },
      {},
    ]) {
      expectValid(withResult({ score }), version);
    }
  });

  it.each(["PT4H35M59.14S", "P3Y1M29DT4H35M59.14S", "P3Y", "P4W", "PT0S", "P1DT12H36M0.12567S", "PT1H0M0.1S", "P0.5D", "PT0,5S"])(
    "accepts the duration %s",
    (duration) => expectValid(withResult({ duration }), version),
  );

  const rejections: [string, (s: Json) => void, string][] = [
    ["unknown key", (s) => (s.result.grade = "A"), "statement.result.grade"],
    ["success as a string", (s) => (s.result.success = "true"), "statement.result.success"],
    ["completion as a number", (s) => (s.result.completion = 1), "statement.result.completion"],
    ["response as a number", (s) => (s.result.response = 12), "statement.result.response"],
    ["score not an object", (s) => (s.result.score = 0.5), "statement.result.score"],
    ["score unknown key", (s) => (s.result.score.percent = 50), "statement.result.score.percent"],
    ["scaled as a string", (s) => (s.result.score.scaled = "0.5"), "statement.result.score.scaled"],
    ["raw out of float range", (s) => (s.result.score.raw = Infinity), "statement.result.score.raw"],
    ["scaled above 1", (s) => (s.result.score.scaled = 1.01), "statement.result.score.scaled"],
    ["scaled below -1", (s) => (s.result.score.scaled = -1.5), "statement.result.score.scaled"],
    ["min equal to max", (s) => (s.result.score.min = 100), "statement.result.score.min"],
    ["min above max", (s) => (s.result.score.min = 101), "statement.result.score.min"],
    ["raw below min", (s) => (s.result.score.raw = -1), "statement.result.score.raw"],
    ["raw above max", (s) => (s.result.score.raw = 101), "statement.result.score.raw"],
    ["raw above max without min", (s) => (s.result.score = { raw: 5, max: 4 }), "statement.result.score.raw"],
    ["duration in the alternative format", (s) => (s.result.duration = "P0003-04-06T12:00:00"), "statement.result.duration"],
    ["duration with a bad designator", (s) => (s.result.duration = "PA1H0M0S"), "statement.result.duration"],
    ["duration P alone", (s) => (s.result.duration = "P"), "statement.result.duration"],
    ["duration with an empty time part", (s) => (s.result.duration = "P1DT"), "statement.result.duration"],
    ["duration weeks combined", (s) => (s.result.duration = "P4W1D"), "statement.result.duration"],
    ["duration seconds without T", (s) => (s.result.duration = "P16559.14S"), "statement.result.duration"],
    ["duration fraction not last", (s) => (s.result.duration = "PT1.5H30M"), "statement.result.duration"],
    ["duration a number", (s) => (s.result.duration = 12345), "statement.result.duration"],
    ["extension key not an IRI", (s) => (s.result.extensions = { score: 1 }), "statement.result.extensions.score"],
    ["extensions an array", (s) => (s.result.extensions = []), "statement.result.extensions"],
  ];

  it.each(rejections)("rejects %s", (_name, change, path) => {
    const base = withResult({ score: { scaled: 0.5, raw: 50, min: 0, max: 100 }, success: true, duration: "PT1M" });
    expectRejected(mutated(base, change), version, path);
  });
});
