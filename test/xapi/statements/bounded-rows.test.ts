// Bounded rows (issue 12 item 4): no value bound to D1 may exceed its 2,000,000-byte limit, which local D1 does not
// enforce (it accepts about 8 MB), so these tests check the refusals themselves: a statement whose query index
// entries would not fit one bound value, or whose JSON is over the statement cap, is a 413 naming the property.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { post, statement } from "./fixtures";

const D1_VALUE_LIMIT = 2_000_000;

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
  it("refuses 46,000 context activities with 413 naming the property, storing nothing of the batch", async () => {
    const first = crypto.randomUUID();
    const huge = manyParents(46_000);
    // The statement itself is under the statement cap; its index entries alone are over D1's value limit.
    expect(new TextEncoder().encode(JSON.stringify(huge)).byteLength).toBeLessThan(800_000);
    const indexBytes = 46_000 * JSON.stringify(["related_activity", "a:45999", "context.contextActivities.parent"]).length;
    expect(indexBytes).toBeGreaterThan(D1_VALUE_LIMIT);
    const res = await xapi("/statements", { method: "POST", json: [statement({ id: first }), huge], version });
    expect(await rejection(res)).toEqual({ status: 413, path: "statement[1].context.contextActivities.parent" });
    expect((await xapi(`/statements?statementId=${first}`, { version })).status).toBe(404);
    expect((await xapi(`/statements?statementId=${huge.id as string}`, { version })).status).toBe(404);
  });

  it("names the property for PUT and for a single POSTed statement too", async () => {
    const id = crypto.randomUUID();
    const put = await xapi(`/statements?statementId=${id}`, { method: "PUT", json: manyParents(46_000, id), version });
    expect(await rejection(put)).toEqual({ status: 413, path: "statement.context.contextActivities.parent" });
    const single = await xapi("/statements", { method: "POST", json: manyParents(46_000), version });
    expect(await rejection(single)).toEqual({ status: 413, path: "statement.context.contextActivities.parent" });
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
