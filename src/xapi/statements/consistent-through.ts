// X-Experience-API-Consistent-Through (1.0.3 Communication 2.1.3; 9274.1.1 4.1.6.1): every statement
// stored at or before this instant is visible. stored_ms is assigned inside the insert as
// max(database clock, newest stored + 1 ms) (store.ts), so on the primary a statement committed after this
// read gets a `stored` later than both the newest visible statement and this read's database clock. A read
// replica may lag and its clock is not the primary's, so there only the newest visible `stored` is claimed
// (D1 says `served_by_primary: false`; without replication it says nothing and the primary answered).

/** The instant to send as X-Experience-API-Consistent-Through for this store, as an ISO 8601 string. */
export async function consistentThrough(db: D1Database, storeId: string): Promise<string> {
  const { results, meta } = await db
    .prepare(
      `SELECT max(stored_ms) AS newest, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER) AS now
       FROM statements WHERE store_id = ?1`,
    )
    .bind(storeId)
    .all<{ newest: number | null; now: number }>();
  const row = results[0];
  const newest = row?.newest ?? 0;
  const onPrimary = meta.served_by_primary !== false;
  return new Date(onPrimary ? Math.max(newest, (row?.now ?? 0) - 1) : newest).toISOString();
}
