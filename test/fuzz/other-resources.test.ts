// Hostile input against the 1.0.3 Alternate Request Syntax (form bodies whose fields become headers, query
// parameters and content) and the Agents and Activities resources. Never a 5xx; refusals are 4xx with a JSON
// message and change nothing.
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, it } from "vitest";
import { makeStatement } from "../../scripts/bench/statements.mjs";
import { basic, BASE } from "../helpers";
import { FUZZ_TIMEOUT, fuzzOptions, refusalChangesNothing, VERSION_VALUES } from "./fuzz-helpers";

const FIELDS = ["Authorization", "X-Experience-API-Version", "Content-Type", "Content-Length", "If-Match", "If-None-Match", "content", "statementId", "activityId", "agent", "stateId", "limit", "method"];
const TARGETS = ["/statements", "/activities/state", "/activities/profile", "/agents/profile", "/agents", "/activities", "/about", "/nowhere"];

const fieldValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  // Non-ASCII header values are accepted by workerd (it warns and sends UTF-8); one such value is enough.
  fc.constantFrom(basic(), "1.0.3", "2.0.0", "application/json", "*", '"abc"', "\r\nX-Injected: 1", "é€", "\u0000", ""),
  fc.uuid().map(String),
  fc.constant(JSON.stringify(makeStatement(1, { id: "9f1c3c5e-9e4b-4c4e-8d6b-0a7e3b6f2d11", timestamp: "2026-01-01T00:00:00Z" }))),
);

describe("fuzz: Alternate Request Syntax and the Agents/Activities resources", () => {
  it("form bodies with random fields, values and methods", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...TARGETS),
        fc.oneof(fc.constantFrom("GET", "PUT", "POST", "DELETE", "get", "PATCH", ""), fc.string({ maxLength: 6 })),
        fc.array(fc.tuple(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), fieldValue), { maxLength: 6 }),
        fc.constantFrom("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8", "text/plain"),
        fc.constantFrom(...VERSION_VALUES, "1.0.1", undefined),
        async (target, method, fields, type, version) => {
          const body = new URLSearchParams(fields).toString();
          const headers: Record<string, string> = { "Content-Type": type };
          if (version) headers["X-Experience-API-Version"] = version;
          const what = `POST ${target}?method=${method} ${JSON.stringify(headers)} ${body.slice(0, 300)}`;
          await refusalChangesNothing(
            () => SELF.fetch(`${BASE}${target}?method=${encodeURIComponent(method)}`, { method: "POST", headers, body }),
            "POST",
            what,
          );
        },
      ),
      fuzzOptions(7301, 150),
    );
  }, FUZZ_TIMEOUT);

  it("random parameters on GET /agents and GET /activities", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom("/agents", "/activities"),
        fc.array(
          fc.tuple(
            fc.constantFrom("agent", "activityId", "Agent", "x"),
            fc.oneof(fc.string({ maxLength: 30 }), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), fc.constantFrom('{"mbox":"mailto:a@b.c"}', "https://courses.example.edu/course/1", '{"objectType":"Group","member":[]}', '{"mbox":"mailto:a@b.c","mbox_sha1sum":"x"}')),
          ),
          { maxLength: 3 },
        ),
        fc.constantFrom(...VERSION_VALUES),
        async (resource, params, version) => {
          const query = new URLSearchParams(params).toString();
          const what = `GET ${resource}?${query}`;
          await refusalChangesNothing(
            () => SELF.fetch(`${BASE}${resource}?${query}`, { headers: { Authorization: basic(), "X-Experience-API-Version": version } }),
            "GET",
            what,
          );
        },
      ),
      fuzzOptions(7302, 100),
    );
  }, FUZZ_TIMEOUT);
});
