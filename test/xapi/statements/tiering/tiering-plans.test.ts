// The tiering writes stay bounded by the run they move, never by the store: a run's rows are found by rowid.
// Without the unary + in POINT_ROWS_SQL, SQLite walked every statement of the store (an index on store_id) and
// probed json_each for each; on a 1,000,000-statement store one tiering batch then never finished (D1 stops a
// statement at 30 s).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { POINT_ROWS_SQL, REPOINT_ROWS_SQL } from "../../../../src/statement-store/tiering/tier-statements";

async function plan(sql: string, args: unknown[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...args)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("tiering query plans", () => {
  it.each([
    ["pointing a run's rows at their segment", POINT_ROWS_SQL],
    ["repointing a rewritten segment's rows", REPOINT_ROWS_SQL],
  ])("%s seeks each row by rowid from the run", async (_name, sql) => {
    const details = await plan(sql, ["s", "[[1, [2, 0, 10]]]", 1]);
    expect(details, details.join("\n")).toContain("SEARCH s USING INTEGER PRIMARY KEY (rowid=?)");
    expect(details.join("\n")).not.toMatch(/SEARCH s USING (COVERING )?INDEX/);
    expect(details.join("\n")).not.toMatch(/SCAN s\b/);
  });

  it("the same UPDATE without the unary + walks the store (what the test guards against)", async () => {
    const details = await plan(POINT_ROWS_SQL.replace("+s.store_id", "s.store_id"), ["s", "[[1, [2, 0, 10]]]", 1]);
    expect(details.join("\n")).toMatch(/SEARCH s USING (COVERING )?INDEX \S+ \(store_id=\?\)/);
  });
});
