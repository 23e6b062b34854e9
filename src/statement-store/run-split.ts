// Splitting the runs the upgrade made (migrations/0016: one per store and per credential, `spans` = 1, each over
// its key's whole history before runs existed) into exact ones, so that a store's walk over those statements stops
// reading other stores' rows (store-walk.ts). The upgrade backfill job (src/jobs/kinds/upgrade-backfill.ts) calls
// one chunk at a time. A chunk is a seq range read straight off the rowid, from the lowest spanning run on: its
// rows become exact runs (consecutive rows of one store, and of one store and credential), and every spanning
// run reaching into the range now starts after it, in ONE transaction. So at every moment a store's runs still
// cover its statements exactly once, and a chunk repeated after a crash finds its range already split.
//
// Only statements stored before the upgrade are in the range: its end never passes the highest spanning run, and
// every statement stored since has a higher seq (AUTOINCREMENT).

/** Rows (of every store) read per chunk: a bounded rowid range. */
export const SPLIT_ROWS = 2_000;

const NEXT_SQL = `
SELECT min(low) AS low, max(high) AS high FROM (
  SELECT min(first_seq) AS low, max(last_seq) AS high FROM statement_runs WHERE spans = 1
  UNION ALL SELECT min(first_seq), max(last_seq) FROM credential_runs WHERE spans = 1)`;

// ?1 the chunk's first seq, ?2 its last: the rows there, each with its island (consecutive rows of one key).
const ISLANDS = (key: string) => `(
  SELECT ${key}, min(seq) AS first_seq, max(seq) AS last_seq FROM (
    SELECT seq, ${key}, row_number() OVER (ORDER BY seq) - row_number() OVER (PARTITION BY ${key} ORDER BY seq) AS island
    FROM statements NOT INDEXED WHERE seq BETWEEN ?1 AND ?2)
  GROUP BY ${key}, island)`;

/** The chunk's statements, in this order: spanning runs moved past ?2, then the exact runs inserted. */
const SPLIT_SQL = (table: "statement_runs" | "credential_runs", key: string) => [
  `INSERT INTO ${table} (${key}, first_seq, last_seq, spans)
   SELECT ${key}, ?2 + 1, last_seq, 1 FROM ${table} WHERE spans = 1 AND first_seq <= ?2 AND last_seq > ?2`,
  `DELETE FROM ${table} WHERE spans = 1 AND first_seq <= ?2`,
  `INSERT INTO ${table} (${key}, first_seq, last_seq, spans)
   SELECT ${key}, first_seq, last_seq, 0 FROM ${ISLANDS(key)} WHERE ${key.split(", ").map((k) => `${k} IS NOT NULL`).join(" AND ")}`,
];

const STATEMENTS = [...SPLIT_SQL("statement_runs", "store_id"), ...SPLIT_SQL("credential_runs", "store_id, credential_id")];

/** Splits the next chunk; the seqs it covered, or 0 once no spanning run is left. */
export async function splitSpanningRunsChunk(db: D1Database, rows = SPLIT_ROWS): Promise<number> {
  const next = await db.prepare(NEXT_SQL).first<{ low: number | null; high: number | null }>();
  if (next?.low == null) return 0;
  const end = Math.min(next.low + rows - 1, next.high ?? next.low);
  await db.batch(STATEMENTS.map((sql) => db.prepare(sql).bind(next.low, end)));
  return end - next.low + 1;
}

/** Whether spanning runs are left (a seek on the partial index), for the cron that starts the job. */
export async function hasSpanningRuns(db: D1Database): Promise<boolean> {
  const row = await db.prepare("SELECT EXISTS (SELECT 1 FROM statement_runs WHERE spans = 1) AS left").first<{ left: number }>();
  return row?.left === 1;
}
