// D1 side of attachment storage: the `attachments` row of each content (store, sha2) and the
// `statement_attachments` links. The rows are written in the same D1 batch as the statements that use them,
// after the content is in R2, so a statement is never visible without its attachment data and an upload whose
// request failed is unreachable (swept later by sweepOrphanAttachments).
import { chunkJsonArrays } from "../json-chunks";
import type { StoredAttachment } from "./attachment-blobs";
import type { Statement } from "../statement";
import { attachmentsOf } from "./declared-attachments";

const INSERT_ATTACHMENTS_SQL = `
INSERT INTO attachments (store_id, sha2, content_type, length, r2_key, created_ms)
SELECT ?1, j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, ?2 FROM json_each(?3) j
WHERE true ON CONFLICT (store_id, sha2) DO NOTHING`;

// Links a statement to contents this request carried (the caller passes only those); the statement's seq is
// found by its id, as the statement rows come earlier in the batch.
const INSERT_LINKS_SQL = `
INSERT INTO statement_attachments (store_id, seq, sha2)
SELECT ?1, s.seq, a.sha2 FROM json_each(?2) j
JOIN statements s ON s.store_id = ?1 AND s.id = j.value ->> 0
JOIN attachments a ON a.store_id = ?1 AND a.sha2 = j.value ->> 1
WHERE true ORDER BY j.key ON CONFLICT (store_id, seq, sha2) DO NOTHING`;

/**
 * The D1 statements that record `stored` contents and link them to `statements`; append them to the batch.
 * Only contents in `stored` (those this request's parts carried) are linked: a sha2 declared with just a fileUrl
 * must not reach bytes someone else uploaded to the store (issue 11; the sha2 is no proof of possession).
 */
export function attachmentRowsStatements(
  db: D1Database,
  storeId: string,
  stored: readonly StoredAttachment[],
  statements: readonly { id: string; statement: Statement }[],
  nowMs = Date.now(),
): D1PreparedStatement[] {
  const bound: D1PreparedStatement[] = [];
  const rows = stored.map((a) => [a.sha2, a.contentType, a.length, a.r2Key]);
  for (const chunk of chunkJsonArrays(rows)) bound.push(db.prepare(INSERT_ATTACHMENTS_SQL).bind(storeId, nowMs, chunk));
  const received = new Set(stored.map((a) => a.sha2));
  const links = statements.flatMap(({ id, statement }) =>
    [...new Set(attachmentsOf(statement).map((a) => a.sha2.toLowerCase()))]
      .filter((sha2) => received.has(sha2))
      .map((sha2) => [id, sha2]),
  );
  for (const chunk of chunkJsonArrays(links)) bound.push(db.prepare(INSERT_LINKS_SQL).bind(storeId, chunk));
  return bound;
}

/** The R2 keys of the contents among `sha2s` the store already holds (their upload is skipped, the part verified). */
export async function findStoredKeys(db: D1Database, storeId: string, sha2s: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunkJsonArrays([...sha2s])) {
    const { results } = await db
      .prepare("SELECT sha2, r2_key AS r2Key FROM attachments WHERE store_id = ?1 AND sha2 IN (SELECT value FROM json_each(?2))")
      .bind(storeId, chunk)
      .all<{ sha2: string; r2Key: string }>();
    for (const row of results) found.set(row.sha2, row.r2Key);
  }
  return found;
}

/** Which of the R2 `keys` an `attachments` row names (the others no statement can reach). */
export async function findRecordedKeys(db: D1Database, storeId: string, keys: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunkJsonArrays([...keys])) {
    const { results } = await db
      .prepare("SELECT r2_key AS r2Key FROM attachments WHERE store_id = ?1 AND r2_key IN (SELECT value FROM json_each(?2))")
      .bind(storeId, chunk)
      .all<{ r2Key: string }>();
    for (const row of results) found.add(row.r2Key);
  }
  return found;
}

/** The distinct attachment contents linked to the statements at `seqs`, each once, in the order referenced. */
export async function findLinkedAttachments(
  db: D1Database,
  storeId: string,
  seqs: readonly number[],
): Promise<StoredAttachment[]> {
  const found = new Map<string, StoredAttachment>();
  for (const chunk of chunkJsonArrays([...seqs])) {
    const { results } = await db
      .prepare(
        `SELECT a.sha2, a.content_type AS contentType, a.length, a.r2_key AS r2Key
         FROM statement_attachments sa JOIN attachments a ON a.store_id = sa.store_id AND a.sha2 = sa.sha2
         WHERE sa.store_id = ?1 AND sa.seq IN (SELECT value FROM json_each(?2)) ORDER BY sa.seq, sa.rowid`,
      )
      .bind(storeId, chunk)
      .all<StoredAttachment>();
    for (const row of results) if (!found.has(row.sha2)) found.set(row.sha2, row);
  }
  return [...found.values()];
}
