// Bounded rows (issue 12 item 4): no value bound to D1 may exceed its 2,000,000-byte limit, which local D1 does not
// enforce (it accepts about 8 MB), so these tests check the bounds themselves: a statement whose query index
// entries would not fit one bound value, or whose JSON is over the statement cap, is a 413 naming the property.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { MAX_INDEX_BYTES, oversizeIndexProperty, ROLE, VALUE_KIND, type StatementFacts } from "../../../src/statement-store/statement-index";
import { post, statement } from "./fixtures";

/** A valid statement with `count` short context activity ids under contextActivities.parent. */
function manyParents(count: number, id = crypto.randomUUID()) {
  const parent = Array.from({ length: count }, (_, i) => ({ id: `a:${i}` }));
  return statement({ id, context: { contextActivities: { parent } } });
}

async function rejection(res: Response): Promise<{ status: number; path?: string }> {
  const body = (await res.json()) as { error: { path?: string } };
  return { status: res.status, path: body.error.path };
}

describe.each(VERSIONS)("bounded rows (%s)", (version) => {
  it("accepts 46,000 context activities: one index row each, smaller than the statement itself", async () => {
    const huge = manyParents(46_000);
    // Under the statement cap; its index entries ([kind, value, roles] per activity) are smaller still, so they
    // fit one bound value (the entries of 46,000 activities were over D1's limit when each carried its kind and
    // usage as text).
    expect(new TextEncoder().encode(JSON.stringify(huge)).byteLength).toBeLessThan(800_000);
    const indexBytes = 46_000 * JSON.stringify([2, "a:45999", 2]).length;
    expect(indexBytes).toBeLessThan(MAX_INDEX_BYTES);
    const res = await post(huge, version);
    expect(res.status).toBe(200);
    const found = await xapi(`/statements?activity=a:45999&related_activities=true`, { version });
    const ids = ((await found.json()) as { statements: { id: string }[] }).statements.map((s) => s.id);
    expect(ids).toContain(huge.id);
  });

  it("still accepts a statement with thousands of context activities", async () => {
    const res = await post(manyParents(3_000), version);
    expect(res.status).toBe(200);
    expect(res.ids).toHaveLength(1);
  });

  it("refuses a statement over the 800,000-byte cap with 413 naming statement[i]", async () => {
    const big = statement({ result: { extensions: { "http://example.com/ext/blob": "x".repeat(850_000) } } });
    const res = await xapi("/statements", { method: "POST", json: [statement(), big], version });
    expect(await rejection(res)).toEqual({ status: 413, path: "statement[1]" });
  });
});

describe("index entries past one bound value", () => {
  const facts = (rows: number, usage: string): StatementFacts => ({
    index: Array.from({ length: rows }, (_, i) => ({
      kind: VALUE_KIND.activity,
      value: `http://example.com/activities/${"x".repeat(40)}/${i}`,
      roles: ROLE.mentioned,
      usage,
    })),
    activities: [],
    agents: [],
  });

  it("blames the property that contributed most of them", () => {
    const many = facts(20_000, "context.contextActivities.grouping");
    expect(oversizeIndexProperty("id", many)).toBe("context.contextActivities.grouping");
  });

  it("lets entries under MAX_INDEX_BYTES pass", () => {
    expect(oversizeIndexProperty("id", facts(1_000, "context.contextActivities.grouping"))).toBeUndefined();
  });
});
