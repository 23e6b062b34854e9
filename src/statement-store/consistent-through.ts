// X-Experience-API-Consistent-Through (1.0.3 Communication 2.1.3; 9274.1.1 4.1.6.1): every statement
// stored at or before this instant is visible. stored_ms is assigned inside the insert as
// max(database clock, newest stored + 1 ms) (statement-rows.ts), so on the primary a statement committed after this
// read gets a `stored` later than both the newest visible statement and this read's database clock. A read
// replica may lag and its clock is not the primary's, so there only the newest visible `stored` is claimed
// (D1 says `served_by_primary: false`; without replication it says nothing and the primary answered).

import { NEWEST_STORED_MS_SQL } from "./stored-order";

export const CONSISTENT_THROUGH_HEADER = "X-Experience-API-Consistent-Through";

// The newest `stored` is the store's last seq (stored-order.ts): one seek from the end of its seq index.
const CONSISTENT_THROUGH_SQL = `
SELECT ${NEWEST_STORED_MS_SQL} AS newest,
       CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now`;

type Row = { newest: number | null; now: number };

/** The query behind the header, to run alone or as the last statement of a write batch. */
export function consistentThroughQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare(CONSISTENT_THROUGH_SQL).bind(storeId);
}

/** The header value (ISO 8601) from the query's result. */
export function consistentThroughOf(result: D1Result): string {
  const row = result.results[0] as Row | undefined;
  const newest = row?.newest ?? 0;
  const onPrimary = result.meta.served_by_primary !== false;
  return new Date(onPrimary ? Math.max(newest, (row?.now ?? 0) - 1) : newest).toISOString();
}

/** The header value for this store, read now. */
export async function consistentThrough(db: D1Database, storeId: string): Promise<string> {
  return consistentThroughOf(await consistentThroughQuery(db, storeId).all());
}
