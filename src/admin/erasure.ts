// Erasure of one person's data from one store (GDPR art. 17), an explicit admin action distinct from xAPI
// voiding. The person is a set of agent keys (./erasure-subject.ts: an mbox's case variants and SHA-1 sums).
// Removed: every statement naming one of the keys anywhere but only as authority (actor, object, Group member,
// instructor, team, context agents and groups, inside a SubStatement) and statements that reference those by
// StatementRef (whose index rows carry the keys too), with their index rows, references and attachment links;
// with `related: false`, only the `agent` query filter's matches (actor or object, or a member of a Group
// there); attachments no remaining statement references; State and Agent Profile documents about the keys
// with their R2 bodies; the keys' rows of the Agents resource and of the console's rollups.
// Runs as a durable job (src/jobs/kinds/agent-erasure.ts), one bounded pass per step: each pass starts afresh
// from what is left, so a step cut short is simply resumed. A statement about the person accepted while a pass
// runs may survive that pass; the next pass removes it, and the job ends only with a pass that found nothing.
import type { Bindings } from "../env";
import type { DocumentSet } from "../xapi/documents/document-address";
import { writeDocument } from "../xapi/documents/document-storage";
import {
  FORGET_ACTIVITY_LEARNER_SQL,
  FORGET_LEARNER_ACTIVITY_SQL,
  FORGET_LEARNER_SQL,
  rollupErased,
} from "../rollups/maintain";
import { deleteRowids, StepBudget } from "../jobs/step-budget";

/** Statements per D1 batch of deletions. */
export type ErasureChunks = { statements: number };
const CHUNKS: ErasureChunks = { statements: 200 };

export type ErasureCounts = { statements: number; attachments: number; documents: number; agents: number };
export type ErasurePass = { done: boolean; erased: ErasureCounts };
export type ErasureScope = { related: boolean };

/** The statement_index kind whose rows name what an erasure removes: related_agent holds every agent row too. */
export const indexKind = (scope: ErasureScope) => (scope.related ? "related_agent" : "agent");

// ?1 store, ?2 kind, ?3 JSON array of agent keys: one primary-key seek per key (schema.ts statement_index);
// CROSS JOIN keeps the keys outside, or SQLite (without statistics) walks the store's whole index by seq.
// A mention only as authority does not count: the authority vouches for a statement, it is not its subject.
export const STATEMENTS_NAMING_SQL = `
SELECT DISTINCT i.seq FROM json_each(?3) k
  CROSS JOIN statement_index i ON i.store_id = ?1 AND i.kind = ?2 AND i.value = k.value
WHERE i.usage <> 'authority'`;

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

  for (;;) {
    if (!budget.take()) return { done: false, erased };
    const seqs = await statementsNaming(db, storeId, indexKind(scope), keys, chunks.statements);
    if (seqs.length === 0) break;
    if (!budget.take(5)) return { done: false, erased };
    const sha2s = await attachmentsOf(db, storeId, seqs);
    await deleteStatements(db, storeId, seqs);
    erased.statements += seqs.length;
    erased.attachments += await deleteUnreferencedAttachments(db, env.BLOBS, storeId, sha2s);
  }
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
  const primary = env.DB.withSession("first-primary");
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
  const agentRows = await db
    .prepare("DELETE FROM agents WHERE store_id = ? AND agent_key IN (SELECT value FROM json_each(?))")
    .bind(storeId, keys)
    .run();
  erased.agents += agentRows.meta.changes ?? 0;
  return { done: true, erased };
}

/** The next chunk of statements to erase (erased ones leave the index, so each chunk starts afresh). */
async function statementsNaming(
  db: D1Database,
  storeId: string,
  kind: string,
  keys: string,
  limit: number,
): Promise<number[]> {
  const { results } = await db
    .prepare(`${STATEMENTS_NAMING_SQL} LIMIT ?4`)
    .bind(storeId, kind, keys, limit)
    .all<{ seq: number }>();
  return results.map((row) => row.seq);
}

async function attachmentsOf(db: D1Database, storeId: string, seqs: readonly number[]): Promise<string[]> {
  const { results } = await db
    .prepare(
      "SELECT DISTINCT sha2 FROM statement_attachments WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))",
    )
    .bind(storeId, JSON.stringify(seqs))
    .all<{ sha2: string }>();
  return results.map((row) => row.sha2);
}

/** One D1 batch (one transaction): the statements and every row that hangs off them. */
async function deleteStatements(db: D1Database, storeId: string, seqs: readonly number[]): Promise<void> {
  const bySeq = (table: string) =>
    db
      .prepare(`DELETE FROM ${table} WHERE store_id = ? AND seq IN (SELECT value FROM json_each(?))`)
      .bind(storeId, JSON.stringify(seqs));
  await db.batch([
    // The console's counters lose the erased statements in the same transaction (src/rollups).
    ...rollupErased(db, storeId, seqs),
    bySeq("statement_index"),
    bySeq("statement_refs"),
    bySeq("statement_attachments"),
    bySeq("statements"),
  ]);
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
