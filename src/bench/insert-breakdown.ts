// Bench-only diagnosis of where the raw-D1 ingest time goes: POST /bench/insert-breakdown runs the steps of the
// statements insert (insertPlan in src/statement-store/statement-rows.ts, the very SQL and bound rows
// insertStatements sends as one batch) one transaction each, and reports the time and D1 rows written of each.
import { countNextPage, PAGE_STATEMENTS, pagesMustIntern } from "../statement-store/rollups/aggregate";
import { insertPlan, type PreparedStatement } from "../statement-store/statement-rows";

type Step = { step: string; rowsWritten: number; ms: number };

export async function insertBreakdown(
  db: D1Database,
  storeId: string,
  credentialId: string,
  statements: readonly PreparedStatement[],
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const { name, bound } of insertPlan(db, storeId, credentialId, "2.0.0", statements)) {
    const started = Date.now();
    const results = bound.length ? await db.batch(bound) : [];
    const rowsWritten = results.reduce((n, r) => n + (r.meta.rows_written ?? 0), 0);
    steps.push({ step: name, rowsWritten, ms: Date.now() - started });
  }
  steps.push(...(await rollupCost(db, storeId, statements.length)));
  // The fixed cost of one write transaction, for comparison.
  const empty = Date.now();
  await db.batch([db.prepare("UPDATE stores SET name = name WHERE id = ?1").bind(storeId)]);
  steps.push({ step: "one-row write transaction", rowsWritten: 1, ms: Date.now() - empty });
  return steps;
}

/**
 * What counting the statements just inserted into the console's rollups costs the same database, off the request
 * path (src/statement-store/rollups/aggregate.ts, as the aggregator runs it, in one page when they fit one),
 * scaled to 1,000 statements. The caller catches the store up first (raw-insert.ts); none when it did not.
 */
async function rollupCost(db: D1Database, storeId: string, inserted: number): Promise<Step[]> {
  // Fewer statements than half a thousand would scale their noise up to the figure per 1,000.
  if (inserted < 500 || inserted > PAGE_STATEMENTS) return [];
  const intern = await pagesMustIntern(db, storeId);
  const started = Date.now();
  const page = await countNextPage(db, storeId, { intern });
  const ms = Date.now() - started;
  // Statements left past the page: the store was behind, and the page counted others than these.
  if (page.behind) return [];
  const per1000 = 1000 / inserted;
  return [{ step: "rollups per 1,000 statements (off the request path)", rowsWritten: Math.round(page.rowsWritten * per1000), ms: Math.round(ms * per1000) }];
}
