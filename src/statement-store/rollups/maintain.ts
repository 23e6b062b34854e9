// Keeping rollup_counts in step when statements already counted leave the record: each function returns D1
// statements to run in the SAME batch (one transaction) as the voiding or erasure they account for, so a refused
// or failed batch changes no count. New statements are counted later, off the request path, by the store's
// aggregator (aggregate.ts): a statement is counted iff its seq <= the store's cursor and it was not voided when
// the cursor passed it. So only those are subtracted; one the cursor has not reached yet is simply never counted.
import { chunkJsonArrays } from "../../xapi/statements/json-chunks";
import { VALUE_KIND } from "../statement-index";
import { CURSOR } from "./aggregate";
import { DIMENSION_CODE } from "./dimensions";
import { rollupDeltaSql, zeroedRowsSql } from "./statement-keys";

/** Counted: reached by the cursor and not voided (statement-keys.ts selects by `s`). */
const COUNTED = `s.voided = 0 AND s.seq <= ${CURSOR}`;

// Runs BEFORE the voided flags are set: the earlier statements this batch voids, while still counted.
// The same guard as MARK_VOIDED_SQL (not voided yet, not itself a voiding statement) decides what gets voided.
const SUBTRACT_VOIDED_WHERE = `FROM statements s WHERE s.store_id = ?1 AND s.id IN (SELECT value FROM json_each(?2)) AND s.voids_id IS NULL AND ${COUNTED}`;
export const SUBTRACT_VOIDED_SQL = rollupDeltaSql(SUBTRACT_VOIDED_WHERE, -1);
export const SUBTRACT_VOIDED_ZEROED_SQL = zeroedRowsSql(SUBTRACT_VOIDED_WHERE);

// Runs before the statements are deleted; voided ones were subtracted when they were voided (or never counted).
// By rowid (NOT INDEXED: the (store_id, id) index would walk the whole store).
const SUBTRACT_ERASED_WHERE = `FROM statements s NOT INDEXED WHERE s.store_id = ?1 AND s.seq IN (SELECT value FROM json_each(?2)) AND ${COUNTED}`;
export const SUBTRACT_ERASED_SQL = rollupDeltaSql(SUBTRACT_ERASED_WHERE, -1);
export const SUBTRACT_ERASED_ZEROED_SQL = zeroedRowsSql(SUBTRACT_ERASED_WHERE);

/** A subtraction and the deletion of the rows it brought to 0, over the same selection. */
const subtract = (db: D1Database, sql: string, zeroed: string, storeId: string, chunk: string) => [
  db.prepare(sql).bind(storeId, chunk),
  db.prepare(zeroed).bind(storeId, chunk),
];

type NewStatement = { id: string; voidsId?: string };

/**
 * Uncounts statements stored before this batch that its voiding statements target, if the aggregator counted
 * them; place before the voided flags are updated. Targets inside the batch are past the cursor: never counted.
 */
export function rollupVoided(db: D1Database, storeId: string, statements: readonly NewStatement[]) {
  const inBatch = new Set(statements.map((s) => s.id));
  const targets = [...new Set(statements.flatMap((s) => (s.voidsId && !inBatch.has(s.voidsId) ? [s.voidsId] : [])))];
  return chunkJsonArrays(targets).flatMap((chunk) =>
    subtract(db, SUBTRACT_VOIDED_SQL, SUBTRACT_VOIDED_ZEROED_SQL, storeId, chunk),
  );
}

/** Uncounts the counted ones among statements about to be deleted by seq (erasure); place before their DELETE. */
export function rollupErased(db: D1Database, storeId: string, seqs: readonly number[]) {
  return chunkJsonArrays([...seqs]).flatMap((chunk) =>
    subtract(db, SUBTRACT_ERASED_SQL, SUBTRACT_ERASED_ZEROED_SQL, storeId, chunk),
  );
}

// Rows naming the agent whose statements are all gone (count 0): learner, learner_activity (the agent is `a`), and
// activity_learner found through learner_activity (same day, parts swapped), so every DELETE is a seek. The agent
// is its dictionary id (?2 its key), read before erasure forgets the key (src/admin/erasure.ts).
const AGENT_ID = `(SELECT id FROM index_values WHERE store_id = ?1 AND kind = ${VALUE_KIND.agent} AND value = ?2)`;
export const FORGET_ACTIVITY_LEARNER_SQL = `
DELETE FROM rollup_counts WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.activity_learner} AND count <= 0
  AND (day, a, b) IN (
    SELECT day, b, a FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.learner_activity} AND a = ${AGENT_ID})`;
export const FORGET_LEARNER_ACTIVITY_SQL = `
DELETE FROM rollup_counts WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.learner_activity} AND count <= 0
  AND a = ${AGENT_ID}`;
export const FORGET_LEARNER_SQL = `
DELETE FROM rollup_counts WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.learner} AND a = ${AGENT_ID}
  AND count <= 0`;

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
