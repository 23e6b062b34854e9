// `limit` is a non-negative integer (1.0.3 Communication 2.1.3 table; 9274.1.1 4.1.6.1); a value above the
// server's maximum is served at the maximum, whatever its number of digits.
import { describe, expect, it } from "vitest";
import { VERSIONS, xapi } from "../../helpers";
import { post, statement } from "../statements/fixtures";

describe.each(VERSIONS)("a large limit (%s)", (version) => {
  it.each(["100000", "1000000000", "99999999999999999999", `1${"0".repeat(400)}`, "0000000000003"])(
    "limit=%s is served",
    async (limit) => {
      const verbId = `http://example.com/verbs/${crypto.randomUUID()}`;
      const sent = [1, 2, 3, 4].map(() => statement({ verb: { id: verbId } }));
      expect((await post(sent, version)).status).toBe(200);
      const res = await xapi(`/statements?verb=${encodeURIComponent(verbId)}&limit=${limit}`, { version });
      expect(res.status, await res.clone().text()).toBe(200);
      const { statements } = (await res.json()) as { statements: unknown[] };
      expect(statements).toHaveLength(limit === "0000000000003" ? 3 : 4);
    },
  );

  it.each(["-1", "1.5", "1e3", "+5", ""])("limit=%j is still a 400 naming limit", async (limit) => {
    const res = await xapi(`/statements?limit=${encodeURIComponent(limit)}`, { version });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { path: string } }).error.path).toBe("limit");
  });
});
