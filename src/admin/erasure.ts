// Erasure of one agent's personal data from one store (GDPR art. 17), an explicit admin action distinct from
// xAPI voiding. Removed: every statement the `agent` query filter matches (the agent or identified Group as
// actor or object, as a member of a Group there, and statements that reference those by StatementRef, whose
// index rows carry the agent too), with their index rows, references and attachment links; with `related`, also
// statements naming the agent anywhere else but as authority; attachments no remaining statement references;
// State and Agent Profile documents about the agent with their R2 bodies; the agent's row of the Agents resource.
// Runs in bounded passes (./work-budget.ts). A statement about the agent accepted while a pass runs may survive
// that pass; the next pass (or a repeat of the request) removes it.
import type { Bindings } from "../env";
import { deleteAgentDocuments } from "../xapi/documents/document-store";
import { forgetAgentRollups, rollupErased } from "../rollups/maintain";
import { deleteRowids, WorkBudget } from "./work-budget";

/** Statements per D1 batch of deletions. */
export type ErasureChunks = { statements: number };
const CHUNKS: ErasureChunks = { statements: 200 };

export type ErasureCounts = { statements: number; attachments: number; documents: number; agents: number };
export type ErasurePass = { done: boolean; erased: ErasureCounts };

export async function eraseAgent(
  db: D1Database,
  env: Bindings,
  storeId: string,
  agentKey: string,
  options: { related: boolean },
  budget = new WorkBudget(),
  chunks = CHUNKS,
): Promise<ErasurePass> {
  const erased: ErasureCounts = { statements: 0, attachments: 0, documents: 0, agents: 0 };
  const kinds = options.related ? ["agent", "related_agent"] : ["agent"];

  for (;;) {
    if (!budget.take()) return { done: false, erased };
    const seqs = await statementsNaming(db, storeId, agentKey, kinds, chunks.statements);
    if (seqs.length === 0) break;
    if (!budget.take(5)) return { done: false, erased };
    const sha2s = await attachmentsOf(db, storeId, seqs);
    await deleteStatements(db, storeId, seqs);
    erased.statements += seqs.length;
    erased.attachments += await deleteUnreferencedAttachments(db, env.BLOBS, storeId, sha2s);
  }
  if (!budget.take()) return { done: false, erased };
  await forgetAgentRollups(db, storeId, agentKey);

  // Documents go through their DocumentWriter objects, so a concurrent write cannot slip a body past the
  // erasure, nor a read meet a row whose body is already gone.
  if (!budget.take(4)) return { done: false, erased };
  const documents = await db
    .prepare("SELECT COUNT(*) AS n FROM documents WHERE store_id = ? AND agent_key = ?")
    .bind(storeId, agentKey)
    .first<{ n: number }>();
  if (documents && documents.n > 0) {
    await deleteAgentDocuments(env, storeId, agentKey);
    erased.documents += documents.n;
  }

  if (!budget.take()) return { done: false, erased };
  const agentRows = await db
    .prepare("DELETE FROM agents WHERE store_id = ? AND agent_key = ?")
    .bind(storeId, agentKey)
    .run();
  erased.agents += agentRows.meta.changes ?? 0;
  return { done: true, erased };
}

/** The next chunk of statements to erase. With `related_agent`, a mention only as authority does not count. */
async function statementsNaming(
  db: D1Database,
  storeId: string,
  agentKey: string,
  kinds: readonly string[],
  limit: number,
): Promise<number[]> {
  const { results } = await db
    .prepare(
      `SELECT DISTINCT seq FROM statement_index
       WHERE store_id = ?1 AND value = ?2 AND kind IN (SELECT value FROM json_each(?3))
         AND NOT (kind = 'related_agent' AND usage = 'authority')
       ORDER BY seq LIMIT ?4`,
    )
    .bind(storeId, agentKey, JSON.stringify(kinds), limit)
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
