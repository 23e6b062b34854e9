// The statement store's tables as deleting a whole store sees them (src/admin/store-deletion.ts runs the job, in
// chunks). statement_segments is not here: its rows name R2 objects, deleted with them as every blob table is.

/** Dependants before what they point at; index rows before the dictionary values they name. */
export const STATEMENT_STORE_TABLES = [
  "index_entries",
  "index_values",
  "statement_refs",
  "statements",
  // After the statements: a run left behind only spans seqs no longer there (store-walk.ts checks each row's store).
  "statement_runs",
  "credential_runs",
  "activities",
  "agents",
  "rollup_counts",
  // After the statements: a store re-created under the same id counts its statements from 0.
  "rollup_cursors",
] as const;

/**
 * ?1 store, ?2 limit: a chunk of the table's rows of the store, by rowid; the WITHOUT ROWID tables by primary key
 * (index_entries through its store's dictionary values: it has no store_id). Also serves tables outside the
 * statement store that have a rowid and a store_id.
 */
export function deleteStoreChunkSql(table: string): string {
  switch (table) {
    case "index_entries":
      return `DELETE FROM index_entries WHERE (value_id, seq) IN (
        SELECT e.value_id, e.seq FROM index_values v CROSS JOIN index_entries e ON e.value_id = v.id
        WHERE v.store_id = ?1 LIMIT ?2)`;
    case "statement_runs":
      return `DELETE FROM statement_runs WHERE (store_id, first_seq) IN (
        SELECT store_id, first_seq FROM statement_runs WHERE store_id = ?1 LIMIT ?2)`;
    case "credential_runs":
      return `DELETE FROM credential_runs WHERE (store_id, credential_id, first_seq) IN (
        SELECT store_id, credential_id, first_seq FROM credential_runs WHERE store_id = ?1 LIMIT ?2)`;
    case "rollup_counts":
      return `DELETE FROM rollup_counts WHERE (store_id, dimension, day, a, b) IN (
        SELECT store_id, dimension, day, a, b FROM rollup_counts WHERE store_id = ?1 LIMIT ?2)`;
    default:
      return `DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE store_id = ?1 LIMIT ?2)`;
  }
}
