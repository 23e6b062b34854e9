// The statement store's part of erasing a person (src/admin/erasure.ts runs the job): which statements name the
// person's agent keys, what their index rows are found from, and the one transaction that deletes a chunk of
// them with every row that hangs off them (index entries, references, attachment links, counters, segment marks).
import {
  FORGET_ACTIVITY_LEARNER_SQL,
  FORGET_LEARNER_ACTIVITY_SQL,
  FORGET_LEARNER_SQL,
  rollupErased,
} from "./rollups/maintain";
import { chunkJsonArrays } from "../xapi/statements/json-chunks";
import { ROLE, VALUE_KIND } from "./statement-index";
import { MARK_SEGMENTS_SQL } from "./tiering/segment-rewrite";

export type ErasureScope = { related: boolean };

/** The roles (statement-index.ts ROLE) of the index rows naming what an erasure removes. */
export const namingRoles = (scope: ErasureScope) => (scope.related ? ROLE.mentioned : ROLE.direct);

// ?1 store, ?2 roles, ?3 JSON array of agent keys, ?4 limit: one dictionary seek and one index range per key
// (schema.ts index_values, index_entries), then the statements referring to those by StatementRef, recursively
// (statement_refs by target): they matched the person's queries through them, so they go with them, in the same
// chunk (a referrer left for a later pass could no longer be reached once its target is gone).
// CROSS JOIN keeps the keys outside. A mention only as authority does not count (no `mentioned` role): the
// authority vouches for a statement, it is not its subject.
export const STATEMENTS_NAMING_SQL = `
WITH RECURSIVE named(seq) AS (
    SELECT DISTINCT e.seq FROM json_each(?3) k
      CROSS JOIN index_values v ON v.store_id = ?1 AND v.kind = ${VALUE_KIND.agent} AND v.value = k.value
      CROSS JOIN index_entries e ON e.value_id = v.id
    WHERE (e.roles & ?2) <> 0 LIMIT ?4),
  reach(seq) AS (
    SELECT seq FROM named
    UNION
    SELECT r.seq FROM reach CROSS JOIN statements t ON t.seq = reach.seq
      CROSS JOIN statement_refs r ON r.store_id = ?1 AND r.target_id = t.id)
SELECT seq FROM reach`;

/** The next chunk of statements to erase (erased ones leave the index, so each chunk starts afresh). */
export async function statementsNaming(
  db: D1Database,
  storeId: string,
  roles: number,
  keys: string,
  limit: number,
): Promise<number[]> {
  const { results } = await db.prepare(STATEMENTS_NAMING_SQL).bind(storeId, roles, keys, limit).all<{ seq: number }>();
  return results.map((row) => row.seq);
}

// What index rows need of a statement (statement-index.ts statementFacts): the parts that are often large and never
// name an agent or activity id are left out of the read (results, extensions, definitions, attachments).
const INDEXED_PARTS_SQL = `json_remove(statement, '$.result', '$.attachments', '$.context.extensions',
  '$.object.definition', '$.object.result', '$.object.context.extensions', '$.object.object.definition')`;

/** The statements' indexed parts (or a tiered one's pointer), as a statement for the caller's batch: `{ seq, statement }`. */
export function indexedPartsQuery(db: D1Database, storeId: string, seqs: readonly number[]): D1PreparedStatement {
  return db
    .prepare(`SELECT seq, ${INDEXED_PARTS_SQL} AS statement FROM statements NOT INDEXED WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))`)
    .bind(storeId, JSON.stringify(seqs));
}

// ?1 store, ?2 JSON [[kind, value, seq], ...]: primary-key deletes through the dictionary.
const DELETE_INDEX_ENTRIES_SQL = `
DELETE FROM index_entries WHERE (value_id, seq) IN (
  SELECT v.id, j.value ->> 2 FROM json_each(?2) j
    CROSS JOIN index_values v ON v.store_id = ?1 AND v.kind = j.value ->> 0 AND v.value = j.value ->> 1)`;

/**
 * The statements `seqs` and every row that hangs off them, as statements for one D1 batch (one transaction):
 * `entries` are their index rows ([kind, value, seq]), `segments` the R2 segments holding tiered ones (marked, to
 * be rewritten without them: tiering/segment-rewrite.ts).
 */
export function deleteStatementsQueries(
  db: D1Database,
  storeId: string,
  seqs: readonly number[],
  entries: readonly [number, string, number][],
  segments: readonly number[],
): D1PreparedStatement[] {
  // statements by rowid (NOT INDEXED: its only secondary index, (store_id, id), would walk the whole store).
  const bySeq = (table: string) =>
    db
      .prepare(`DELETE FROM ${table}${table === "statements" ? " NOT INDEXED" : ""} WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))`)
      .bind(storeId, JSON.stringify(seqs));
  return [
    // The console's counters lose the erased statements in the same transaction (rollups/maintain.ts).
    ...rollupErased(db, storeId, seqs),
    ...chunkJsonArrays([...entries]).map((chunk) => db.prepare(DELETE_INDEX_ENTRIES_SQL).bind(storeId, chunk)),
    bySeq("statement_refs"),
    bySeq("statement_attachments"),
    bySeq("statements"),
    ...(segments.length > 0 ? [db.prepare(MARK_SEGMENTS_SQL).bind(storeId, JSON.stringify(segments))] : []),
  ];
}

/** Rollup rows naming one of the keys hold 0 once their statements are gone (rollupErased): these drop them. */
export function forgetKeysInRollups(db: D1Database, storeId: string, agentKeys: readonly string[]): D1PreparedStatement[] {
  return agentKeys.flatMap((key) =>
    [FORGET_ACTIVITY_LEARNER_SQL, FORGET_LEARNER_ACTIVITY_SQL, FORGET_LEARNER_SQL].map((sql) => db.prepare(sql).bind(storeId, key)),
  );
}

// ?1 store, ?2 JSON agent keys: the dictionary forgets the person's identifiers once no index row names them (a
// statement they only vouched for as authority keeps its row, and the identifier it holds anyway).
const FORGET_INDEX_VALUES_SQL = `
DELETE FROM index_values WHERE store_id = ?1 AND kind = ${VALUE_KIND.agent} AND value IN (SELECT value FROM json_each(?2))
  AND NOT EXISTS (SELECT 1 FROM index_entries e WHERE e.value_id = index_values.id)`;

/** The query index's dictionary forgets the keys (`keys`: a JSON array) that no index row names any more. */
export function forgetKeysInIndexQuery(db: D1Database, storeId: string, keys: string): D1PreparedStatement {
  return db.prepare(FORGET_INDEX_VALUES_SQL).bind(storeId, keys);
}
