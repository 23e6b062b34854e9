// Every SQL statement of the write path reaches rows through an index seek keyed by the batch's own ids, so
// ingest cost does not grow with the size of the store. A full scan, or a seek on the store prefix alone,
// of a learner-data table fails this test.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  INSERT_INDEX_SQL,
  INSERT_INDEX_VALUES_SQL,
  INSERT_REFS_SQL,
  INSERT_STATEMENTS_SQL,
  UPSERT_ACTIVITIES_SQL,
  UPSERT_AGENTS_SQL,
} from "../../../src/statement-store/statement-rows";
import { INSERT_CREDENTIAL_RUN_SQL, INSERT_STATEMENT_RUN_SQL } from "../../../src/statement-store/store-walk";
import { MARK_VOIDED_SQL } from "../../../src/statement-store/voiding";

const TABLES = "statements|statement_runs|credential_runs|index_values|index_entries|statement_refs|activities|agents";

const SHAPES: [string, string, unknown[]][] = [
  ["insert statements", INSERT_STATEMENTS_SQL, ["default", "2.0.0", "[]"]],
  ["insert statement run", INSERT_STATEMENT_RUN_SQL, ["default", "a", "b", "c"]],
  ["insert credential run", INSERT_CREDENTIAL_RUN_SQL, ["default", "a", "b", "c"]],
  ["insert index values", INSERT_INDEX_VALUES_SQL, ["default", "[]"]],
  ["insert index rows", INSERT_INDEX_SQL, ["default", "[]"]],
  ["insert refs", INSERT_REFS_SQL, ["default", "[]"]],
  ["mark voided", MARK_VOIDED_SQL, ["default", "[]"]],
  ["upsert activities", UPSERT_ACTIVITIES_SQL, ["default", 1, "[]"]],
  ["upsert agents", UPSERT_AGENTS_SQL, ["default", 1, "[]"]],
];

describe("write path query plans", () => {
  it.each(SHAPES)("%s seeks, never scans", async (_name, sql, args) => {
    const { results } = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .bind(...args)
      .all<{ detail: string }>();
    const details = results.map((row) => row.detail);
    for (const detail of details) {
      expect(detail, details.join("\n")).not.toMatch(new RegExp(`^SCAN (${TABLES})\\b`));
      // A seek on the store prefix alone walks the whole store, except the newest-stored lookup: the store's runs
      // from the newest end, ORDER BY … DESC LIMIT 1 (store-walk.ts).
      if (/\(store_id=\?\)$/.test(detail)) expect(detail, details.join("\n")).toMatch(/^SEARCH r USING PRIMARY KEY \(store_id=\?\)$/);
    }
  });
});
