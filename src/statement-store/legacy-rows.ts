// The rows a deployment kept from before the storage change (migrations 0010 and 0011 rename the old tables
// instead of moving their rows, which D1's 30 s per migration statement forbids at scale, PLATFORM.md):
//   legacy_statement_index  (store_id, kind, value, seq, usage): the old query index, StatementRef copies included
//   legacy_statement_refs   (store_id, target_id, seq): the old StatementRef table
//   legacy_rollup_daily     the old counters (the aggregators recount into the new table from cursor 0)
// Storage verbs that move them in bounded chunks, each ONE D1 batch (one transaction) that reads its own range
// and deletes what it moved: a chunk repeated after a crash finds its rows gone and does nothing, two runs at once
// (the backfill job, an erasure driving its store first) only share the work. Rows whose statement is gone, or
// whose store is gone or being deleted, are deleted without being moved (a deletion job already passed the new
// tables, or will). The conversion is the one the first version of migration 0010 ran over the whole table.
import { ROLE, VALUE_KIND } from "./statement-index";

export const LEGACY_TABLES = ["legacy_statement_refs", "legacy_statement_index", "legacy_rollup_daily"] as const;
export type LegacyTable = (typeof LEGACY_TABLES)[number];

/** Legacy index rows per chunk: one chunk is one batch of seeks over about this many rows (D1: 30 s per batch). */
export const INDEX_ROWS_PER_CHUNK = 4000;
/** StatementRef and rollup rows per chunk. */
export const ROWS_PER_CHUNK = 4000;

/** The legacy tables still present in this database (an upgraded-before or finished deployment has none). */
export async function legacyTablesOf(db: D1Database): Promise<Set<LegacyTable>> {
  const { results } = await db
    .prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN (${LEGACY_TABLES.map(() => "?").join(", ")})`)
    .bind(...LEGACY_TABLES)
    .all<{ name: LegacyTable }>();
  return new Set(results.map((row) => row.name));
}

/** The smallest store id with rows left in the legacy index or StatementRef tables (primary-key seeks). */
export function nextLegacyStoreSql(tables: ReadonlySet<LegacyTable>): string | undefined {
  const parts = (["legacy_statement_refs", "legacy_statement_index"] as const)
    .filter((table) => tables.has(table))
    .map((table) => `(SELECT min(store_id) FROM ${table})`);
  if (parts.length === 0) return undefined;
  // The aggregate min() skips an empty table's NULL (the two-argument min() would return NULL). `refs`: whether
  // the store has StatementRef rows left, so a step does not spend a call finding none.
  const refs = tables.has("legacy_statement_refs")
    ? "EXISTS (SELECT 1 FROM legacy_statement_refs WHERE store_id = n.store_id)"
    : "0";
  return `SELECT n.store_id AS store_id, ${refs} AS refs FROM (SELECT min(store_id) AS store_id FROM (${parts
    .map((p) => `SELECT ${p} AS store_id`)
    .join(" UNION ALL ")})) AS n`;
}

// ?1 is the store in every statement below.
/** The store is live: it exists and no deletion job is queued or running for it. */
const STORE_LIVE = `EXISTS (SELECT 1 FROM stores WHERE id = ?1)
  AND NOT EXISTS (SELECT 1 FROM jobs WHERE store_id = ?1 AND kind = 'store-deletion' AND state IN ('queued', 'running'))`;

/** The chunk's seq range: from the store's lowest legacy seq to the seq of its ?2-th row, whole statements. */
const CHUNK_LOW = `(SELECT min(seq) FROM legacy_statement_index INDEXED BY statement_index_seq WHERE store_id = ?1)`;
const CHUNK_HIGH = `coalesce((SELECT seq FROM legacy_statement_index INDEXED BY statement_index_seq WHERE store_id = ?1
  ORDER BY seq LIMIT 1 OFFSET ?2 - 1), (SELECT max(seq) FROM legacy_statement_index INDEXED BY statement_index_seq WHERE store_id = ?1))`;

const KIND = `CASE l.kind WHEN 'agent' THEN ${VALUE_KIND.agent} WHEN 'related_agent' THEN ${VALUE_KIND.agent}
  WHEN 'activity' THEN ${VALUE_KIND.activity} WHEN 'related_activity' THEN ${VALUE_KIND.activity}
  WHEN 'verb' THEN ${VALUE_KIND.verb} ELSE ${VALUE_KIND.registration} END`;
/** Rows only copied from a StatementRef's target are dropped: StatementRef filters are answered at query time. */
const OWN_ROW = `replace(',' || l.usage || ',', ',statementref,', ',') <> ','`;
/** The chunk's rows that move: their own, of a statement still in the store, of a live store. */
const MOVING = `l.store_id = ?1 AND l.seq BETWEEN ${CHUNK_LOW} AND ${CHUNK_HIGH} AND ${OWN_ROW}
  AND EXISTS (SELECT 1 FROM statements s WHERE s.seq = l.seq AND s.store_id = ?1) AND ${STORE_LIVE}`;

const INDEX_VALUES_SQL = `
INSERT INTO index_values (store_id, kind, value)
SELECT DISTINCT ?1, ${KIND}, l.value FROM legacy_statement_index AS l WHERE ${MOVING}
ON CONFLICT (store_id, kind, value) DO NOTHING`;

// Roles from the usages (statement-index.ts ROLE): direct for the plain kinds, mentioned for any usage but the
// authority's, authority for the authority. One row per (value, seq) whatever the number of kinds and usages.
const INDEX_ENTRIES_SQL = `
INSERT INTO index_entries (value_id, seq, roles)
SELECT v.id, o.seq, max(o.direct) | max(o.mentioned) | max(o.authority)
FROM (
  SELECT l.seq AS seq, l.value AS value, ${KIND} AS kind,
    CASE WHEN l.kind IN ('agent', 'activity', 'verb', 'registration') THEN ${ROLE.direct} ELSE 0 END AS direct,
    CASE WHEN replace(replace(',' || l.usage || ',', ',statementref,', ','), ',authority,', ',') <> ','
      THEN ${ROLE.mentioned} ELSE 0 END AS mentioned,
    CASE WHEN instr(',' || l.usage || ',', ',authority,') > 0 THEN ${ROLE.authority} ELSE 0 END AS authority
  FROM legacy_statement_index AS l WHERE ${MOVING}
) AS o
CROSS JOIN index_values AS v ON v.store_id = ?1 AND v.kind = o.kind AND v.value = o.value
WHERE true
GROUP BY v.id, o.seq
ON CONFLICT (value_id, seq) DO UPDATE SET roles = roles | excluded.roles`;

const INDEX_DELETE_SQL = `
DELETE FROM legacy_statement_index WHERE store_id = ?1 AND seq BETWEEN ${CHUNK_LOW} AND ${CHUNK_HIGH}`;

/** Moves the store's next chunk of legacy index rows (whole statements); the legacy rows it removed (0: none left). */
export async function moveIndexChunk(db: D1Database, storeId: string, rows = INDEX_ROWS_PER_CHUNK): Promise<number> {
  const results = await db.batch([
    db.prepare(INDEX_VALUES_SQL).bind(storeId, rows),
    db.prepare(INDEX_ENTRIES_SQL).bind(storeId, rows),
    db.prepare(INDEX_DELETE_SQL).bind(storeId, rows),
  ]);
  return results[2]!.meta.changes ?? 0;
}

const REFS_CHUNK = `SELECT rowid FROM legacy_statement_refs WHERE store_id = ?1 LIMIT ?2`;
const REFS_INSERT_SQL = `
INSERT INTO statement_refs (store_id, seq, target_id)
SELECT ?1, r.seq, r.target_id FROM legacy_statement_refs AS r WHERE r.rowid IN (${REFS_CHUNK})
  AND EXISTS (SELECT 1 FROM statements s WHERE s.seq = r.seq AND s.store_id = ?1) AND ${STORE_LIVE}
ON CONFLICT (store_id, seq) DO NOTHING`;
const REFS_DELETE_SQL = `DELETE FROM legacy_statement_refs WHERE rowid IN (${REFS_CHUNK})`;

/** Moves the store's next chunk of legacy StatementRef rows; the rows it removed (0: none left). */
export async function moveRefsChunk(db: D1Database, storeId: string, rows = ROWS_PER_CHUNK): Promise<number> {
  const results = await db.batch([
    db.prepare(REFS_INSERT_SQL).bind(storeId, rows),
    db.prepare(REFS_DELETE_SQL).bind(storeId, rows),
  ]);
  return results[1]!.meta.changes ?? 0;
}

/** Deletes a chunk of the old counters (recounted from the statements instead); the rows deleted. */
export async function deleteRollupChunk(db: D1Database, rows = ROWS_PER_CHUNK): Promise<number> {
  const result = await db
    .prepare("DELETE FROM legacy_rollup_daily WHERE rowid IN (SELECT rowid FROM legacy_rollup_daily LIMIT ?1)")
    .bind(rows)
    .run();
  return result.meta.changes ?? 0;
}

/** Which of `tables` still hold rows (one call). */
export async function nonEmptyLegacyTables(db: D1Database, tables: readonly LegacyTable[]): Promise<LegacyTable[]> {
  if (tables.length === 0) return [];
  const row = await db
    .prepare(`SELECT ${tables.map((t) => `EXISTS (SELECT 1 FROM ${t}) AS "${t}"`).join(", ")}`)
    .first<Record<LegacyTable, number>>();
  return tables.filter((t) => row?.[t] === 1);
}

/** Drops legacy tables found empty (an empty table frees a page or two; its indexes go with it). */
export async function dropLegacyTables(db: D1Database, tables: readonly LegacyTable[]): Promise<void> {
  if (tables.length > 0) await db.batch(tables.map((t) => db.prepare(`DROP TABLE IF EXISTS ${t}`)));
}

/** Upper bounds of the rows left (the tables' highest rowid: one seek each), for the job's progress. */
export async function legacyRowsBound(db: D1Database, tables: ReadonlySet<LegacyTable>): Promise<number> {
  const present = [...tables];
  if (present.length === 0) return 0;
  const row = await db
    .prepare(`SELECT ${present.map((t) => `coalesce((SELECT max(rowid) FROM ${t}), 0)`).join(" + ")} AS n`)
    .first<{ n: number }>();
  return row?.n ?? 0;
}

/**
 * Moves one store's legacy StatementRef and index rows, chunk by chunk, while `take()` allows a call (one per
 * chunk); true once none is left. What an erasure runs first (an erasure finds statements through the new index).
 */
export async function backfillStore(
  db: D1Database,
  tables: ReadonlySet<LegacyTable>,
  storeId: string,
  take: () => boolean,
  moved: { statementRefs: number; indexRows: number } = { statementRefs: 0, indexRows: 0 },
  rows: { refs?: number; index?: number; noRefs?: boolean } = {},
): Promise<boolean> {
  if (tables.has("legacy_statement_refs") && !rows.noRefs) {
    for (;;) {
      if (!take()) return false;
      const n = await moveRefsChunk(db, storeId, rows.refs);
      moved.statementRefs += n;
      // A short chunk was the last one.
      if (n < (rows.refs ?? ROWS_PER_CHUNK)) break;
    }
  }
  if (tables.has("legacy_statement_index")) {
    for (;;) {
      if (!take()) return false;
      const n = await moveIndexChunk(db, storeId, rows.index);
      moved.indexRows += n;
      if (n < (rows.index ?? INDEX_ROWS_PER_CHUNK)) break;
    }
  }
  return true;
}

/**
 * Moves the store's legacy rows before anything that finds statements through the new index only (an erasure
 * must see every statement naming the person); true once none is left. One call more than backfillStore.
 */
export async function backfillStoreFirst(db: D1Database, storeId: string, take: () => boolean): Promise<boolean> {
  if (!take()) return false;
  return backfillStore(db, await legacyTablesOf(db), storeId, take);
}
