// The statement log: a store's statements in acceptance order (`seq`), as the readers that follow it see it —
// forwarders (src/forwarding), export jobs (src/jobs/kinds/statement-export.ts) and the admin's figures. Every
// walk is a range of statements_store_seq, so none of them scans another store's rows.
import { type SQL, sql } from "drizzle-orm";

export type LogRow = { seq: number; statement: string; stored_ms: number };

/** The store's newest seq (0 when it has none), as a statement a caller can put in its own batch: `{ head }`. */
export function headSeqQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare("SELECT coalesce(max(seq), 0) AS head FROM statements WHERE store_id = ?").bind(storeId);
}

export async function headSeq(db: D1Database, storeId: string): Promise<number> {
  return (await headSeqQuery(db, storeId).first<{ head: number }>())?.head ?? 0;
}

/** The store's newest seq as a subquery (NULL when it has none), for SQL that places a cursor. */
export function headSeqSql(storeId: string): SQL {
  return sql`(SELECT max(seq) FROM statements WHERE store_id = ${storeId})`;
}

/**
 * SQL that holds when the store in column `storeColumn` has statements after the seq in column `seqColumn` (both
 * columns of the caller's row, e.g. a forwarder's store and position).
 */
export function hasStatementsAfterSql(storeColumn: string, seqColumn: string): string {
  return `EXISTS (SELECT 1 FROM statements AS s INDEXED BY statements_store_seq WHERE s.store_id = ${storeColumn} AND s.seq > ${seqColumn})`;
}

/** What lies after `afterSeq`: the statements counted up to `cap` (a bounded walk), and the oldest one's stored time. */
export async function backlogAfter(
  db: D1Database,
  storeId: string,
  afterSeq: number,
  cap: number,
): Promise<{ statements: number; oldestStoredMs: number | null }> {
  const row = await db
    .prepare(
      "SELECT (SELECT count(*) FROM (SELECT 1 FROM statements INDEXED BY statements_store_seq WHERE store_id = ?1 AND seq > ?2 LIMIT ?3)) AS behind, " +
        "(SELECT stored_ms FROM statements INDEXED BY statements_store_seq WHERE store_id = ?1 AND seq > ?2 ORDER BY seq LIMIT 1) AS oldest",
    )
    .bind(storeId, afterSeq, cap)
    .first<{ behind: number; oldest: number | null }>();
  return { statements: row?.behind ?? 0, oldestStoredMs: row?.oldest ?? null };
}

/** Up to `limit` statements not voided with `afterSeq` < seq <= `throughSeq`, oldest first (tiered rows as stored). */
export async function unvoidedStatementsAfter(
  db: D1Database,
  storeId: string,
  afterSeq: number,
  throughSeq: number,
  limit: number,
): Promise<LogRow[]> {
  const { results } = await db
    .prepare(
      "SELECT seq, statement, stored_ms FROM statements WHERE store_id = ?1 AND seq > ?2 AND seq <= ?3 AND voided = 0 ORDER BY seq LIMIT ?4",
    )
    .bind(storeId, afterSeq, throughSeq, limit)
    .all<LogRow>();
  return results;
}

/** The store's statements and how many of them are voided, as a statement for the caller's batch: `{ n, voided }`. */
export function statementCountQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare("SELECT COUNT(*) AS n, COALESCE(SUM(voided), 0) AS voided FROM statements WHERE store_id = ?").bind(storeId);
}
