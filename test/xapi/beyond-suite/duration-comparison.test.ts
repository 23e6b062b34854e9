// Statement comparison ignores duration precision beyond 0.01 s under both versions (1.0.3 Data 4.6.s1.b5,
// SHOULD* NOT be included; 9274.1.1 4.2.7): re-sending an id with PT1.002S after PT1.001S is a no-op.
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../helpers";
import { fetchStatement, post, put, statement } from "../statements/fixtures";

describe.each(VERSIONS)("duration precision in statement comparison (%s)", (version) => {
  it("PT1.001S then PT1.002S under the same id is a no-op, the first kept", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id, result: { duration: "PT1.001S" } }), version)).toBe(204);
    expect(await put(id, statement({ id, result: { duration: "PT1.002S" } }), version)).toBe(204);
    expect(await post([statement({ id, result: { duration: "PT1.009S" } })], version)).toEqual({ status: 200, ids: [id] });
    expect(await put(id, statement({ id, result: { duration: "PT1S" } }), version)).toBe(204);
    expect(((await fetchStatement(id, version)).result as { duration: string }).duration).toBe("PT1.001S");
  });

  it("a difference at 0.01 s or more is still a 409, in a SubStatement too", async () => {
    const id = crypto.randomUUID();
    expect(await put(id, statement({ id, result: { duration: "PT1.001S" } }), version)).toBe(204);
    expect(await put(id, statement({ id, result: { duration: "PT1.011S" } }), version)).toBe(409);
    const sub = (duration: string) => ({
      objectType: "SubStatement",
      actor: { mbox: "mailto:sub@example.com" },
      verb: { id: "http://example.com/verbs/plan" },
      object: { id: "http://example.com/activities/sub" },
      result: { duration },
    });
    const subId = crypto.randomUUID();
    expect(await put(subId, statement({ id: subId, object: sub("PT2.5001S") }), version)).toBe(204);
    expect(await put(subId, statement({ id: subId, object: sub("PT2.5009S") }), version)).toBe(204);
    expect(await put(subId, statement({ id: subId, object: sub("PT2.51S") }), version)).toBe(409);
  });
});
