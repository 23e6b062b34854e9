// Property tests: whatever JSON arrives, the parsers return a value or issues, and strict parsing answers with a
// 400 or accepts; they never throw (which would surface as a 500).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { XapiError } from "../../../../src/errors";
import { parseStrictJson } from "../../../../src/http/strict-json";
import type { Parsed } from "../../../../src/parsed";
import { parseAgent, parseStatement } from "../../../../src/xapi/statements/validation";
import { VERSIONS } from "../../../helpers";
import { fullStatement, type Json } from "./fixtures";

/** Every [container, key] inside a statement, so a mutation can hit any depth. */
function slots(value: unknown, out: [Json, string | number][] = []): [Json, string | number][] {
  if (Array.isArray(value)) value.forEach((item, i) => (out.push([value as unknown as Json, i]), slots(item, out)));
  else if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      out.push([value as Json, key]);
      slots(item, out);
    }
  }
  return out;
}

function onlyBadRequests(check: () => unknown): void {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(XapiError);
    expect((error as XapiError).status).toBe(400);
  }
}

/** A value, or exactly one issue with a message and a path under `root`. */
function valueOrIssue(parsed: Parsed<unknown>, root: string): void {
  if (parsed.ok) return;
  expect(parsed.issues).toHaveLength(1);
  expect(typeof parsed.issues[0]!.message).toBe("string");
  expect(parsed.issues[0]!.path.startsWith(root)).toBe(true);
}

describe.each(VERSIONS)("robustness, xAPI %s", (version) => {
  it("a statement with any value replaced anywhere is accepted or refused with a 400", () => {
    const count = slots(fullStatement()).length;
    fc.assert(
      fc.property(fc.nat(count - 1), fc.jsonValue({ maxDepth: 3 }), (index, replacement) => {
        const statement = fullStatement();
        const [container, key] = slots(statement)[index]!;
        (container as Record<string | number, unknown>)[key] = replacement;
        valueOrIssue(parseStatement(statement, version, "statement"), "statement");
      }),
      { numRuns: 2000 },
    );
  });

  it("arbitrary JSON as statement or agent is accepted or refused with a 400", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        valueOrIssue(parseStatement(value, version, "statement"), "statement");
        valueOrIssue(parseAgent(value, version, "agent"), "agent");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseStrictJson robustness", () => {
  it("round-trips anything JSON.stringify writes", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
        const text = JSON.stringify(value);
        expect(parseStrictJson(text)).toEqual(JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it("any string is parsed like JSON.parse or refused with a 400", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json().map((t) => t.slice(0, Math.max(0, t.length - 1)))), (text) => {
        let expected: unknown;
        try {
          expected = JSON.parse(text);
        } catch {
          return onlyBadRequests(() => parseStrictJson(text));
        }
        onlyBadRequests(() => expect(parseStrictJson(text)).toEqual(expected));
      }),
      { numRuns: 1000 },
    );
  });
});
