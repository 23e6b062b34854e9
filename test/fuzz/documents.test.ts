// Hostile input against the State, Activity Profile and Agent Profile resources: random parameters, bodies,
// content types and precondition headers on every method. Never a 5xx; a 4xx carries a JSON message and
// leaves the store (D1 rows and R2 objects) unchanged.
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { describe, it } from "vitest";
import { basic, BASE } from "../helpers";
import { FUZZ_TIMEOUT, fuzzOptions, refusalChangesNothing, VERSION_VALUES } from "./fuzz-helpers";

const RESOURCES = ["/activities/state", "/activities/profile", "/agents/profile"] as const;
const GOOD = {
  activityId: "https://courses.example.edu/course/1",
  agent: JSON.stringify({ objectType: "Agent", mbox: "mailto:fuzz@example.edu" }),
  registration: "5c3f4a57-0d6e-4b8a-9f5e-2f1f7a3d9c11",
};

const paramValue = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constantFrom(GOOD.activityId, GOOD.agent, GOOD.registration, "", "not an iri", "{}", '{"mbox":"a"}', '{"objectType":"Group","mbox":"mailto:g@example.edu"}', "2026-01-01T00:00:00Z", "yesterday"),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
);
const paramName = fc.constantFrom("activityId", "agent", "registration", "stateId", "profileId", "since", "ActivityId", "stateid", "extra");
// Start from a well-formed set of parameters and damage some of it, so requests reach deeper code.
const paramsArb = fc.tuple(
  fc.subarray(["activityId", "agent", "registration", "stateId", "profileId"] as const),
  fc.array(fc.tuple(paramName, paramValue), { maxLength: 3 }),
  fc.string({ maxLength: 20 }),
).map(([keep, extra, id]) => {
  const params = new URLSearchParams();
  for (const name of keep) {
    if (name === "stateId" || name === "profileId") params.append(name, id || "doc");
    else params.append(name, GOOD[name]);
  }
  for (const [name, value] of extra) params.append(name, value);
  return params.toString();
});

const bodyArb = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 100 }),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom('{"a":1,"a":2}', "{", "[1,2]", '"text"', "null", "", '{"nested":' + "[".repeat(5000) + "]".repeat(5000) + "}"),
);
const typeArb = fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/octet-stream", "", "multipart/mixed; boundary=x", "APPLICATION/JSON", "image/png");
const preconditionArb = fc.record(
  {
    "If-Match": fc.oneof(fc.constantFrom("*", '"abc"', "abc", '""', 'W/"x"', '"a", "b"'), fc.string({ maxLength: 20 })),
    "If-None-Match": fc.oneof(fc.constantFrom("*", '"abc"', "abc"), fc.string({ maxLength: 20 })),
  },
  { requiredKeys: [] },
);
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

describe("fuzz: document resources", () => {
  it("random parameters, bodies, content types and preconditions on every method", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...RESOURCES),
        fc.constantFrom("GET", "HEAD", "PUT", "POST", "DELETE"),
        paramsArb,
        bodyArb,
        typeArb,
        preconditionArb,
        fc.constantFrom(...VERSION_VALUES),
        async (resource, method, query, body, type, preconditions, version) => {
          const headers: Record<string, string> = { Authorization: basic(), "X-Experience-API-Version": version };
          if (type) headers["Content-Type"] = type;
          for (const [k, v] of Object.entries(preconditions)) headers[k] = printable(v as string);
          const hasBody = method === "PUT" || method === "POST";
          const what = `${method} ${resource}?${query} ${JSON.stringify(headers)} body ${typeof body === "string" ? body.slice(0, 120) : `${body.length} bytes`}`;
          await refusalChangesNothing(
            () => SELF.fetch(`${BASE}${resource}?${query}`, { method, headers, body: hasBody ? body : undefined }),
            method,
            what,
          );
        },
      ),
      fuzzOptions(7201, 200),
    );
  }, FUZZ_TIMEOUT);
});
