// Statement-level rules: required parts, unknown and case-mismatched keys, nulls, JSON types, id, version,
// stored, voiding and SubStatements (1.0.3 Data 2.2-2.4; 9274.1.1 4.2.1, 4.2.2, 4.2.5).
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../../helpers";
import { rejectIssues } from "../../../../src/errors";
import { parseStatement } from "../../../../src/xapi/statements/validation";
import { expectRejected, expectValid, fullStatement, type Json, minimalStatement, mutated } from "./fixtures";

const SUBSTATEMENT = {
  objectType: "SubStatement",
  actor: { mbox: "mailto:other@example.com" },
  verb: { id: "http://example.com/verbs/will-attend" },
  object: { id: "http://example.com/activities/meeting" },
  timestamp: "2030-01-01T00:00:00Z",
};

describe.each(VERSIONS)("statement validation, xAPI %s", (version) => {
  it("accepts a minimal and a full statement", () => {
    expectValid(minimalStatement(), version);
    expectValid(fullStatement(), version);
  });

  it("accepts properties in any order and upper-case UUID hex", () => {
    const { object, verb, actor } = minimalStatement();
    expectValid({ object, verb, actor, id: "FD41C918-B88B-4B20-A0A5-A4C32391AAA0" }, version);
  });

  it("accepts the other object kinds and a SubStatement with its own context and result", () => {
    for (const object of [
      { objectType: "Agent", account: { homePage: "https://example.com", name: "a" } },
      { objectType: "Group", member: [{ mbox: "mailto:a@example.com" }] },
      { objectType: "StatementRef", id: "6690e6c9-3ef0-4ed3-8b37-7f3964730bee" },
      { ...SUBSTATEMENT, result: { success: true }, context: { platform: "x", instructor: { mbox: "mailto:t@e.com" } } },
    ]) {
      expectValid({ ...minimalStatement(), object }, version);
    }
  });

  it("accepts a voiding statement and versions 1.0 and 1.0.x", () => {
    expectValid(
      {
        ...minimalStatement(),
        verb: { id: "http://adlnet.gov/expapi/verbs/voided" },
        object: { objectType: "StatementRef", id: "6690e6c9-3ef0-4ed3-8b37-7f3964730bee" },
      },
      version,
    );
    for (const v of ["1.0", "1.0.0", "1.0.3", "1.0.9"]) expectValid({ ...minimalStatement(), version: v }, version);
  });

  it("reports the statement path it was given", () => {
    const parsed = parseStatement({ ...minimalStatement(), id: "nope" }, version, "statement[3]");
    expect(parsed).toEqual({
      ok: false,
      issues: [{ path: "statement[3].id", message: "must be a UUID (8-4-4-4-12 hexadecimal digits)" }],
    });
    expect(rejectIssues(!parsed.ok ? parsed.issues : []).message).toBe(
      "statement[3].id: must be a UUID (8-4-4-4-12 hexadecimal digits)",
    );
  });

  it("returns the statement it checked, typed, with a null timestamp read as absent only under 2.0", () => {
    const statement = minimalStatement();
    const parsed = parseStatement(statement, version, "statement");
    expect(parsed).toEqual({ ok: true, value: statement });
    if (parsed.ok) expect(parsed.value.verb.id).toBe(statement.verb.id);
    const withNull = parseStatement({ ...statement, timestamp: null }, version, "statement");
    if (version === "2.0.0") expect(withNull).toEqual({ ok: true, value: statement });
    else expect(withNull).toEqual({ ok: false, issues: [{ path: "statement.timestamp", message: "must not be null" }] });
  });

  const rejections: [string, (s: Json) => void, string][] = [
    ["missing actor", (s) => delete s.actor, "statement.actor"],
    ["missing verb", (s) => delete s.verb, "statement.verb"],
    ["missing object", (s) => delete s.object, "statement.object"],
    ["unknown top-level property", (s) => (s.foo = 1), "statement.foo"],
    ["key in the wrong case", (s) => ((s.Actor = s.actor), delete s.actor), "statement.Actor"],
    ["null outside extensions", (s) => (s.result = null), "statement.result"],
    ["null language map value", (s) => (s.verb.display["en-US"] = null), 'statement.verb.display["en-US"]'],
    ["null name", (s) => (s.actor.name = null), "statement.actor.name"],
    ["objectType at statement level", (s) => (s.objectType = "Statement"), "statement.objectType"],
    ["id not a UUID", (s) => (s.id = "fd41c918-b88b-4b20-a0a5-a4c32391aaa"), "statement.id"],
    ["id with a non-hex letter", (s) => (s.id = "MA97B177-9383-4934-8543-0F91A7A02836"), "statement.id"],
    ["id a number", (s) => (s.id = 12345), "statement.id"],
    ["id empty", (s) => (s.id = ""), "statement.id"],
    ["verb id missing", (s) => delete s.verb.id, "statement.verb.id"],
    ["verb id without scheme", (s) => (s.verb.id = "ab=c://should.fail.com"), "statement.verb.id"],
    ["verb id relative", (s) => (s.verb.id = "verbs/attempted"), "statement.verb.id"],
    ["verb display a string", (s) => (s.verb.display = "attempted"), "statement.verb.display"],
    ["verb display bad language tag", (s) => (s.verb.display = { a12345: "x" }), "statement.verb.display.a12345"],
    ["verb unknown property", (s) => (s.verb.name = "x"), "statement.verb.name"],
    ["object an array", (s) => (s.object = [s.object]), "statement.object"],
    ["object objectType wrong case", (s) => (s.object.objectType = "activity"), "statement.object.objectType"],
    ["object objectType unknown", (s) => (s.object.objectType = "Thing"), "statement.object.objectType"],
    ["StatementRef without id", (s) => (s.object = { objectType: "StatementRef" }), "statement.object.id"],
    ["StatementRef bad id", (s) => (s.object = { objectType: "StatementRef", id: "x" }), "statement.object.id"],
    ["StatementRef extra key", (s) => (s.object = { objectType: "StatementRef", id: s.id, definition: {} }), "statement.object.definition"],
    ["timestamp free text", (s) => (s.timestamp = "should fail"), "statement.timestamp"],
    ["timestamp -00:00 offset", (s) => (s.timestamp = "2008-09-15T15:53:00.601-00:00"), "statement.timestamp"],
    ["stored not a timestamp", (s) => (s.stored = "yesterday"), "statement.stored"],
    ["version 0.9.9", (s) => (s.version = "0.9.9"), "statement.version"],
    ["version 1.1.0", (s) => (s.version = "1.1.0"), "statement.version"],
    ["version not semver", (s) => (s.version = "should fail"), "statement.version"],
    ["version a number", (s) => (s.version = 1.0), "statement.version"],
    ["attachments not an array", (s) => (s.attachments = s.attachments[0]), "statement.attachments"],
    [
      "voided verb with an Activity object",
      (s) => (s.verb = { id: "http://adlnet.gov/expapi/verbs/voided" }),
      "statement.object.objectType",
    ],
    ["SubStatement with id", (s) => (s.object = { ...SUBSTATEMENT, id: s.id }), "statement.object.id"],
    ["SubStatement with stored", (s) => (s.object = { ...SUBSTATEMENT, stored: s.stored }), "statement.object.stored"],
    ["SubStatement with version", (s) => (s.object = { ...SUBSTATEMENT, version: "1.0.0" }), "statement.object.version"],
    ["SubStatement with authority", (s) => (s.object = { ...SUBSTATEMENT, authority: s.authority }), "statement.object.authority"],
    ["SubStatement without actor", (s) => (s.object = { ...SUBSTATEMENT, actor: undefined }), "statement.object.actor"],
    ["SubStatement without objectType is an Activity", (s) => (s.object = { ...SUBSTATEMENT, objectType: undefined }), "statement.object.actor"],
    [
      "SubStatement inside a SubStatement",
      (s) => (s.object = { ...SUBSTATEMENT, object: { ...SUBSTATEMENT } }),
      "statement.object.object.objectType",
    ],
    [
      "SubStatement with a bad timestamp",
      (s) => (s.object = { ...SUBSTATEMENT, timestamp: "2008-09-15T15:53:00.601-0000" }),
      "statement.object.timestamp",
    ],
  ];

  it.each(rejections)("rejects %s", (_name, change, path) => {
    expectRejected(mutated(fullStatement(), change), version, path);
  });

  it("rejects values that are not objects", () => {
    for (const value of [null, [], "statement", 1, true]) expectRejected(value, version, "statement");
  });
});

describe("version-specific statement rules", () => {
  it("1.0.3 refuses a 2.0.0 statement version, 2.0 accepts 2.0 and 2.0.x", () => {
    expectRejected({ ...minimalStatement(), version: "2.0.0" }, "1.0.3", "statement.version");
    expectValid({ ...minimalStatement(), version: "2.0.0" }, "2.0.0");
    expectValid({ ...minimalStatement(), version: "2.0" }, "2.0.0");
  });

  it("2.0 reads a null statement timestamp as absent (the 2.0 suite sends it); 1.0.3 refuses the null", () => {
    expectValid({ ...minimalStatement(), timestamp: null }, "2.0.0");
    expectRejected({ ...minimalStatement(), timestamp: null }, "1.0.3", "statement.timestamp");
    expectRejected(
      { ...minimalStatement(), object: { ...SUBSTATEMENT, timestamp: null } },
      "2.0.0",
      "statement.object.timestamp",
    );
  });
});
