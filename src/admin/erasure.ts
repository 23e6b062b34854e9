// Erasure of one person's data from one store (GDPR art. 17), an explicit admin action distinct from xAPI
// voiding. The person is a set of agent keys (./erasure-subject.ts: an mbox's case variants and SHA-1 sums).
// Removed: every statement naming one of the keys anywhere but only as authority (actor, object, Group member,
// instructor, team, context agents and groups, inside a SubStatement) and statements that reference those by
// StatementRef (they matched the person's queries), with their index rows, references and attachment links;
// with `related: false`, only the `agent` query filter's matches (actor or object, or a member of a Group
// there); attachments no remaining statement references; State and Agent Profile documents about the keys
// with their R2 bodies; the keys' rows of the Agents resource, of the query index's dictionary and of the console's
// rollups.
// Runs as a durable job (src/jobs/kinds/agent-erasure.ts), one bounded pass per step: each pass starts afresh
// from what is left, so a step cut short is simply resumed. A statement about the person accepted while a pass
// runs may survive that pass; the next pass removes it, and the job ends only with a pass that found nothing.
import { storePrimary } from "../db/store-databases";
import type { Bindings } from "../env";
import type { DocumentSet } from "../xapi/documents/document-address";
import { writeDocument } from "../xapi/documents/document-storage";
import {
  FORGET_ACTIVITY_LEARNER_SQL,
  FORGET_LEARNER_ACTIVITY_SQL,
  FORGET_LEARNER_SQL,
  rollupErased,
} from "../statement-store/rollups/maintain";
import { deleteRowids, StepBudget } from "../jobs/step-budget";
import { chunkJsonArrays } from "../xapi/statements/json-chunks";
import type { RecordedStatement } from "../xapi/statements/statement";
import { ROLE, statementFacts, VALUE_KIND } from "../statement-store/statement-index";
import { loadAllBodies, readsNeeded } from "../statement-store/tiering/load-bodies";
import { MARK_SEGMENTS_SQL, rewriteMarkedSegments } from "../statement-store/tiering/segment-rewrite";
import { isTiered, pointerOf } from "../statement-store/tiering/tiered-row";

/** Statements per D1 batch of deletions. */
export type ErasureChunks = { statements: number };
const CHUNKS: ErasureChunks = { statements: 200 };

export type ErasureCounts = { statements: number; attachments: number; documents: number; agents: number };
export type ErasurePass = { done: boolean; erased: ErasureCounts };
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

/** ?1 store, ?2 JSON agent keys, ?3 limit: the agents' document sets (State per activity, Agent Profiles). */
export const DOCUMENT_SETS_SQL = `
SELECT agent_key, kind, activity_id, COUNT(*) AS n FROM documents
WHERE store_id = ?1 AND agent_key IN (SELECT value FROM json_each(?2))
GROUP BY agent_key, kind, activity_id LIMIT ?3`;
const DOCUMENT_SETS_PER_READ = 20;

export async function eraseAgent(
  db: D1Database,
  env: Bindings,
  storeId: string,
  agentKeys: readonly string[],
  scope: ErasureScope,
  budget = new StepBudget(),
  chunks = CHUNKS,
): Promise<ErasurePass> {
  const erased: ErasureCounts = { statements: 0, attachments: 0, documents: 0, agents: 0 };
  const keys = JSON.stringify(agentKeys);

  let limit = chunks.statements;
  for (;;) {
    if (!budget.take()) return { done: false, erased };
    const seqs = await statementsNaming(db, storeId, namingRoles(scope), keys, limit);
    if (seqs.length === 0) break;
    if (!budget.take(5)) return { done: false, erased };
    const { sha2s, statements } = await readChunk(db, storeId, seqs);
    // Tiered statements' bodies (src/statement-store/tiering) give their index rows; their segments are marked in
    // the deleting transaction and rewritten below, so the erased bytes do not outlive the rows. A chunk whose
    // ranged reads do not fit what is left of the step is read again smaller (a person's statements spread over
    // many segments would otherwise never fit a step).
    const reads = readsNeeded(statements);
    if (!budget.take(reads)) {
      if (limit === 1 || seqs.length === 1) return { done: false, erased };
      limit = Math.max(1, Math.floor((seqs.length * budget.left) / reads / 2));
      continue;
    }
    const bodies = await loadAllBodies(env.BLOBS, storeId, statements);
    const entries = bodies.flatMap(({ seq, statement }) =>
      statementFacts(JSON.parse(statement) as RecordedStatement).index.map((row): [number, string, number] => [row.kind, row.value, seq]),
    );
    const segments = [...new Set(statements.filter((row) => isTiered(row.statement)).map((row) => pointerOf(row.statement).segment))];
    await deleteStatements(db, storeId, seqs, entries, segments);
    erased.statements += seqs.length;
    erased.attachments += await deleteUnreferencedAttachments(db, env.BLOBS, storeId, sha2s);
  }
  if (!(await rewriteMarkedSegments(db, env.BLOBS, storeId, budget))) return { done: false, erased };
  // Rollup rows naming a key whose statements are all gone hold 0 now (rollupErased); one batch drops them.
  if (!budget.take()) return { done: false, erased };
  await db.batch(
    agentKeys.flatMap((key) =>
      [FORGET_ACTIVITY_LEARNER_SQL, FORGET_LEARNER_ACTIVITY_SQL, FORGET_LEARNER_SQL].map((sql) =>
        db.prepare(sql).bind(storeId, key),
      ),
    ),
  );

  // Documents go through their DocumentWriter objects, so a concurrent write cannot slip a body past the
  // erasure, nor a read meet a row whose body is already gone: one object call per (agent, kind, activity)
  // set, as many as the budget allows; the rest on the next pass. Read from the primary: a lagging replica
  // would list sets already cleared.
  const primary = await storePrimary(env, storeId);
  for (;;) {
    if (!budget.take()) return { done: false, erased };
    const { results: sets } = await primary
      .prepare(DOCUMENT_SETS_SQL)
      .bind(storeId, keys, DOCUMENT_SETS_PER_READ)
      .all<{ agent_key: string; kind: DocumentSet["kind"]; activity_id: string; n: number }>();
    if (sets.length === 0) break;
    for (const { agent_key: agentKey, kind, activity_id: activityId, n } of sets) {
      if (!budget.take()) return { done: false, erased };
      const set: DocumentSet = { storeId, kind, activityId, agentKey };
      const outcome = await writeDocument(env, set, { method: "DELETE_SET", set });
      if (!outcome.ok) throw new Error(`erasing the documents of ${kind} ${activityId} was refused: ${outcome.refusal.kind}`);
      erased.documents += n;
    }
  }

  if (!budget.take()) return { done: false, erased };
  const [agentRows] = await db.batch([
    db.prepare("DELETE FROM agents WHERE store_id = ? AND agent_key IN (SELECT value FROM json_each(?))").bind(storeId, keys),
    db.prepare(FORGET_INDEX_VALUES_SQL).bind(storeId, keys),
  ]);
  erased.agents += agentRows!.meta.changes ?? 0;
  return { done: true, erased };
}

/** The next chunk of statements to erase (erased ones leave the index, so each chunk starts afresh). */
async function statementsNaming(
  db: D1Database,
  storeId: string,
  roles: number,
  keys: string,
  limit: number,
): Promise<number[]> {
  const { results } = await db
    .prepare(STATEMENTS_NAMING_SQL)
    .bind(storeId, roles, keys, limit)
    .all<{ seq: number }>();
  return results.map((row) => row.seq);
}

// What index rows need of a statement (statement-index.ts statementFacts): the parts that are often large and never
// name an agent or activity id are left out of the read (results, extensions, definitions, attachments).
const INDEXED_PARTS_SQL = `json_remove(statement, '$.result', '$.attachments', '$.context.extensions',
  '$.object.definition', '$.object.result', '$.object.context.extensions', '$.object.object.definition')`;

/**
 * One D1 batch of reads for a chunk: the attachment contents its statements use, and what their index rows are
 * found from (the index is keyed by value, not by statement): the statements' indexed parts, or a tiered one's
 * pointer.
 */
async function readChunk(
  db: D1Database,
  storeId: string,
  seqs: readonly number[],
): Promise<{ sha2s: string[]; statements: { seq: number; statement: string }[] }> {
  const chunk = JSON.stringify(seqs);
  const [attachments, statements] = await db.batch<Record<string, unknown>>([
    db
      .prepare("SELECT DISTINCT sha2 FROM statement_attachments WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))")
      .bind(storeId, chunk),
    db
      .prepare(`SELECT seq, ${INDEXED_PARTS_SQL} AS statement FROM statements WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))`)
      .bind(storeId, chunk),
  ]);
  const sha2s = (attachments!.results as { sha2: string }[]).map((row) => row.sha2);
  return { sha2s, statements: statements!.results as { seq: number; statement: string }[] };
}

/** One D1 batch (one transaction): the statements and every row that hangs off them. */
async function deleteStatements(
  db: D1Database,
  storeId: string,
  seqs: readonly number[],
  entries: readonly [number, string, number][],
  segments: readonly number[],
): Promise<void> {
  const bySeq = (table: string) =>
    db
      .prepare(`DELETE FROM ${table} WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))`)
      .bind(storeId, JSON.stringify(seqs));
  await db.batch([
    // The console's counters lose the erased statements in the same transaction (src/rollups).
    ...rollupErased(db, storeId, seqs),
    ...chunkJsonArrays([...entries]).map((chunk) => db.prepare(DELETE_INDEX_ENTRIES_SQL).bind(storeId, chunk)),
    bySeq("statement_refs"),
    bySeq("statement_attachments"),
    bySeq("statements"),
    ...(segments.length > 0 ? [db.prepare(MARK_SEGMENTS_SQL).bind(storeId, JSON.stringify(segments))] : []),
  ]);
}

// ?1 store, ?2 JSON [[kind, value, seq], ...]: primary-key deletes through the dictionary.
const DELETE_INDEX_ENTRIES_SQL = `
DELETE FROM index_entries WHERE (value_id, seq) IN (
  SELECT v.id, j.value ->> 2 FROM json_each(?2) j
    CROSS JOIN index_values v ON v.store_id = ?1 AND v.kind = j.value ->> 0 AND v.value = j.value ->> 1)`;

// ?1 store, ?2 JSON agent keys: the dictionary forgets the person's identifiers once no index row names them (a
// statement they only vouched for as authority keeps its row, and the identifier it holds anyway).
const FORGET_INDEX_VALUES_SQL = `
DELETE FROM index_values WHERE store_id = ?1 AND kind = ${VALUE_KIND.agent} AND value IN (SELECT value FROM json_each(?2))
  AND NOT EXISTS (SELECT 1 FROM index_entries e WHERE e.value_id = index_values.id)`;

/** Attachments among `sha2s` that no statement of the store references any more, rows and R2 bodies. */
async function deleteUnreferencedAttachments(
  db: D1Database,
  blobs: R2Bucket,
  storeId: string,
  sha2s: readonly string[],
): Promise<number> {
  if (sha2s.length === 0) return 0;
  const { results } = await db
    .prepare(
      `SELECT a.rowid AS rowid, a.r2_key FROM attachments a
       WHERE a.store_id = ?1 AND a.sha2 IN (SELECT value FROM json_each(?2))
         AND NOT EXISTS (SELECT 1 FROM statement_attachments s WHERE s.store_id = ?1 AND s.sha2 = a.sha2)`,
    )
    .bind(storeId, JSON.stringify(sha2s))
    .all<{ rowid: number; r2_key: string }>();
  if (results.length === 0) return 0;
  await blobs.delete(results.map((row) => row.r2_key));
  await deleteRowids(db, "attachments", results.map((row) => row.rowid)).run();
  return results.length;
}
