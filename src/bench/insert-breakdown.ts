// Bench-only diagnosis of where the raw-D1 ingest time goes: POST /bench/insert-breakdown runs the steps of the
// statements insert (insertPlan in src/statement-store/statement-rows.ts, the very SQL and bound rows
// insertStatements sends as one batch) one transaction each, and reports the time and D1 rows written of each.
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
  // The fixed cost of one write transaction, for comparison.
  const empty = Date.now();
  await db.batch([db.prepare("UPDATE stores SET name = name WHERE id = ?1").bind(storeId)]);
  steps.push({ step: "one-row write transaction", rowsWritten: 1, ms: Date.now() - empty });
  return steps;
}
