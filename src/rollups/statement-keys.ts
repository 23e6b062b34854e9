// The rollup keys of stored statements, derived in SQL from their rows (schema.ts rollup_daily), for every
// change of a count, inside the D1 batch that causes it: the aggregator counting a page of new statements
// (aggregate.ts), older statements voided by a voiding statement of an ingest batch, erased statements, a
// rebuild. One definition, in SQL, so what is added and what is taken away agree by construction. The learner key
// repeats agents/identifier.ts agentKey() in SQL (test/rollups/expected.ts checks it against a JS definition).
//
// Voiding statements (1.0.3 Data 2.3.2; 9274.1.1 4.2.5) are statements the Statements resource returns, so
// they count in `total` and under their verb; they are a correction of the record, not learning, so they add
// nothing to learner, activity, score or completion counts. Voided statements count nowhere.

const ACTOR = "s.statement -> '$.actor'";

/** agentKey() of the actor: mbox, mbox_sha1sum (lower-cased), openid, account; NULL without an IFI. */
const LEARNER = `CASE
  WHEN json_type(${ACTOR}, '$.mbox') = 'text' THEN 'mbox:' || (${ACTOR} ->> '$.mbox')
  WHEN json_type(${ACTOR}, '$.mbox_sha1sum') = 'text' THEN 'mbox_sha1sum:' || lower(${ACTOR} ->> '$.mbox_sha1sum')
  WHEN json_type(${ACTOR}, '$.openid') = 'text' THEN 'openid:' || (${ACTOR} ->> '$.openid')
  WHEN json_type(${ACTOR}, '$.account.homePage') = 'text' AND json_type(${ACTOR}, '$.account.name') = 'text'
    THEN 'account:' || (${ACTOR} ->> '$.account.homePage') || ' ' || (${ACTOR} ->> '$.account.name')
END`;

const SCORE = "s.statement -> '$.result.score'";
const NUMERIC = "IN ('integer', 'real')";

/** result.score.scaled, or raw placed within min..max when scaled is absent; NULL when neither is known. */
const SCALED = `CASE
  WHEN json_type(${SCORE}, '$.scaled') ${NUMERIC} THEN ${SCORE} ->> '$.scaled'
  WHEN json_type(${SCORE}, '$.raw') ${NUMERIC} AND json_type(${SCORE}, '$.min') ${NUMERIC}
    AND json_type(${SCORE}, '$.max') ${NUMERIC} AND (${SCORE} ->> '$.max') > (${SCORE} ->> '$.min')
    THEN ((${SCORE} ->> '$.raw') - (${SCORE} ->> '$.min')) * 1.0 / ((${SCORE} ->> '$.max') - (${SCORE} ->> '$.min'))
END`;

/** Bucket 0..9 of width 0.1, scores below 0 in 0 and 1.0 in 9 (CAST truncates; the value is >= 0 there). */
const BUCKET = `CAST(min(9, CAST(max(0.0, sc.scaled) * 10 AS INTEGER)) AS TEXT)`;

// Per statement, the parts its keys are made of, computed once (MATERIALIZED keeps SQLite from re-deriving
// them for each of the key slots below).
const PARTS = (where: string) => `parts AS MATERIALIZED (
  SELECT date(s.stored_ms / 1000, 'unixepoch') AS day, strftime('%H', s.stored_ms / 1000, 'unixepoch') AS hour,
    s.verb_id AS verb, s.voids_id IS NULL AS counted,
    CASE WHEN coalesce(s.statement ->> '$.object.objectType', 'Activity') = 'Activity'
      THEN s.statement ->> '$.object.id' END AS activity,
    ${LEARNER} AS learner,
    (SELECT ${BUCKET} FROM (SELECT ${SCALED} AS scaled) sc) AS bucket,
    CASE json_type(s.statement, '$.result.completion') WHEN 'true' THEN 'completed' WHEN 'false' THEN 'incomplete'
    END AS completion,
    CASE json_type(s.statement, '$.result.success') WHEN 'true' THEN 'passed' WHEN 'false' THEN 'failed'
    END AS success
  FROM statements s WHERE ${where})`;

/** [dimension, value expression over `parts` p]; a NULL value means the statement has no such key. */
const SLOTS: readonly [string, string][] = [
  ["total", "p.hour"],
  ["verb", "p.verb"],
  ["activity", "p.activity"],
  ["learner", "p.learner"],
  ["activity_learner", "p.activity || char(10) || p.learner"],
  ["learner_activity", "p.learner || char(10) || p.activity"],
  ["activity_score", "p.activity || char(10) || p.bucket"],
  ["score", "p.bucket"],
  ["activity_completion", "p.activity || char(10) || p.completion"],
  ["activity_completion", "p.activity || char(10) || p.success"],
  ["completion", "p.completion"],
  ["completion", "p.success"],
];
/** Slots a voiding statement counts in (see the header). */
const VOIDING_SLOTS = 2;

const SLOT_VALUES = SLOTS.map(([dimension], i) => `(${i}, '${dimension}')`).join(", ");
const SLOT_CASE = SLOTS.map(([, value], i) => `WHEN ${i} THEN ${value}`).join(" ");

const keyed = (where: string) => `WITH ${PARTS(where)},
keyed AS (
  SELECT d.column2 AS dimension, p.day AS day, CASE d.column1 ${SLOT_CASE} END AS value
  FROM parts p CROSS JOIN (VALUES ${SLOT_VALUES}) d
  WHERE p.counted OR d.column1 < ${VOIDING_SLOTS}
)`;

/**
 * SQL adding `sign` (+1 or -1) to every key of the statements `where` selects (alias `s`; ?1 is the store id,
 * which `where` must constrain). One upsert per call, grouped, so a batch of statements costs one statement.
 */
export function rollupDeltaSql(where: string, sign: 1 | -1): string {
  return `${keyed(where)}
INSERT INTO rollup_daily (store_id, dimension, day, value, count)
SELECT ?1, dimension, day, value, ${sign} * count(*) FROM keyed WHERE value IS NOT NULL
GROUP BY dimension, day, value
ON CONFLICT (store_id, dimension, day, value) DO UPDATE SET count = rollup_daily.count + excluded.count`;
}

/**
 * SQL deleting the rows of those keys that a subtraction brought to 0, so that no row holds 0: "a row exists"
 * then means "counted", and distinct counts (active learners) read the primary key alone.
 */
export function zeroedRowsSql(where: string): string {
  return `${keyed(where)}
DELETE FROM rollup_daily WHERE store_id = ?1 AND count <= 0
  AND (dimension, day, value) IN (SELECT dimension, day, value FROM keyed WHERE value IS NOT NULL)`;
}
