// Recounting a store's rollups from its statements: for statements stored before rollup_daily existed (the
// migration that adds it starts empty), or after a repair. The one place that reads every statement of a store,
// so it is an explicit admin action, never on a request path.
import { rollupDeltaSql } from "./statement-keys";

const DELETE_SQL = "DELETE FROM rollup_daily WHERE store_id = ?1";
const SEQ_RANGE_SQL = "SELECT min(seq) AS low, max(seq) AS high FROM statements WHERE store_id = ?1";
// Seq ranges walk statements_store_seq; the last range is open so rows inserted since SEQ_RANGE_SQL count too.
const ADD_RANGE_SQL = rollupDeltaSql("s.store_id = ?1 AND s.voided = 0 AND s.seq >= ?2 AND s.seq < ?3", 1);
const ADD_REST_SQL = rollupDeltaSql("s.store_id = ?1 AND s.voided = 0 AND s.seq >= ?2", 1);
const SEQS_PER_STATEMENT = 5000;

/**
 * Replaces the store's rollups by counts derived from its statements, in ONE D1 batch (a transaction, so
 * concurrent inserts are counted exactly once). Sized for stores of up to a few hundred thousand statements;
 * a D1 batch is bounded in time, so larger stores need an offline rebuild.
 */
export async function rebuildRollups(
  db: D1Database,
  storeId: string,
  seqsPerStatement = SEQS_PER_STATEMENT,
): Promise<void> {
  const range = await db.prepare(SEQ_RANGE_SQL).bind(storeId).first<{ low: number | null; high: number | null }>();
  const statements = [db.prepare(DELETE_SQL).bind(storeId)];
  let start = range?.low ?? 0;
  for (; range?.high != null && start + seqsPerStatement <= range.high; start += seqsPerStatement) {
    statements.push(db.prepare(ADD_RANGE_SQL).bind(storeId, start, start + seqsPerStatement));
  }
  statements.push(db.prepare(ADD_REST_SQL).bind(storeId, start));
  await db.batch(statements);
}
