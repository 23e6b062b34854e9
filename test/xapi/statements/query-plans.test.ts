// Every statement query shape is an index seek plus a bounded walk: EXPLAIN QUERY PLAN of the exact SQL the
// query builder generates must never scan a table (statements, the query index, statement_refs). Without filters
// nothing is sorted. With filters the page is the union of the driver's walk (at most `fetch` rows) and the
// StatementRef candidates (a seq range of statement_refs bounded by the fetch-th direct match, or the referrers of
// a driver with at most FEW_DRIVER_ROWS rows), so SQLite sorts only those. The last test prints the plan of every descending shape
// with up to two filters.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { IndexFilter } from "../../../src/xapi/statements/query/parameters";
import { buildSelectivitySql, buildStatementQuerySql, type QueryPlan } from "../../../src/statement-store/query/sql";

const FILTERS: IndexFilter[] = [
  { kind: "agent", value: "mbox:mailto:a@example.com" },
  { kind: "related_agent", value: "mbox:mailto:a@example.com" },
  { kind: "verb", value: "http://adlnet.gov/expapi/verbs/completed" },
  { kind: "activity", value: "http://example.com/course/1" },
  { kind: "related_activity", value: "http://example.com/course/1" },
  { kind: "registration", value: "e3b0c442-98fc-1c14-9afb-f4c8996fb924" },
];

function shapes(): [string, QueryPlan][] {
  const out: [string, QueryPlan][] = [];
  const filterSets: IndexFilter[][] = [[]];
  for (const a of FILTERS) filterSets.push([a]);
  for (let i = 0; i < FILTERS.length; i++) {
    for (let j = i + 1; j < FILTERS.length; j++) filterSets.push([FILTERS[i]!, FILTERS[j]!]);
  }
  filterSets.push([FILTERS[0]!, FILTERS[2]!, FILTERS[3]!, FILTERS[5]!]);
  for (const filters of filterSets) {
    for (const ascending of [false, true]) {
      for (const extra of [{}, { sinceMs: 1, untilMs: 2 }, { afterSeq: 10 }, { credentialId: "c" }, { sinceMs: 1, afterSeq: 5 }]) {
        const name = `${filters.map((f) => f.kind).join("+") || "no filter"} ${ascending ? "asc" : "desc"} ${Object.keys(extra).join(",")}`;
        out.push([name, { storeId: "default", filters, ascending, fetch: 101, ...extra }]);
      }
    }
  }
  return out;
}

/** A scan of a table or of one of the query's aliases of a table (CTEs such as `direct` or `chain` are bounded). */
const TABLE_SCAN = /\bSCAN (s|d|f|n|b|r|br|bt|kr|cr|t|p|rc|dn|statements|index_entries|index_values|statement_refs)\b/;
/**
 * Sorts of a filtered page, all of bounded sets: the direct rows, the referring candidates found forwards and
 * backwards, their chains grouped by candidate, the referrers, and the union.
 */
const FILTERED_SORTS = 5;

async function explain(sql: string, params: (string | number)[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...params).all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("statement query plans", () => {
  it.each(shapes())("%s: seeks, never scans, sorts only bounded sets", async (_name, plan) => {
    const { sql, params } = buildStatementQuerySql(plan);
    const details = await explain(sql, params);
    expect(details.join("\n")).not.toMatch(TABLE_SCAN);
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toHaveLength(plan.filters.length === 0 ? 0 : FILTERED_SORTS);
    if (plan.filters.length === 0) return;
    // The driver is one seek on (value_id, seq); the StatementRef walk a seq range of the store's statement_refs.
    expect(details.join("\n")).toMatch(/SEARCH d USING PRIMARY KEY \(value_id=\?/);
    expect(details.join("\n")).toMatch(/SEARCH r USING COVERING INDEX sqlite_autoindex_statement_refs_1 \(store_id=\? AND seq[<>]\?/);
  });

  it.each(shapes())("%s with a byte budget: sorts only the page's rows", async (_name, plan) => {
    const { sql, params } = buildStatementQuerySql({ ...plan, maxBytes: 4_000_000 });
    const details = await explain(sql, params);
    expect(details.join("\n")).not.toMatch(TABLE_SCAN);
    // The window and the final order, both over the LIMITed page, besides the filtered shape's own.
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toHaveLength(2 + (plan.filters.length === 0 ? 0 : FILTERED_SORTS));
  });

  it("the selectivity probe is index-only", async () => {
    const { sql, params } = buildSelectivitySql("default", FILTERS, 2000);
    const details = await explain(sql, params);
    expect(details.join("\n")).not.toMatch(/\bSCAN (statements|index_entries|index_values|f)\b/);
    expect(details.filter((d) => /COVERING INDEX|PRIMARY KEY/.test(d)).length).toBeGreaterThan(0);
  });

  it.each([false, true])("past a cursor (ascending %s) the probe seeks from the cursor, in the page's order", async (ascending) => {
    const { sql, params } = buildSelectivitySql("default", FILTERS.slice(0, 3), 256, { afterSeq: 10, ascending });
    const details = await explain(sql, params);
    expect(details.join("\n")).not.toMatch(/\bSCAN (statements|index_entries|index_values|f)\b/);
    expect(details.filter((d) => d === `SEARCH f USING PRIMARY KEY (value_id=? AND seq${ascending ? ">" : "<"}?)`)).toHaveLength(3);
    // Walked in seq order by the key itself, never sorted.
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toHaveLength(0);
  });

  it.each([false, true])("within since/until (ascending %s) the probe seeks inside the bounds, searched once", async (ascending) => {
    const range = { sinceMs: 1_000, untilMs: 2_000 };
    const { sql, params } = buildSelectivitySql("default", FILTERS.slice(0, 3), 256, { afterSeq: 10, ascending, ...range });
    const details = await explain(sql, params);
    expect(details.join("\n")).not.toMatch(/\bSCAN (statements|index_entries|index_values|f)\b/);
    expect(details.filter((d) => d === "MATERIALIZE bounds")).toHaveLength(1);
    expect(details.filter((d) => /^(CO-ROUTINE|MATERIALIZE) bs$/.test(d))).toHaveLength(2);
    // Each filter one seek on (value_id, seq) bounded on both sides, walked in seq order, never sorted.
    expect(details.filter((d) => d === "SEARCH f USING PRIMARY KEY (value_id=? AND seq>? AND seq<?)")).toHaveLength(3);
    expect(details.filter((d) => /TEMP B-TREE/.test(d))).toHaveLength(0);
  });

  it.each(shapes().filter(([, p]) => p.filters.length > 0 && p.sinceMs !== undefined))(
    "%s: since/until are each searched once (one bounds row for the four walks)",
    async (_name, plan) => {
      const { sql, params } = buildStatementQuerySql(plan);
      const details = await explain(sql, params);
      expect(details.filter((d) => d === "MATERIALIZE bounds")).toHaveLength(1);
      // One binary search (stored-order.ts) per bound given, computed once (a co-routine, or materialized).
      expect(details.filter((d) => /^(CO-ROUTINE|MATERIALIZE) bs$/.test(d))).toHaveLength(plan.untilMs === undefined ? 1 : 2);
    },
  );

  it("the largest query binds at most D1's 100 parameters, and D1 runs it (PLATFORM.md)", async () => {
    // Every filter a request can combine (agent, verb, activity, registration), both bounds, a keyset, read-mine, a
    // byte budget: each since/until binary search binds the store six times (the walks of stored-order.ts).
    const filters = [FILTERS[0]!, FILTERS[2]!, FILTERS[3]!, FILTERS[5]!];
    const plan: QueryPlan = { storeId: "default", filters, ascending: false, fetch: 101, sinceMs: 1, untilMs: 2, afterSeq: 10, credentialId: "c", maxBytes: 1_000 };
    const { sql, params } = buildStatementQuerySql(plan);
    expect(params.length).toBeLessThanOrEqual(100);
    await expect(env.DB.prepare(sql).bind(...params).all()).resolves.toMatchObject({ success: true });
    const unfiltered = buildStatementQuerySql({ ...plan, filters: [] });
    await expect(env.DB.prepare(unfiltered.sql).bind(...unfiltered.params).all()).resolves.toMatchObject({ success: true });
    const probe = buildSelectivitySql("default", filters, 256, { afterSeq: 10, sinceMs: 1, untilMs: 2 });
    expect(probe.params.length).toBeLessThanOrEqual(100);
    await expect(env.DB.prepare(probe.sql).bind(...probe.params).all()).resolves.toMatchObject({ success: true });
  });

  it("prints the plan of each shape", async () => {
    const lines: string[] = [];
    for (const [name, plan] of shapes().filter(([, p]) => !p.ascending && p.filters.length <= 2)) {
      const { sql, params } = buildStatementQuerySql(plan);
      lines.push(`-- ${name}`, ...(await explain(sql, params)).map((d) => `   ${d}`));
    }
    console.log(lines.join("\n"));
    expect(lines.length).toBeGreaterThan(0);
  });
});
