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
import { deleteRowids, StepBudget } from "../jobs/step-budget";
import type { RecordedStatement } from "../xapi/statements/statement";
import { deleteAgentsQuery } from "../statement-store/agent-names";
import {
  deleteStatementsQueries,
  type ErasureScope,
  forgetKeysInIndexQuery,
  forgetKeysInRollups,
  indexedPartsQuery,
  namingRoles,
  statementsNaming,
} from "../statement-store/erase-statements";
import { statementFacts } from "../statement-store/statement-index";
import { loadAllBodies, readsNeeded } from "../statement-store/tiering/load-bodies";
import { rewriteMarkedSegments } from "../statement-store/tiering/segment-rewrite";
import { isTiered, pointerOf } from "../statement-store/tiering/tiered-row";

/** Statements per D1 batch of deletions. */
export type ErasureChunks = { statements: number };
const CHUNKS: ErasureChunks = { statements: 200 };

export type ErasureCounts = { statements: number; attachments: number; documents: number; agents: number };
export type ErasurePass = { done: boolean; erased: ErasureCounts };
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
    // One D1 batch (one transaction): the statements and every row that hangs off them.
    await db.batch(deleteStatementsQueries(db, storeId, seqs, entries, segments));
    erased.statements += seqs.length;
    erased.attachments += await deleteUnreferencedAttachments(db, env.BLOBS, storeId, sha2s);
  }
  if (!(await rewriteMarkedSegments(db, env.BLOBS, storeId, budget))) return { done: false, erased };
  // Rollup rows naming a key whose statements are all gone hold 0 now (rollupErased); one batch drops them.
  if (!budget.take()) return { done: false, erased };
  await db.batch(forgetKeysInRollups(db, storeId, agentKeys));

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
    deleteAgentsQuery(db, storeId, keys),
    forgetKeysInIndexQuery(db, storeId, keys),
  ]);
  erased.agents += agentRows!.meta.changes ?? 0;
  return { done: true, erased };
}

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
    indexedPartsQuery(db, storeId, seqs),
  ]);
  const sha2s = (attachments!.results as { sha2: string }[]).map((row) => row.sha2);
  return { sha2s, statements: statements!.results as { seq: number; statement: string }[] };
}

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
