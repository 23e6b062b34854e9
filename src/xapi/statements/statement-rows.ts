// Storage verbs for statements. A batch of statements is written as ONE D1 batch (a transaction: all or
// nothing) with a fixed number of SQL statements per ~1 MB chunk: every row travels inside one JSON
// parameter and is expanded by json_each, and index rows find their statement's seq by joining on
// (store_id, id). Per-row statements would cost a round of SQL per row and miss the ingest goal.
// Joins from json_each are CROSS JOINs so SQLite keeps json_each as the outer loop (it cannot size it).
import { consistentThroughOf, consistentThroughQuery } from "./consistent-through";
import { chunkJsonArrays } from "./json-chunks";
import type { RecordedStatement } from "./statement";
import type { StatementFacts } from "./statement-index";
import { PROPAGATE_REFS_SQL } from "./statement-refs";
import { MARK_VOIDED_SQL } from "./voiding";

export type PreparedStatement = {
  id: string;
  /** The statement as kept: LRS properties set, no `stored`. */
  statement: RecordedStatement;
  /** `statement` serialized, as stored. */
  json: string;
  verbId: string;
  registration?: string;
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
INSERT INTO statements (store_id, id, stored_ms, verb_id, registration, voids_id, credential_id, version, statement)
SELECT ?1, j.value ->> 0,
  max(${NOW_MS}, coalesce((SELECT max(stored_ms) FROM statements WHERE store_id = ?1) + 1, 0)),
  j.value ->> 1, j.value ->> 2, j.value ->> 3, ?2, ?3, j.value ->> 4
FROM json_each(?4) j ORDER BY j.key`;

// Rows are grouped per statement ([id, [[kind, value, usage], ...]]) so the seq is looked up once per
// statement. They are distinct by construction (statement-index.ts merges usages), so no conflict clause.
export const INSERT_INDEX_SQL = `
INSERT INTO statement_index (store_id, kind, value, seq, usage)
SELECT ?1, r.value ->> 0, r.value ->> 1, s.seq, r.value ->> 2
FROM json_each(?2) j
  CROSS JOIN statements s ON s.store_id = ?1 AND s.id = j.value ->> 0
  CROSS JOIN json_each(j.value, '$[1]') r`;

export const INSERT_REFS_SQL = `
INSERT INTO statement_refs (store_id, target_id, seq)
SELECT ?1, j.value ->> 1, s.seq
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

export const UPSERT_ACTIVITIES_SQL = `
INSERT INTO activities (store_id, activity_id, definition, updated_ms)
SELECT ?1, j.value ->> 0, j.value -> 1, ?2 FROM json_each(?3) j WHERE true
ON CONFLICT (store_id, activity_id) DO UPDATE SET
  definition = coalesce(
    (SELECT merged FROM (SELECT ${MERGED_DEFINITION} AS merged)
     WHERE length(CAST(merged AS BLOB)) <= ${MAX_DEFINITION_BYTES}),
    activities.definition),
  updated_ms = excluded.updated_ms`;

// Bounded rows: an agent keeps its MAX_AGENT_NAMES most recently seen distinct names (oldest first), and only as
// many of the newest as fit in MAX_AGENT_NAMES_BYTES (the newest name is always kept). A name seen again moves
// to the end.
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
  updated_ms = excluded.updated_ms`;

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
  const now = Date.now();
  const bound: D1PreparedStatement[] = [];
  const add = (sql: string, rows: unknown[], ...before: unknown[]) => {
    for (const chunk of chunkJsonArrays(rows)) bound.push(db.prepare(sql).bind(storeId, ...before, chunk));
  };
  add(
    INSERT_STATEMENTS_SQL,
    statements.map((s) => [s.id, s.verbId, s.registration ?? null, s.voidsId ?? null, s.json]),
    credentialId,
    acceptedUnder,
  );
  add(
    INSERT_INDEX_SQL,
    statements.map((s) => [s.id, s.facts.index.map((row) => [row.kind, row.value, row.usage])]),
  );
  const refs = statements.filter((s) => s.refTarget).map((s) => [s.id, s.refTarget]);
  add(INSERT_REFS_SQL, refs);
  // Propagation and voiding read the rows inserted above, so they come after them in the batch.
  for (const chunk of chunkJsonArrays(statements.map((s) => s.id))) {
    bound.push(db.prepare(PROPAGATE_REFS_SQL).bind(storeId, chunk, JSON.stringify(refs)));
  }
  const voidCandidates = statements.flatMap((s) => (s.voidsId ? [s.id, s.voidsId] : [s.id]));
  bound.push(...(alongside.beforeVoiding ?? []));
  add(MARK_VOIDED_SQL, voidCandidates);
  add(
    UPSERT_ACTIVITIES_SQL,
    statements.flatMap((s) => s.facts.activities.map((a) => [a.id, a.definition])),
    now,
  );
  add(
    UPSERT_AGENTS_SQL,
    statements.flatMap((s) => s.facts.agents.map((a) => [a.key, a.identifier, a.name ? [a.name] : []])),
    now,
  );
  const results = await db.batch([...bound, ...(alongside.after ?? []), consistentThroughQuery(db, storeId)]);
  return { consistentThrough: consistentThroughOf(results[results.length - 1]!) };
}

/** True for the error D1 raises when a concurrent request inserted one of the same ids first. */
export function isDuplicateIdError(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: statements\./.test(error.message);
}

const FIND_STATEMENTS_SQL = `
SELECT seq, id, statement, stored_ms AS storedMs, voided, credential_id AS credentialId FROM statements
WHERE store_id = ?1 AND id IN (SELECT value FROM json_each(?2))`;

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
