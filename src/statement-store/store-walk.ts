// Walking one store's statements in seq order. Each accepted batch's statements take consecutive seqs (one INSERT
// inside one transaction, nothing interleaves), so the batch writes ONE row in `statement_runs` (store, first_seq,
// last_seq) and one in `credential_runs`, where a (store_id, seq) and a (store_id, credential_id, seq) index would
// each write one entry per statement (D1 bills each as a row written, and keeps ~60 bytes). A walk seeks the
// runs, then reads each run's seq range straight off the statements table's rowid.
//
// A run may hold other stores' statements: the one per store (and per credential) the upgrade made for the rows
// stored before runs existed (migrations/0016) spans the store's whole history then, until the upgrade backfill
// job splits it (run-split.ts). So every walk also checks the row's own store (and credential), and a run of one
// store alone costs nothing more.

/** Where a walk reads, as SQL expressions (columns, `?n` parameters or scalar subqueries; each may appear more than once). */
export type WalkRange = {
  /** The store (an expression: "?1", "st.id"). */
  store: string;
  /** Lowest seq wanted, inclusive. */
  from?: string;
  /** Highest seq wanted, inclusive. */
  through?: string;
  /** Only statements this credential wrote (`statements/read/mine`): walks credential_runs. */
  credential?: string;
};

const MAX_SEQ = "9007199254740991";

/**
 * `FROM … WHERE …` of the walk: the statement row is `s` (the run `r`); a caller appends `AND` conditions, then
 * `ORDER BY ${walkOrder(…)}`. Both seeks are on primary keys: runs by (store[, credential], first_seq), the rows
 * by rowid.
 */
export function walkFrom(range: WalkRange): string {
  const runs = range.credential === undefined ? "statement_runs" : "credential_runs";
  const key = (alias: string) => [
    `${alias}.store_id = ${range.store}`,
    ...(range.credential === undefined ? [] : [`${alias}.credential_id = ${range.credential}`]),
  ];
  const where = key("r");
  if (range.from !== undefined) {
    // From the run holding `from` (the last to start at or before it): a seek, whichever the direction.
    const start = allOf([...key("q"), `q.first_seq <= ${range.from}`]);
    where.push(`r.first_seq >= coalesce((SELECT max(q.first_seq) FROM ${runs} AS q WHERE ${start}), 0)`);
    where.push(`r.last_seq >= ${range.from}`);
  }
  if (range.through !== undefined) where.push(`r.first_seq <= ${range.through}`);
  const row = [`s.store_id = ${range.store}`];
  if (range.credential !== undefined) row.push(`${rowCredentialSql("s")} = ${range.credential}`);
  const low = range.from === undefined ? "r.first_seq" : `max(r.first_seq, ${range.from})`;
  const high = range.through === undefined ? "r.last_seq" : `min(r.last_seq, ${range.through})`;
  return (
    `FROM ${runs} AS r CROSS JOIN statements AS s NOT INDEXED ON ${allOf([`s.seq BETWEEN ${low} AND ${high}`, ...row])} ` +
    `WHERE ${allOf(where)}`
  );
}

/**
 * `terms` joined by AND as a balanced tree: D1 caps an expression's depth at 100 (SQLITE_MAX_EXPR_DEPTH), and a
 * chain `a AND b AND …` is as deep as it is long, on top of every subquery nested in it.
 */
export function allOf(terms: readonly string[]): string {
  if (terms.length <= 2) return terms.join(" AND ");
  const half = Math.ceil(terms.length / 2);
  return `(${allOf(terms.slice(0, half))}) AND (${allOf(terms.slice(half))})`;
}

/**
 * The credential that wrote the statement row `alias`: its batch's run holds it (one copy per batch, not ~40 bytes
 * on every row); a statement stored before runs existed has it in its own column (its run spans several).
 */
export function rowCredentialSql(alias: string): string {
  return (
    `coalesce(${alias}.credential_id, (SELECT q.credential_id FROM statement_runs AS q ` +
    `WHERE q.store_id = ${alias}.store_id AND q.first_seq <= ${alias}.seq ORDER BY q.first_seq DESC LIMIT 1))`
  );
}

/** The walk's order (runs do not overlap, so run order then seq is seq order, with no sort). */
export function walkOrder(descending = false): string {
  const direction = descending ? "DESC" : "ASC";
  return `r.first_seq ${direction}, s.seq ${direction}`;
}

/** A scalar subquery: the store's first (or last) statement's `column` within the range; NULL when none is. */
export function walkEnd(range: WalkRange, column: string, last = false): string {
  return `(SELECT s.${column} ${walkFrom(range)} ORDER BY ${walkOrder(last)} LIMIT 1)`;
}

/** SQL true when the range holds a statement of the store. */
export function walkHasAny(range: WalkRange): string {
  return `EXISTS (SELECT 1 ${walkFrom(range)})`;
}

/** The largest seq a range may name (JavaScript's safe integer limit: seqs travel as numbers). */
export const WALK_MAX_SEQ = MAX_SEQ;

// The runs of one accepted batch: ?1 the store, ?2 its first statement's id, ?3 its last one's, ?4 the credential.
// One INSERT after another in one transaction gave its statements consecutive seqs in the batch's order (and every
// id is new: a stored one fails the insert), so the first and last ids' seqs bound exactly the batch: two seeks,
// whatever the batch's size.
const BATCH_SEQS = `FROM statements AS f CROSS JOIN statements AS l
WHERE f.store_id = ?1 AND f.id = ?2 AND l.store_id = ?1 AND l.id = ?3`;

export const INSERT_STATEMENT_RUN_SQL = `
INSERT INTO statement_runs (store_id, first_seq, last_seq, credential_id) SELECT ?1, f.seq, l.seq, ?4 ${BATCH_SEQS}`;

export const INSERT_CREDENTIAL_RUN_SQL = `
INSERT INTO credential_runs (store_id, credential_id, first_seq, last_seq) SELECT ?1, ?4, f.seq, l.seq ${BATCH_SEQS}`;
