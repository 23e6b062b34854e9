// Bench-only diagnosis of where the raw-D1 ingest time goes: POST /bench/insert-breakdown runs the SQL groups
// of insertStatements (src/xapi/statements/statement-rows.ts) one transaction each, in the same order and with the same
// bound rows, and reports the time and row count of each. It mirrors insertStatements' structure, so when that
// function changes this one must follow; it is a measuring aid, not a second write path.
import { chunkJsonArrays } from "../xapi/statements/json-chunks";
import { MARK_VOIDED_SQL } from "../xapi/statements/voiding";
import { PROPAGATE_REFS_SQL } from "../xapi/statements/statement-refs";
import {
  INSERT_INDEX_SQL,
  INSERT_REFS_SQL,
  INSERT_STATEMENTS_SQL,
  type PreparedStatement,
  UPSERT_ACTIVITIES_SQL,
  UPSERT_AGENTS_SQL,
} from "../xapi/statements/statement-rows";

type Step = { step: string; rows: number; ms: number };

export async function insertBreakdown(
  db: D1Database,
  storeId: string,
  credentialId: string,
  statements: readonly PreparedStatement[],
): Promise<Step[]> {
  const now = Date.now();
  const steps: Step[] = [];
  const run = async (step: string, sql: string, rows: unknown[], ...before: unknown[]) => {
    const bound = chunkJsonArrays(rows).map((chunk) => db.prepare(sql).bind(storeId, ...before, chunk));
    const started = Date.now();
    if (bound.length) await db.batch(bound);
    steps.push({ step, rows: rows.length, ms: Date.now() - started });
  };
  await run(
    "statements",
    INSERT_STATEMENTS_SQL,
    statements.map((s) => [s.id, s.verbId, s.registration ?? null, s.voidsId ?? null, s.json]),
    credentialId,
    "2.0.0",
  );
  const indexRows = statements.map((s) => [s.id, s.facts.index.map((row) => [row.kind, row.value, row.usage])]);
  await run("statement_index", INSERT_INDEX_SQL, indexRows);
  steps.at(-1)!.rows = statements.reduce((n, s) => n + s.facts.index.length, 0);
  const refs = statements.filter((s) => s.refTarget).map((s) => [s.id, s.refTarget]);
  await run("statement_refs", INSERT_REFS_SQL, refs);
  const started = Date.now();
  await db.batch(chunkJsonArrays(statements.map((s) => s.id)).map((chunk) => db.prepare(PROPAGATE_REFS_SQL).bind(storeId, chunk, JSON.stringify(refs))));
  steps.push({ step: "statementref propagation", rows: statements.length, ms: Date.now() - started });
  await run("voiding", MARK_VOIDED_SQL, statements.map((s) => s.id));
  await run("activities upsert", UPSERT_ACTIVITIES_SQL, statements.flatMap((s) => s.facts.activities.map((a) => [a.id, a.definition])), now);
  await run(
    "agents upsert",
    UPSERT_AGENTS_SQL,
    statements.flatMap((s) => s.facts.agents.map((a) => [a.key, a.identifier, a.name ? [a.name] : []])),
    now,
  );
  // The fixed cost of one write transaction, for comparison.
  const empty = Date.now();
  await db.batch([db.prepare("UPDATE stores SET name = name WHERE id = ?1").bind(storeId)]);
  steps.push({ step: "one-row write transaction", rows: 1, ms: Date.now() - empty });
  return steps;
}
