// The statement log: a store's statements in acceptance order (`seq`), as the readers that follow it see it —
// forwarders (src/forwarding), export jobs (src/jobs/kinds/statement-export.ts) and the admin's figures. Every
// walk goes through the store's runs (store-walk.ts), so none of them scans another store's rows.
import { type SQL, sql } from "drizzle-orm";
import { walkEnd, walkFrom, walkHasAny, walkOrder } from "./store-walk";

export type LogRow = { seq: number; statement: string; stored_ms: number };

/** The store's newest seq (0 when it has none), as a statement a caller can put in its own batch: `{ head }`. */
export function headSeqQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare(`SELECT coalesce(${walkEnd({ store: "?1" }, "seq", true)}, 0) AS head`).bind(storeId);
}

export async function headSeq(db: D1Database, storeId: string): Promise<number> {
  return (await headSeqQuery(db, storeId).first<{ head: number }>())?.head ?? 0;
}

/** The store's newest seq as a subquery (NULL when it has none), for SQL that places a cursor. */
export function headSeqSql(storeId: string): SQL {
  // The store is the walk's only parameter (it appears more than once).
  const text = walkEnd({ store: "?" }, "seq", true);
  return sql.join(text.split("?").map((part) => sql.raw(part)), sql`${storeId}`);
}

/**
 * SQL that holds when the store in column `storeColumn` has statements after the seq in column `seqColumn` (both
 * columns of the caller's row, e.g. a forwarder's store and position).
 */
export function hasStatementsAfterSql(storeColumn: string, seqColumn: string): string {
  return walkHasAny({ store: storeColumn, from: `${seqColumn} + 1` });
}

/** The store's statements after ?2 (?1 the store). */
const AFTER = { store: "?1", from: "?2 + 1" };

/** What lies after `afterSeq`: the statements counted up to `cap` (a bounded walk), and the oldest one's stored time. */
export async function backlogAfter(
  db: D1Database,
  storeId: string,
  afterSeq: number,
  cap: number,
): Promise<{ statements: number; oldestStoredMs: number | null }> {
  const row = await db
    .prepare(
      `SELECT (SELECT count(*) FROM (SELECT 1 ${walkFrom(AFTER)} LIMIT ?3)) AS behind, ` +
        `${walkEnd(AFTER, "stored_ms")} AS oldest`,
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
      `SELECT s.seq AS seq, s.statement AS statement, s.stored_ms AS stored_ms ${walkFrom({ ...AFTER, through: "?3" })} ` +
        `AND s.voided = 0 ORDER BY ${walkOrder()} LIMIT ?4`,
    )
    .bind(storeId, afterSeq, throughSeq, limit)
    .all<LogRow>();
  return results;
}

/** The store's statements and how many of them are voided, as a statement for the caller's batch: `{ n, voided }`. */
export function statementCountQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare("SELECT COUNT(*) AS n, COALESCE(SUM(voided), 0) AS voided FROM statements WHERE store_id = ?").bind(storeId);
}
