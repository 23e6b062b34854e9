// The aggregator counts with the SQL derivation of the keys (statement-keys.ts), and voiding takes the same keys
// back; both must agree with the independent JS definition (expected.ts), or counts would drift: random
// statements are counted, then all voided, and nothing but the voiding statements' own total and verb counts
// may remain.
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { storeWithCredential, xapiAs } from "../admin/admin-helpers";
import { aggregate } from "./aggregator";
import { actualCounts, expectedCounts } from "./expected";
import { voidingOf } from "./fixtures";

const actor = fc.oneof(
  fc.constantFrom("a", "b", "ç").map((n) => ({ mbox: `mailto:${n}@example.com` })),
  fc.constantFrom("ABCDEF0123456789ABCDEF0123456789ABCDEF01", "0123456789abcdef0123456789abcdef01234567").map(
    (mbox_sha1sum) => ({ mbox_sha1sum }),
  ),
  fc.constantFrom("x", "y z").map((name) => ({ account: { homePage: "https://lms.example.com", name } })),
  fc.constant({ objectType: "Group", member: [{ mbox: "mailto:m@example.com" }] }),
  fc.constant({ objectType: "Group", openid: "https://id.example.com/g", member: [] }),
);
const score = fc.oneof(
  fc.double({ min: -1, max: 1, noNaN: true }).map((scaled) => ({ scaled })),
  fc.tuple(fc.integer({ min: -50, max: 50 }), fc.integer({ min: 1, max: 100 })).map(([min, span]) => ({
    min,
    max: min + span,
    raw: min + Math.floor(span / 3),
  })),
  fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: 0.001, max: 10, noNaN: true })).map(
    ([min, span]) => ({ min, max: min + span, raw: min + span / 7 }),
  ),
  fc.constant({ raw: 3 }),
);
const result = fc.record(
  { score, completion: fc.boolean(), success: fc.boolean() },
  { requiredKeys: [] },
);
const statement = fc.record(
  {
    actor,
    verb: fc.constantFrom("completed", "attempted").map((v) => ({ id: `http://adlnet.gov/expapi/verbs/${v}` })),
    object: fc.oneof(
      fc.integer({ min: 0, max: 3 }).map((n) => ({ id: `http://example.com/act/${n}` })),
      fc.constant({ objectType: "Agent", mbox: "mailto:o@example.com" }),
    ),
    result,
  },
  { requiredKeys: ["actor", "verb", "object"] },
);

async function post(credential: { auth: string }, body: unknown): Promise<string[]> {
  const res = await xapiAs(credential, "/statements", { method: "POST", json: body });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return JSON.parse(text) as string[];
}

describe("rollup key definitions", () => {
  it("the SQL keys agree with the JS definition: counting then voiding random statements leaves nothing", { timeout: 30_000 }, async () => {
    const store = await storeWithCredential("rollups-keys");
    await fc.assert(
      fc.asyncProperty(fc.array(statement, { minLength: 1, maxLength: 25 }), async (statements) => {
        const ids = await post(store, statements);
        await aggregate(store.storeId);
        expect(await actualCounts(store.storeId)).toEqual(await expectedCounts(store.storeId));
        await post(store, ids.map((id) => voidingOf(id)));
        await aggregate(store.storeId);
        const left = Object.keys(await actualCounts(store.storeId)).filter((k) => !/^(total|verb)\|/.test(k));
        expect(left).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it("a page straddling an hour boundary counts each statement at its own hour", async () => {
    const store = await storeWithCredential("rollups-midnight");
    const ids = await post(
      store,
      ["a", "b"].map((name) => ({
        actor: { mbox: `mailto:${name}@example.com` },
        verb: { id: "http://example.com/v" },
        object: { id: "http://example.com/a" },
      })),
    );
    // As if the first row had been stored an hour before, and nothing counted yet.
    await env.DB.batch([
      env.DB.prepare("UPDATE statements SET stored_ms = stored_ms - 3600000 WHERE store_id = ? AND id = ?").bind(
        store.storeId,
        ids[0],
      ),
      env.DB.prepare("DELETE FROM rollup_counts WHERE store_id = ?").bind(store.storeId),
      env.DB.prepare("DELETE FROM rollup_cursors WHERE store_id = ?").bind(store.storeId),
    ]);
    expect(await aggregate(store.storeId)).toMatchObject({ pages: 1, behind: false });
    const counts = await actualCounts(store.storeId);
    expect(counts).toEqual(await expectedCounts(store.storeId));
    expect(Object.keys(counts).filter((k) => k.startsWith("total|"))).toHaveLength(2);
  });
});
