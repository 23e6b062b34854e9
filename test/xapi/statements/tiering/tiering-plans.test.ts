// The tiering writes stay bounded by the run they move, never by the store: a run's rows are found by rowid.
// Without the unary + in POINT_ROWS_SQL, SQLite walked every statement of the store (an index on store_id) and
// probed json_each for each; on a 1,000,000-statement store one tiering batch then never finished (D1 stops a
// statement at 30 s).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { POINT_ROWS_SQL } from "../../../../src/xapi/statements/tiering/tier-statements";

async function plan(sql: string, args: unknown[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...args)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("tiering query plans", () => {
  it("pointing a run's rows at their segment seeks each row by rowid from the run", async () => {
    const details = await plan(POINT_ROWS_SQL, ["s", "[[1, \"x\"]]", 1]);
    expect(details, details.join("\n")).toContain("SEARCH statements USING INTEGER PRIMARY KEY (rowid=?)");
    expect(details.join("\n")).not.toMatch(/SEARCH statements USING (COVERING )?INDEX/);
    expect(details.join("\n")).not.toMatch(/SCAN statements/);
  });

  it("the same UPDATE without the unary + walks the store (what the test guards against)", async () => {
    const details = await plan(POINT_ROWS_SQL.replace("+statements.store_id", "statements.store_id"), ["s", "[[1, \"x\"]]", 1]);
    expect(details.join("\n")).toMatch(/SEARCH statements USING (COVERING )?INDEX \S+ \(store_id=\?\)/);
  });
});
