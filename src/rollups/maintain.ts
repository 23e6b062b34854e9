// Keeping rollup_daily in step with the statements table: each function returns D1 statements to run in the
// SAME batch (one transaction) as the change they account for, so a refused or failed batch changes no count.
import { chunkJsonArrays } from "../xapi/statements/json-chunks";
import type { Statement } from "../xapi/statements/statement";
import { summedKeys } from "./new-statement-keys";
import { rollupDeltaSql, zeroedRowsSql } from "./statement-keys";

// New statements are counted in three steps, placed after the voided flags are set for the batch
// (statement-rows.ts MARK_VOIDED_SQL). The common case: the Worker sums the keys (new-statement-keys.ts) and they land on
// the UTC day (and, for `total`, the hour) of the batch's `stored`, read from its first and last rows (stored
// grows with seq); when the batch straddles an hour boundary, that step adds nothing and the second derives
// each row's keys at its own hour. The third takes back statements already voided on arrival (their voiding
// statement came earlier or in the same batch), so a voided statement is never counted.
const HOUR_OF = (param: string) =>
  `(SELECT strftime('%Y-%m-%d %H', stored_ms / 1000, 'unixepoch') FROM statements WHERE store_id = ?1 AND id = ${param})`;

export const ADD_SUMMED_SQL = `
INSERT INTO rollup_daily (store_id, dimension, day, value, count)
SELECT ?1, j.value ->> 0, substr(h.hour, 1, 10),
  CASE WHEN j.value ->> 0 = 'total' THEN substr(h.hour, 12, 2) ELSE j.value ->> 1 END, j.value ->> 2
FROM (SELECT ${HOUR_OF("?3")} AS hour WHERE ${HOUR_OF("?2")} = ${HOUR_OF("?3")}) h CROSS JOIN json_each(?4) j WHERE true
ON CONFLICT (store_id, dimension, day, value) DO UPDATE SET count = rollup_daily.count + excluded.count`;

export const ADD_ACROSS_HOURS_SQL = rollupDeltaSql(
  `s.store_id = ?1 AND s.id IN (SELECT value FROM json_each(?2)) AND ${HOUR_OF("?3")} <> ${HOUR_OF("?4")}`,
  1,
);

const SUBTRACT_VOIDED_ON_ARRIVAL_WHERE =
  "s.store_id = ?1 AND s.id IN (SELECT value FROM json_each(?2)) AND s.voided = 1";
export const SUBTRACT_VOIDED_ON_ARRIVAL_SQL = rollupDeltaSql(SUBTRACT_VOIDED_ON_ARRIVAL_WHERE, -1);
export const SUBTRACT_VOIDED_ON_ARRIVAL_ZEROED_SQL = zeroedRowsSql(SUBTRACT_VOIDED_ON_ARRIVAL_WHERE);

// Runs BEFORE the voided flags are set: the earlier statements this batch voids, while still counted.
// The same guard as MARK_VOIDED_SQL (not voided yet, not itself a voiding statement) decides what gets voided.
const SUBTRACT_VOIDED_WHERE =
  "s.store_id = ?1 AND s.id IN (SELECT value FROM json_each(?2)) AND s.voided = 0 AND s.voids_id IS NULL";
export const SUBTRACT_VOIDED_SQL = rollupDeltaSql(SUBTRACT_VOIDED_WHERE, -1);
export const SUBTRACT_VOIDED_ZEROED_SQL = zeroedRowsSql(SUBTRACT_VOIDED_WHERE);

// Runs before the statements are deleted; voided ones were subtracted when they were voided.
const SUBTRACT_ERASED_WHERE =
  "s.store_id = ?1 AND s.seq IN (SELECT value FROM json_each(?2)) AND s.voided = 0";
export const SUBTRACT_ERASED_SQL = rollupDeltaSql(SUBTRACT_ERASED_WHERE, -1);
export const SUBTRACT_ERASED_ZEROED_SQL = zeroedRowsSql(SUBTRACT_ERASED_WHERE);

/** A subtraction and the deletion of the rows it brought to 0, over the same selection. */
const subtract = (db: D1Database, sql: string, zeroed: string, storeId: string, chunk: string) => [
  db.prepare(sql).bind(storeId, chunk),
  db.prepare(zeroed).bind(storeId, chunk),
];

type NewStatement = { id: string; voidsId?: string };

type InsertedStatement = NewStatement & { statement: Statement };

/** Counts the batch's new statements (in insertion order); place after the voided flags are updated. */
export function rollupInserted(db: D1Database, storeId: string, statements: readonly InsertedStatement[]) {
  if (statements.length === 0) return [];
  const first = statements[0]!.id;
  const last = statements[statements.length - 1]!.id;
  const ids = chunkJsonArrays(statements.map((s) => s.id));
  return [
    ...chunkJsonArrays(summedKeys(statements)).map((chunk) =>
      db.prepare(ADD_SUMMED_SQL).bind(storeId, first, last, chunk),
    ),
    ...ids.map((chunk) => db.prepare(ADD_ACROSS_HOURS_SQL).bind(storeId, chunk, first, last)),
    ...ids.flatMap((chunk) =>
      subtract(db, SUBTRACT_VOIDED_ON_ARRIVAL_SQL, SUBTRACT_VOIDED_ON_ARRIVAL_ZEROED_SQL, storeId, chunk),
    ),
  ];
}

/**
 * Uncounts statements stored before this batch that its voiding statements target; place before the voided
 * flags are updated. Targets inside the batch are simply never counted (rollupInserted).
 */
export function rollupVoided(db: D1Database, storeId: string, statements: readonly NewStatement[]) {
  const inBatch = new Set(statements.map((s) => s.id));
  const targets = [...new Set(statements.flatMap((s) => (s.voidsId && !inBatch.has(s.voidsId) ? [s.voidsId] : [])))];
  return chunkJsonArrays(targets).flatMap((chunk) =>
    subtract(db, SUBTRACT_VOIDED_SQL, SUBTRACT_VOIDED_ZEROED_SQL, storeId, chunk),
  );
}

/** Uncounts statements about to be deleted by seq (erasure); place before their DELETE. */
export function rollupErased(db: D1Database, storeId: string, seqs: readonly number[]) {
  return chunkJsonArrays([...seqs]).flatMap((chunk) =>
    subtract(db, SUBTRACT_ERASED_SQL, SUBTRACT_ERASED_ZEROED_SQL, storeId, chunk),
  );
}

// Rows naming the agent whose statements are all gone (count 0): learner, learner_activity by value prefix,
// and activity_learner found through learner_activity (same day, parts swapped), so every DELETE is a seek.
export const FORGET_ACTIVITY_LEARNER_SQL = `
DELETE FROM rollup_daily WHERE store_id = ?1 AND dimension = 'activity_learner' AND count <= 0
  AND (day, value) IN (
    SELECT day, substr(value, length(?2) + 2) || char(10) || ?2 FROM rollup_daily
    WHERE store_id = ?1 AND dimension = 'learner_activity' AND value >= ?2 || char(10) AND value < ?2 || char(11))`;
export const FORGET_LEARNER_ACTIVITY_SQL = `
DELETE FROM rollup_daily WHERE store_id = ?1 AND dimension = 'learner_activity' AND count <= 0
  AND value >= ?2 || char(10) AND value < ?2 || char(11)`;
export const FORGET_LEARNER_SQL = `
DELETE FROM rollup_daily WHERE store_id = ?1 AND dimension = 'learner' AND value = ?2 AND count <= 0`;

/**
 * Erasure (GDPR art. 17) leaves no agent key behind: once the agent's statements are erased (their counts
 * subtracted by rollupErased), the rows still naming the agent hold 0 and are deleted. Rows still counting a
 * statement (one accepted while the erasure ran) stay, with that statement, until the erasure is repeated.
 */
export async function forgetAgentRollups(db: D1Database, storeId: string, agentKey: string): Promise<void> {
  await db.batch(
    [FORGET_ACTIVITY_LEARNER_SQL, FORGET_LEARNER_ACTIVITY_SQL, FORGET_LEARNER_SQL].map((sql) =>
      db.prepare(sql).bind(storeId, agentKey),
    ),
  );
}
