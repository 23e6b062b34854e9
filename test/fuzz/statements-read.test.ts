// Hostile input against GET/HEAD /statements: random query parameters (known names with random values, unknown
// and wrong-case names, repeats, tampered cursors) and random headers. Never a 5xx, a 4xx always carries a JSON
// message, and no read changes the store.
import { SELF } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { makeBatch } from "../../scripts/bench/statements.mjs";
import { basic, BASE, xapi } from "../helpers";
import { FUZZ_TIMEOUT, fuzzOptions, refusalChangesNothing, VERSION_VALUES } from "./fuzz-helpers";

const NAMES = ["agent", "verb", "activity", "registration", "related_activities", "related_agents", "since", "until", "limit", "format", "attachments", "ascending", "cursor", "statementId", "voidedStatementId"];

const valueArb = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("true", "false", "TRUE", "1", "0", "-1", "99999999999", "ids", "exact", "canonical", "", "null", "[]", "{}"),
  fc.uuid().map(String),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc.constantFrom(
    JSON.stringify({ mbox: "mailto:learner1@example.edu" }),
    JSON.stringify({ objectType: "Group", member: [] }),
    JSON.stringify({ mbox: "mailto:a@b.c", openid: "http://x.example" }),
    JSON.stringify({ account: { homePage: "https://sso.example.edu", name: 1 } }),
    "http://adlnet.gov/expapi/verbs/completed",
    "not an iri",
  ),
  fc.webUrl(),
);
const nameArb = fc.oneof(fc.constantFrom(...NAMES), fc.constantFrom(...NAMES).map((n) => n.toUpperCase()), fc.string({ minLength: 1, maxLength: 12 }));
const queryArb = fc.array(fc.tuple(nameArb, valueArb), { maxLength: 5 });

const headerArb = fc.record(
  {
    "Accept-Language": fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("fr-FR", "*", "en;q=0.5, fr;q=x", ";;;,,,")),
    "X-Experience-API-Version": fc.oneof(fc.constantFrom(...VERSION_VALUES, "1.0.0", "1.0", "2.1.0", "0.95", "", "2.0.0.0"), fc.string({ maxLength: 10 })),
    "If-None-Match": fc.string({ maxLength: 20 }),
    "X-LRS-Bookmark": fc.oneof(fc.string({ maxLength: 40 }), fc.constantFrom("00000000-00000000-00000000-00000000000000000000000000000000")),
    Accept: fc.constantFrom("application/json", "multipart/mixed", "*/*", "text/html", "x/y;q=0"),
  },
  { requiredKeys: [] },
);
const printable = (s: string) => s.replace(/[^\x20-\x7e]/g, "?");

describe("fuzz: GET /statements", () => {
  beforeAll(async () => {
    const statements = makeBatch(0, 60, { timestamp: "2026-02-03T04:05:06.000Z" });
    expect((await xapi("/statements", { method: "POST", json: statements })).status).toBe(200);
  });

  it("random query parameters and headers never cause a 5xx nor a change", async () => {
    await fc.assert(
      fc.asyncProperty(queryArb, headerArb, fc.constantFrom("GET", "HEAD"), async (query, headers, method) => {
        const search = new URLSearchParams(query).toString();
        const sent: Record<string, string> = { Authorization: basic(), "X-Experience-API-Version": "2.0.0" };
        for (const [k, v] of Object.entries(headers)) sent[k] = printable(v as string);
        const what = `${method} /statements?${search} ${JSON.stringify(sent)}`;
        await refusalChangesNothing(() => SELF.fetch(`${BASE}/statements?${search}`, { method, headers: sent }), method, what);
      }),
      fuzzOptions(7101, 150),
    );
  }, FUZZ_TIMEOUT);

  it("tampered `more` cursors are refused with 400", async () => {
    const first = await xapi("/statements?limit=5");
    expect(first.status).toBe(200);
    const more = ((await first.json()) as { more: string }).more;
    expect(more).toMatch(/cursor=/);
    const cursor = new URL(more, "http://x").searchParams.get("cursor")!;
    await fc.assert(
      fc.asyncProperty(fc.nat(cursor.length - 1), fc.string({ minLength: 1, maxLength: 3 }), fc.constantFrom("replace", "truncate", "append"), async (at, junk, how) => {
        const tampered = how === "replace" ? cursor.slice(0, at) + junk + cursor.slice(at + 1) : how === "truncate" ? cursor.slice(0, at) : cursor + junk;
        fc.pre(tampered !== cursor);
        const url = more.replace(`cursor=${encodeURIComponent(cursor)}`, `cursor=${encodeURIComponent(tampered)}`).replace(/^\/xapi/, "");
        const outcome = await refusalChangesNothing(() => xapi(url), "GET", `GET ${url}`);
        expect(outcome.status, `GET ${url}`).toBe(400);
      }),
      fuzzOptions(7102, 60),
    );
  }, FUZZ_TIMEOUT);
});
