// The counters are kept and read without scanning: every write seeks statements by the batch's own ids or
// seqs, or (the aggregator's page) a seq range past the store's cursor, and every read seeks rollup_counts by (store, dimension, day range) or (store, dimension, a[, b], day range),
// and a dictionary value by its unique key.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AGGREGATION_STATE_SQL, COUNT_PAGE_SQL, INTERN_PAGE_SQL, MOVE_CURSOR_SQL } from "../../src/statement-store/rollups/aggregate";
import {
  FORGET_ACTIVITY_LEARNER_SQL,
  FORGET_LEARNER_ACTIVITY_SQL,
  FORGET_LEARNER_SQL,
  SUBTRACT_ERASED_SQL,
  SUBTRACT_VOIDED_SQL,
} from "../../src/statement-store/rollups/maintain";
import { READ_SQL } from "../../src/statement-store/rollups/read";

const TABLES = "statements|rollup_counts|index_values";

const WRITES: [string, string, unknown[]][] = [
  ["intern a page's values", INTERN_PAGE_SQL, ["s", 500]],
  ["count a page past the cursor", COUNT_PAGE_SQL, ["s", 500]],
  ["move the cursor", MOVE_CURSOR_SQL, ["s", 500]],
  ["read where aggregation stands", AGGREGATION_STATE_SQL, ["s"]],
  ["uncount voided", SUBTRACT_VOIDED_SQL, ["s", "[]"]],
  ["uncount erased", SUBTRACT_ERASED_SQL, ["s", "[]"]],
  ["forget activity_learner", FORGET_ACTIVITY_LEARNER_SQL, ["s", "k"]],
  ["forget learner_activity", FORGET_LEARNER_ACTIVITY_SQL, ["s", "k"]],
  ["forget learner", FORGET_LEARNER_SQL, ["s", "k"]],
];

const READS: [string, string, unknown[]][] = Object.entries(READ_SQL).map(([name, sql]) => [
  name,
  sql,
  Array.from({ length: (sql.match(/\?\d/g) ?? []).reduce((n, p) => Math.max(n, Number(p.slice(1))), 0) }, () => "x"),
]);

const RANGE_SEEK = new RegExp(
  // WITHOUT ROWID: the primary key is the table, so a seek on it is "USING PRIMARY KEY".
  "^SEARCH rollup_counts USING ((COVERING )?INDEX \\S+|PRIMARY KEY) \\(store_id=\\? AND dimension=\\? AND " +
    "(day>\\? AND day<\\?|a=\\? AND b=\\? AND day>\\? AND day<\\?|a=\\?)\\)",
);

async function plan(sql: string, args: unknown[]): Promise<string[]> {
  const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
    .bind(...args)
    .all<{ detail: string }>();
  return results.map((row) => row.detail);
}

describe("rollup query plans", () => {
  it.each(WRITES)("%s seeks, never scans", async (_name, sql, args) => {
    const details = await plan(sql, args);
    for (const detail of details) {
      expect(detail, details.join("\n")).not.toMatch(new RegExp(`^SCAN (${TABLES})\\b`));
      // A store's whole range is a scan too; rollup_cursors (and stores) are keyed by the store alone.
      if (!/^SEARCH (rollup_cursors|stores) /.test(detail)) expect(detail, details.join("\n")).not.toMatch(/\(store_id=\?\)$/);
    }
  });

  it.each(READS)("%s seeks by dimension and a day or value range", async (name, sql, args) => {
    const details = await plan(sql, args);
    if (name === "firstDay" || name === "distinctByValue") {
      // min(day) is the first entry of the seek; DISTINCT walks one dimension in value order, without a sort.
      const seek = /^SEARCH rollup_counts USING (COVERING INDEX \S+|PRIMARY KEY) \(store_id=\? AND dimension=\?\)/m;
      expect(details.join("\n")).toMatch(seek);
      expect(details.join("\n")).not.toMatch(/TEMP B-TREE/);
      return;
    }
    const search = details.filter((d) => /rollup_counts/.test(d));
    expect(search.length, details.join("\n")).toBeGreaterThan(0);
    for (const detail of search) {
      expect(detail, details.join("\n")).toMatch(RANGE_SEEK);
    }
  });
});
