// Extreme but well-formed statements: one statement of several MB, tens of thousands of statements in one
// batch, very long IRIs and strings, thousands of context activities. Each is stored completely or refused
// with a 4xx that changes nothing; never a 5xx.
import { describe, expect, it } from "vitest";
import { makeStatement } from "../../scripts/bench/statements.mjs";
import { xapi } from "../helpers";
import { FUZZ_TIMEOUT, refusalChangesNothing } from "./fuzz-helpers";

const TIMESTAMP = "2026-03-04T05:06:07.000Z";
const base = () => makeStatement(11, { id: crypto.randomUUID(), timestamp: TIMESTAMP }) as Record<string, any>;

async function postAndCheck(body: unknown, what: string): Promise<number> {
  const outcome = await refusalChangesNothing(() => xapi("/statements", { method: "POST", json: body }), "POST", what);
  if (outcome.status === 200) {
    // Stored completely: every id reads back.
    const ids = JSON.parse(outcome.text) as string[];
    for (const id of [ids[0], ids.at(-1)]) {
      expect((await xapi(`/statements?statementId=${id}`)).status, `${what}: ${id} reads back`).toBe(200);
    }
  }
  return outcome.status;
}

describe("fuzz: extreme statements", () => {
  it("a single statement of 3 MB (a huge extension) is refused with 413: a D1 value holds at most 2 MB", async () => {
    const s = base();
    s.result = { extensions: { "https://x.example/blob": "x".repeat(3 * 1024 * 1024) } };
    expect(await postAndCheck(s, "3 MB statement")).toBe(413);
  }, FUZZ_TIMEOUT);

  it("20,000 small statements in one batch", async () => {
    const batch = Array.from({ length: 20_000 }, (_, i) => ({
      id: crypto.randomUUID(),
      actor: { mbox: `mailto:m${i}@example.edu` },
      verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
      object: { id: `https://example.edu/a/${i}` },
    }));
    expect([200, 400, 413]).toContain(await postAndCheck(batch, "20,000 statements"));
  }, FUZZ_TIMEOUT);

  it("an activity IRI of 200 KB and a verb display of 100 KB", async () => {
    const s = base();
    s.object = { objectType: "Activity", id: `https://example.edu/${"a".repeat(200 * 1024)}` };
    s.verb.display = { "en-US": "v".repeat(100 * 1024) };
    expect([200, 400, 413]).toContain(await postAndCheck(s, "200 KB IRI"));
  }, FUZZ_TIMEOUT);

  it("5,000 context activities and a group of 2,000 members", async () => {
    const s = base();
    s.context.contextActivities.other = Array.from({ length: 5000 }, (_, i) => ({ id: `https://example.edu/other/${i}` }));
    s.context.team = { objectType: "Group", member: Array.from({ length: 2000 }, (_, i) => ({ mbox: `mailto:t${i}@example.edu` })) };
    expect([200, 400, 413]).toContain(await postAndCheck(s, "5,000 context activities"));
  }, FUZZ_TIMEOUT);
});
