// Migrations 0010 and 0011 were rewritten after deployments may have applied them (their first versions moved every
// row inside the migration). Both histories must end with one schema: this file's database is emptied and the
// migrations replayed twice, once with the first versions and once with the current ones followed by the upgrade
// backfill job, and sqlite_schema compared (names unquoted, whitespace collapsed). The one difference allowed is
// the column the current 0011 keeps: statements.registration (dropping it rewrites every statement row).
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { upgradeBackfillJob } from "../../src/jobs/kinds/upgrade-backfill";
import { StepBudget } from "../../src/jobs/step-budget";
import { FIRST_0010, FIRST_0011 } from "./first-migrations";

type Migration = { name: string; queries: string[] };
const migrations = (env as unknown as { TEST_MIGRATIONS: Migration[] }).TEST_MIGRATIONS;

function split(sql: string): string[] {
  return sql
    .split("--> statement-breakpoint")
    .map((q) => q.trim())
    .filter((q) => q.length > 0);
}

async function emptyDatabase(): Promise<void> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
  ).all<{ name: string }>();
  await env.DB.batch(results.map(({ name }) => env.DB.prepare(`DROP TABLE "${name}"`)));
}

async function replay(replace: Record<string, string>): Promise<void> {
  for (const migration of migrations) {
    const prefix = migration.name.slice(0, 4);
    const queries = replace[prefix] !== undefined ? split(replace[prefix]) : migration.queries;
    await env.DB.batch(queries.map((q) => env.DB.prepare(q)));
  }
}

async function schema(): Promise<{ type: string; name: string; tbl_name: string; sql: string | null }[]> {
  const { results } = await env.DB.prepare(
    `SELECT type, name, tbl_name, sql FROM sqlite_schema
     WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY type, name`,
  ).all<{ type: string; name: string; tbl_name: string; sql: string | null }>();
  return results.map((row) => ({ ...row, sql: row.sql && row.sql.replace(/[`"]/g, "").replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")") }));
}

describe("migrations 0010/0011: the first versions and the current ones end with the same schema", () => {
  it("first versions, or current ones then the backfill: same tables, indexes and SQL, bar statements.registration", async () => {
    await emptyDatabase();
    await replay({ "0010": FIRST_0010, "0011": FIRST_0011 });
    const first = await schema();
    expect(first.filter((row) => row.name.startsWith("legacy_"))).toEqual([]);

    await emptyDatabase();
    await replay({});
    const beforeBackfill = await schema();
    expect(beforeBackfill.filter((row) => row.type === "table" && row.name.startsWith("legacy_")).map((row) => row.name)).toEqual([
      "legacy_rollup_daily",
      "legacy_statement_index",
      "legacy_statement_refs",
    ]);
    const outcome = await upgradeBackfillJob.step(
      env,
      { id: "schema", storeId: "*", params: {}, cursor: null, counts: {}, done: 0, total: null },
      new StepBudget(),
    );
    // Three here and three in DB_2 (migrated by the test setup, its legacy tables empty).
    expect(outcome).toMatchObject({ finished: true, counts: { tablesDropped: 6 } });
    const current = await schema();

    const statements = (rows: typeof current) => rows.find((row) => row.name === "statements")!.sql!;
    expect(statements(current)).toContain(" registration text,");
    expect(statements(first)).not.toContain("registration");
    const withoutRegistration = current.map((row) =>
      row.name === "statements" ? { ...row, sql: row.sql!.replace(" registration text,", "") } : row,
    );
    expect(withoutRegistration).toEqual(first);
    // Not a comparison of two empty lists.
    expect(first.map((row) => row.name)).toEqual(expect.arrayContaining(["index_entries", "index_values", "statement_refs", "statement_refs_target", "statements"]));
  });
});
