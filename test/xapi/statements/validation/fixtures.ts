// Valid statements to start from, and helpers to assert acceptance or rejection at an exact path.
import { expect } from "vitest";
import type { XapiVersion } from "../../../../src/env";
import { rejectIssues } from "../../../../src/errors";
import { parseStatement } from "../../../../src/xapi/statements/validation";

// Fixtures are freely mutated by the tests, so they are loosely typed on purpose.
export type Json = Record<string, any>;

export const ACTIVITY_ID = "http://example.com/activities/quiz-1";

/** The smallest valid statement. */
export function minimalStatement(): Json {
  return {
    actor: { mbox: "mailto:learner@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/attempted" },
    object: { id: ACTIVITY_ID },
  };
}

/** A statement using most properties, valid in both versions. */
export function fullStatement(): Json {
  return {
    id: "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
    actor: { objectType: "Agent", name: "Learner", mbox: "mailto:learner@example.com" },
    verb: { id: "http://adlnet.gov/expapi/verbs/answered", display: { "en-US": "answered", "zh-Hant-TW": "回答" } },
    object: {
      objectType: "Activity",
      id: ACTIVITY_ID,
      definition: {
        name: { "en-US": "Quiz question 1" },
        description: { "en-US": "Which games?" },
        type: "http://adlnet.gov/expapi/activities/cmi.interaction",
        moreInfo: "https://example.com/quiz/1",
        interactionType: "choice",
        correctResponsesPattern: ["golf[,]tetris"],
        choices: [
          { id: "golf", description: { "en-US": "Golf" } },
          { id: "tetris", description: { "en-US": "Tetris" } },
        ],
        extensions: { "http://example.com/ext/level": { nested: [1, null, ""] } },
      },
    },
    result: {
      score: { scaled: 0.5, raw: 50, min: 0, max: 100 },
      success: true,
      completion: false,
      response: "golf[,]tetris",
      duration: "PT1H30M12.25S",
      extensions: { "http://example.com/ext/attempt": null },
    },
    context: {
      registration: "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
      instructor: { name: "Teacher", account: { homePage: "https://lms.example.com", name: "teacher-1" } },
      team: { objectType: "Group", name: "Team A", member: [{ openid: "https://openid.example.com/ann" }] },
      contextActivities: {
        parent: [{ id: "http://example.com/courses/c1" }],
        grouping: { objectType: "Activity", id: "http://example.com/programs/p1" },
        category: [{ id: "http://example.com/profiles/p1", definition: { type: "http://adlnet.gov/expapi/activities/profile" } }],
        other: [],
      },
      revision: "r2",
      platform: "Example LMS",
      language: "en-GB",
      statement: { objectType: "StatementRef", id: "6690e6c9-3ef0-4ed3-8b37-7f3964730bee" },
      extensions: { "http://example.com/ext/session": "abc" },
    },
    timestamp: "2024-05-01T12:34:56.789Z",
    stored: "2024-05-01T12:34:57.000Z",
    authority: { objectType: "Agent", account: { homePage: "https://lrs.example.com", name: "client" } },
    version: "1.0.0",
    attachments: [
      {
        usageType: "http://adlnet.gov/expapi/attachments/signature",
        display: { "en-US": "Signature" },
        description: { "en-US": "A JWS" },
        contentType: "application/octet-stream",
        length: 4235,
        sha2: "672fa5fa658017f1b72d65036f13379c6ab05d4ab3b6664908d8acf0b6a0c634",
        fileUrl: "https://files.example.com/sig",
      },
    ],
  };
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** A copy of `base` changed by `change`. */
export function mutated(base: Json, change: (statement: Json) => void): Json {
  const copy = clone(base);
  change(copy);
  return copy;
}

export function expectValid(statement: unknown, version: XapiVersion): void {
  expect(parseStatement(statement, version, "statement")).toMatchObject({ ok: true });
}

/** Asserts one issue naming exactly `path`; returns the message of the 400 it becomes, for further checks. */
export function expectRejected(statement: unknown, version: XapiVersion, path: string): string {
  const parsed = parseStatement(statement, version, "statement");
  if (parsed.ok) throw new Error(`expected a rejection at ${path}`);
  expect(parsed.issues).toHaveLength(1);
  expect(parsed.issues[0]!.path).toBe(path);
  const error = rejectIssues(parsed.issues);
  expect(error.status).toBe(400);
  expect(error.path).toBe(path);
  return error.message;
}
