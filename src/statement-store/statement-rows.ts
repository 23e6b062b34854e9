// Storage verbs for statements. A batch of statements is written as ONE D1 batch (a transaction: all or
// nothing) with a fixed number of SQL statements per ~1 MB chunk: every row travels inside one JSON
// parameter and is expanded by json_each, and index rows find their statement's seq by joining on
// (store_id, id). Per-row statements would cost a round of SQL per row and miss the ingest goal.
// Joins from json_each are CROSS JOINs so SQLite keeps json_each as the outer loop (it cannot size it).
import { consistentThroughOf, consistentThroughQuery } from "./consistent-through";
import { chunkJsonArrays } from "../xapi/statements/json-chunks";
import { NEWEST_STORED_MS_SQL } from "./stored-order";
import type { RecordedStatement } from "../xapi/statements/statement";
import type { StatementFacts } from "./statement-index";
import { INSERT_CREDENTIAL_RUN_SQL, INSERT_STATEMENT_RUN_SQL, rowCredentialSql } from "./store-walk";
import { MARK_VOIDED_SQL } from "./voiding";

export type PreparedStatement = {
  id: string;
  /** The statement as kept: LRS properties set, no `stored`. */
  statement: RecordedStatement;
  /** `statement` serialized, as stored. */
  json: string;
  verbId: string;
  voidsId?: string;
  refTarget?: string;
  facts: StatementFacts;
};

export type StatementRow = {
  seq: number;
  id: string;
  statement: string;
  storedMs: number;
  voided: boolean;
  credentialId: string | null;
};

// stored_ms: the database clock, but never below the newest stored in the store plus 1 ms, so it increases
// with seq and X-Experience-API-Consistent-Through can be truthful (see consistent-through.ts).
const NOW_MS = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";

export const INSERT_STATEMENTS_SQL = `
INSERT INTO statements (store_id, id, stored_ms, verb_id, voids_id, version, statement)
SELECT ?1, j.value ->> 0,
  max(${NOW_MS}, coalesce(${NEWEST_STORED_MS_SQL} + 1, 0)),
  j.value ->> 1, j.value ->> 2, ?2, j.value ->> 3
FROM json_each(?3) j ORDER BY j.key`;

// The dictionary first: each distinct [kind, value] of the batch, once per store (an existing one writes nothing).
export const INSERT_INDEX_VALUES_SQL = `
INSERT OR IGNORE INTO index_values (store_id, kind, value)
SELECT ?1, j.value ->> 0, j.value ->> 1 FROM json_each(?2) j`;

// Rows are grouped per statement ([id, [[kind, value, roles], ...]]) so the seq is looked up once per statement.
// They are distinct by construction (statement-index.ts merges roles), so no conflict clause.
export const INSERT_INDEX_SQL = `
INSERT INTO index_entries (value_id, seq, roles)
SELECT v.id, s.seq, r.value ->> 2
FROM json_each(?2) j
  CROSS JOIN statements s ON s.store_id = ?1 AND s.id = j.value ->> 0
  CROSS JOIN json_each(j.value, '$[1]') r
  CROSS JOIN index_values v ON v.store_id = ?1 AND v.kind = r.value ->> 0 AND v.value = r.value ->> 1`;

export const INSERT_REFS_SQL = `
INSERT INTO statement_refs (store_id, seq, target_id)
SELECT ?1, s.seq, j.value ->> 1
FROM json_each(?2) j CROSS JOIN statements s ON s.store_id = ?1 AND s.id = j.value ->> 0`;

// The canonical definition (1.0.3 Data 2.4.4.1): json_patch merges language maps (name, description) and
// extensions key by key; type and moreInfo take the newest value. The interaction members, once defined, stay as
// first defined (2.4.4.1.s4.b5: SHOULD NOT make significant changes, "e.g. changes to correct responses"): the
// second json_patch puts the stored ones back.
const MERGED_DEFINITION = `json_patch(
    json_patch(activities.definition, excluded.definition),
    (SELECT json_group_object(d.key, d.value) FROM json_each(activities.definition) d
     WHERE d.key IN ('interactionType', 'correctResponsesPattern', 'choices', 'scale', 'source', 'target', 'steps')))`;

// Bounded rows (D1 refuses a value over 2,000,000 bytes): a merge that would make the stored definition larger
// than MAX_DEFINITION_BYTES keeps the stored one unchanged, so a definition grows no further once that size is
// reached (a first definition can be larger, up to the statement's own cap of 800,000 bytes).
export const MAX_DEFINITION_BYTES = 100_000;

// A definition the merge leaves as it is writes nothing (D1 bills every row written, and most statements repeat
// the definitions already stored).
export const UPSERT_ACTIVITIES_SQL = `
INSERT INTO activities (store_id, activity_id, definition, updated_ms)
SELECT ?1, j.value ->> 0, j.value -> 1, ?2 FROM json_each(?3) j WHERE true
ON CONFLICT (store_id, activity_id) DO UPDATE SET
  definition = coalesce(
    (SELECT merged FROM (SELECT ${MERGED_DEFINITION} AS merged)
     WHERE length(CAST(merged AS BLOB)) <= ${MAX_DEFINITION_BYTES}),
    activities.definition),
  updated_ms = excluded.updated_ms
WHERE ${MERGED_DEFINITION} IS NOT activities.definition`;

// Bounded rows: an agent keeps its MAX_AGENT_NAMES most recently seen distinct names (oldest first), and only as
// many of the newest as fit in MAX_AGENT_NAMES_BYTES (the newest name is always kept). A name seen again moves
// to the end; an agent sent without a name, or with the name it was last seen with, writes nothing.
export const MAX_AGENT_NAMES = 20;
export const MAX_AGENT_NAMES_BYTES = 100_000;

export const UPSERT_AGENTS_SQL = `
INSERT INTO agents (store_id, agent_key, identifier, names, updated_ms)
SELECT ?1, j.value ->> 0, j.value -> 1, j.value -> 2, ?2 FROM json_each(?3) j WHERE true
ON CONFLICT (store_id, agent_key) DO UPDATE SET
  names = (SELECT json_group_array(value) FROM (
    SELECT value, pos FROM (
      SELECT value, pos,
        row_number() OVER (ORDER BY pos DESC) AS n,
        sum(length(CAST(value AS BLOB))) OVER (ORDER BY pos DESC) AS bytes
      FROM (SELECT value, max(pos) AS pos FROM (
        SELECT value, key AS pos FROM json_each(agents.names)
        UNION ALL SELECT value, 1000000 + key FROM json_each(excluded.names)) GROUP BY value))
    WHERE n = 1 OR (n <= ${MAX_AGENT_NAMES} AND bytes <= ${MAX_AGENT_NAMES_BYTES})
    ORDER BY pos)),
  updated_ms = excluded.updated_ms
WHERE json_array_length(excluded.names) > 0
  AND excluded.names ->> '$[#-1]' IS NOT agents.names ->> '$[#-1]'`;

/** One named group of the insert's SQL, in batch order. */
export type InsertStep = {
  name:
    | "statements"
    | "statement runs"
    | "index values"
    | "index entries"
    | "statement refs"
    | "voiding"
    | "activities"
    | "agents";
  bound: D1PreparedStatement[];
};

/**
 * The insert of a batch of statements, as named steps in the order they must run (index rows and voiding read the
 * statement rows inserted before them). insertStatements runs them in one D1 batch; the bench's insert breakdown
 * (src/bench/insert-breakdown.ts) runs the same steps one transaction each, so the two never drift apart.
 */
export function insertPlan(
  db: D1Database,
  storeId: string,
  credentialId: string,
  acceptedUnder: string,
  statements: readonly PreparedStatement[],
  now = Date.now(),
): InsertStep[] {
  const step = (name: InsertStep["name"], sql: string, rows: unknown[], ...before: unknown[]): InsertStep => ({
    name,
    bound: chunkJsonArrays(rows).map((chunk) => db.prepare(sql).bind(storeId, ...before, chunk)),
  });
  return [
    step(
      "statements",
      INSERT_STATEMENTS_SQL,
      statements.map((s) => [s.id, s.verbId, s.voidsId ?? null, s.json]),
      acceptedUnder,
    ),
    {
      // The walks' runs (store-walk.ts): one row each for the batch, in place of two index entries per statement;
      // the credential is kept there, not on each statement row.
      name: "statement runs",
      bound:
        statements.length === 0
          ? []
          : [INSERT_STATEMENT_RUN_SQL, INSERT_CREDENTIAL_RUN_SQL].map((sql) =>
              db.prepare(sql).bind(storeId, statements[0]!.id, statements[statements.length - 1]!.id, credentialId),
            ),
    },
    step("index values", INSERT_INDEX_VALUES_SQL, distinctIndexValues(statements)),
    step(
      "index entries",
      INSERT_INDEX_SQL,
      statements.map((s) => [s.id, s.facts.index.map((row) => [row.kind, row.value, row.roles])]),
    ),
    step("statement refs", INSERT_REFS_SQL, statements.filter((s) => s.refTarget).map((s) => [s.id, s.refTarget])),
    step("voiding", MARK_VOIDED_SQL, statements.flatMap((s) => (s.voidsId ? [s.id, s.voidsId] : [s.id]))),
    step(
      "activities",
      UPSERT_ACTIVITIES_SQL,
      withoutRepeats(statements.flatMap((s) => s.facts.activities.map((a) => [a.id, a.definition]))),
      now,
    ),
    step(
      "agents",
      UPSERT_AGENTS_SQL,
      withoutRepeats(statements.flatMap((s) => s.facts.agents.map((a) => [a.key, a.identifier, a.name ? [a.name] : []]))),
      now,
    ),
  ];
}

/**
 * Inserts statements the store does not hold yet, with everything derived from them, atomically; fails with
 * a UNIQUE constraint error (isDuplicateIdError) when one of the ids is already stored. Returns
 * X-Experience-API-Consistent-Through as read at the end of the same batch.
 */
export async function insertStatements(
  db: D1Database,
  storeId: string,
  credentialId: string,
  acceptedUnder: string,
  statements: readonly PreparedStatement[],
  /**
   * Statements that commit with these rows (derived-writes.ts, attachment rows): `beforeVoiding` runs before the
   * voided flags are set, `after` once the batch's rows are written.
   */
  alongside: { beforeVoiding?: readonly D1PreparedStatement[]; after?: readonly D1PreparedStatement[] } = {},
): Promise<{ consistentThrough: string }> {
  const bound = insertPlan(db, storeId, credentialId, acceptedUnder, statements).flatMap((step) =>
    step.name === "voiding" ? [...(alongside.beforeVoiding ?? []), ...step.bound] : step.bound,
  );
  const results = await db.batch([...bound, ...(alongside.after ?? []), consistentThroughQuery(db, storeId)]);
  return { consistentThrough: consistentThroughOf(results[results.length - 1]!) };
}

/** Each [kind, value] the batch's index rows name, once. */
function distinctIndexValues(statements: readonly PreparedStatement[]): [number, string][] {
  const seen = new Map<string, [number, string]>();
  for (const s of statements) for (const row of s.facts.index) seen.set(`${row.kind}\n${row.value}`, [row.kind, row.value]);
  return [...seen.values()];
}

/**
 * Upsert rows [key, ...] without those that repeat the previous row for the same key: applying the same merge
 * twice in a row changes nothing (json_patch and the name list are idempotent), so the result is the same as
 * sending every row, in fewer rows processed.
 */
function withoutRepeats<Row extends unknown[]>(rows: Row[]): Row[] {
  const last = new Map<unknown, string>();
  return rows.filter((row) => {
    const text = JSON.stringify(row);
    if (last.get(row[0]) === text) return false;
    last.set(row[0], text);
    return true;
  });
}

/** True for the error D1 raises when a concurrent request inserted one of the same ids first. */
export function isDuplicateIdError(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: statements\./.test(error.message);
}

const FIND_STATEMENTS_SQL = `
SELECT s.seq AS seq, s.id AS id, s.statement AS statement, s.stored_ms AS storedMs, s.voided AS voided,
  ${rowCredentialSql("s")} AS credentialId
FROM statements AS s WHERE s.store_id = ?1 AND s.id IN (SELECT value FROM json_each(?2))`;

type RawStatementRow = Omit<StatementRow, "voided"> & { voided: number };

const toStatementRow = (row: RawStatementRow): StatementRow => ({ ...row, voided: row.voided === 1 });

export async function findStatementsByIds(
  db: D1Database,
  storeId: string,
  ids: readonly string[],
): Promise<StatementRow[]> {
  const found: StatementRow[] = [];
  for (const chunk of chunkJsonArrays([...ids])) {
    const { results } = await db.prepare(FIND_STATEMENTS_SQL).bind(storeId, chunk).all<RawStatementRow>();
    for (const row of results) found.push(toStatementRow(row));
  }
  return found;
}

/**
 * One statement by id, with X-Experience-API-Consistent-Through read in the same batch (one round trip, and
 * on one snapshot, so the header is never earlier than the statement's `stored`).
 */
export async function findStatementById(
  db: D1Database,
  storeId: string,
  id: string,
): Promise<{ row: StatementRow | undefined; consistentThrough: string }> {
  const [found, through] = await db.batch<unknown>([
    db.prepare(FIND_STATEMENTS_SQL).bind(storeId, JSON.stringify([id.toLowerCase()])),
    consistentThroughQuery(db, storeId),
  ]);
  const row = found!.results[0] as RawStatementRow | undefined;
  return { row: row && toStatementRow(row), consistentThrough: consistentThroughOf(through!) };
}
