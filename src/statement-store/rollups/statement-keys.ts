// The rollup keys of stored statements, derived in SQL from their rows (schema.ts rollup_counts), for every
// change of a count, inside the D1 batch that causes it: the aggregator counting a page of new statements
// (aggregate.ts), older statements voided by a voiding statement of an ingest batch, erased statements, a
// rebuild. One definition, in SQL, so what is added and what is taken away agree by construction. The learner key
// repeats agents/identifier.ts agentKey() in SQL (test/rollups/expected.ts checks it against a JS definition).
// Verb, activity and learner become their ids in the query index's dictionary (index_values), which holds every
// one of them: ingest interns the verb, the object activity and the actor's key of each statement it stores.
//
// Voiding statements (1.0.3 Data 2.3.2; 9274.1.1 4.2.5) are statements the Statements resource returns, so
// they count in `total` and under their verb; they are a correction of the record, not learning, so they add
// nothing to learner, activity, score or completion counts. Voided statements count nowhere.

import { VALUE_KIND } from "../statement-index";
import { DIMENSION_CODE, type Dimension, type Outcome, outcomeCode } from "./dimensions";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

// Every stored statement passed validation (src/xapi/statements/validation/), so a property read here has its one
// valid JSON type whenever it is present: an absent one reads as NULL through `->>`, and NULL propagates through
// `||` and arithmetic, so no JSON type is checked. Each path starts at the statement, not at the actor or the
// score extracted as JSON text first.
const at = (path: string) => `(s.statement ->> '$.${path}')`;

/** agentKey() of the actor: mbox, mbox_sha1sum (lower-cased), openid, account; NULL without an IFI. */
const LEARNER = `coalesce('mbox:' || ${at("actor.mbox")}, 'mbox_sha1sum:' || lower(${at("actor.mbox_sha1sum")}),
  'openid:' || ${at("actor.openid")}, 'account:' || ${at("actor.account.homePage")} || ' ' || ${at("actor.account.name")})`;

/** result.score.scaled, or raw placed within min..max when scaled is absent; NULL when neither is known. */
const SCALED = `coalesce(${at("result.score.scaled")}, CASE WHEN ${at("result.score.max")} > ${at("result.score.min")}
  THEN (${at("result.score.raw")} - ${at("result.score.min")}) * 1.0 / (${at("result.score.max")} - ${at("result.score.min")}) END)`;

/** Bucket 0..9 of width 0.1, scores below 0 in 0 and 1.0 in 9 (CAST truncates; the value is >= 0 there). */
const BUCKET = `min(9, CAST(max(0.0, sc.scaled) * 10 AS INTEGER))`;

/** The dictionary id of a value of `kind` (a primary-key seek on index_values_store_kind_value). */
const valueId = (kind: number, value: string) =>
  `(SELECT v.id FROM index_values v WHERE v.store_id = ?1 AND v.kind = ${kind} AND v.value = ${value})`;

/** A JSON boolean reads as 1 or 0 through `->>`. */
const outcome = (path: string, yes: Outcome, no: Outcome) =>
  `CASE ${at(path)} WHEN 1 THEN ${outcomeCode(yes)} WHEN 0 THEN ${outcomeCode(no)} END`;

const ACTIVITY = `CASE WHEN coalesce(s.statement ->> '$.object.objectType', 'Activity') = 'Activity'
  THEN s.statement ->> '$.object.id' END`;
const BUCKET_OF_ROW = `(SELECT ${BUCKET} FROM (SELECT ${SCALED} AS scaled) sc)`;
const COMPLETION = outcome("result.completion", "completed", "incomplete");
const SUCCESS = outcome("result.success", "passed", "failed");

/**
 * The keys of an untiered row `s` (?1 its store) as a tiered row keeps them (src/statement-store/tiering/
 * tiered-row.ts): [verb id, activity id, learner id, bucket, completion, success], ids from the dictionary and
 * NULL where the statement has no such key (trailing NULLs left off). Tiering writes it from this very SQL, so the
 * keys a tiered statement is later subtracted with are the ones it was counted with.
 */
export const TIERED_KEYS_SQL = trimmedArray([valueId(VALUE_KIND.verb, "s.verb_id"), valueId(VALUE_KIND.activity, ACTIVITY),
  valueId(VALUE_KIND.agent, LEARNER), BUCKET_OF_ROW, COMPLETION, SUCCESS]);

/**
 * SQL: a JSON array of `values` without its trailing NULLs (`$.k[5]` of a shorter array is NULL all the same),
 * so a statement without a result keeps 3 keys, 15 bytes fewer. Each value is computed once, in `t`.
 */
function trimmedArray(values: readonly string[]): string {
  const items = (n: number) => values.slice(0, n).map((_, i) => `t.k${i}`).join(", ");
  const cases = values.map((_, i) => values.length - i).filter((n) => n > 1)
    .map((n) => `WHEN t.k${n - 1} IS NOT NULL THEN json_array(${items(n)})`).join(" ");
  return `(SELECT CASE ${cases} ELSE json_array(t.k0) END FROM (SELECT ${values.map((v, i) => `${v} AS k${i}`).join(", ")}) AS t)`;
}

/** Key `i` of a tiered row (NULL on an untiered one: a statement has no top-level `k`). */
const tieredKey = (i: number) => `s.statement ->> '$.k[${i}]'`;

// Per statement, the parts its keys are made of, computed once (MATERIALIZED keeps SQLite from re-deriving
// them for each of the key slots below). Days and hours in UTC, as integers (dimensions.ts dayNumber). A tiered
// row holds its keys already (TIERED_KEYS_SQL; its texts are all NULL, its verb_id empty); an untiered row has
// none of them, so each coalesce takes the one side that is there.
const TEXTS = (source: string) => `texts AS MATERIALIZED (
  SELECT s.stored_ms / ${DAY_MS} AS day, (s.stored_ms / ${HOUR_MS}) % 24 AS hour,
    nullif(s.verb_id, '') AS verb, s.voids_id IS NULL AS counted,
    ${ACTIVITY} AS activity,
    ${LEARNER} AS learner,
    coalesce(${tieredKey(3)}, ${BUCKET_OF_ROW}) AS bucket,
    coalesce(${tieredKey(4)}, ${COMPLETION}) AS completion,
    coalesce(${tieredKey(5)}, ${SUCCESS}) AS success,
    ${tieredKey(0)} AS tiered_verb, ${tieredKey(1)} AS tiered_activity, ${tieredKey(2)} AS tiered_learner
  ${source})`;

const PARTS = (source: string) => `${TEXTS(source)},
parts AS MATERIALIZED (
  SELECT day, hour, counted, bucket, completion, success,
    coalesce(t.tiered_verb, ${valueId(VALUE_KIND.verb, "t.verb")}) AS verb,
    coalesce(t.tiered_activity, ${valueId(VALUE_KIND.activity, "t.activity")}) AS activity,
    coalesce(t.tiered_learner, ${valueId(VALUE_KIND.agent, "t.learner")}) AS learner
  FROM texts t)`;

/**
 * SQL adding to the dictionary the verbs, activities and learners of the statements `source` selects that it
 * lacks, to run just before counting them (rollupDeltaSql with +1) in the same batch. Ingest interns them all,
 * so this normally writes nothing; it keeps the counts whole for statements stored before the dictionary
 * existed, whose index rows a backfill may not have reached yet.
 */
export function internKeyValuesSql(source: string): string {
  return `WITH ${TEXTS(source)}
INSERT OR IGNORE INTO index_values (store_id, kind, value)
SELECT ?1, kind, value FROM (
  SELECT ${VALUE_KIND.verb} AS kind, verb AS value FROM texts
  UNION SELECT ${VALUE_KIND.activity}, activity FROM texts WHERE counted
  UNION SELECT ${VALUE_KIND.agent}, learner FROM texts WHERE counted)
WHERE value IS NOT NULL`;
}

/**
 * [dimension, a, b] over `parts`; a NULL `a` or `b` means the statement has no such key (an unused part is 0).
 * A store-wide score or outcome is `a`; per activity, the activity is `a` and the bucket or outcome `b`, so one
 * activity's rows are a seek on (dimension, a). A dimension may take two slots of one statement (completion and
 * success are both outcomes).
 */
const SLOTS: readonly [Dimension, string, string][] = [
  ["total", "hour", "0"],
  ["verb", "verb", "0"],
  ["activity", "activity", "0"],
  ["learner", "learner", "0"],
  ["activity_learner", "activity", "learner"],
  ["learner_activity", "learner", "activity"],
  ["activity_score", "activity", "bucket"],
  ["score", "bucket", "0"],
  ["activity_completion", "activity", "completion"],
  ["activity_completion", "activity", "success"],
  ["completion", "completion", "0"],
  ["completion", "success", "0"],
];
/** Dimensions a voiding statement counts in (see the header). */
const VOIDING_DIMENSIONS: ReadonlySet<Dimension> = new Set(["total", "verb"]);

/**
 * The page's count per (dimension, day, a, b), one GROUP BY per dimension over the materialized parts: twelve
 * sorts of a page's rows cost about a sixth less than one sort of twelve times as many (measured on a page of
 * 2,000), and each dimension's groups come out in the primary key's order for the upsert.
 */
const PER_DIMENSION = [...new Set(SLOTS.map(([dimension]) => dimension))].map((dimension) => {
  const counted = VOIDING_DIMENSIONS.has(dimension) ? "" : " WHERE counted";
  const slots = SLOTS.filter(([d]) => d === dimension)
    .map(([, a, b]) => `SELECT day, ${a} AS a, ${b} AS b FROM parts${counted}`)
    .join(" UNION ALL ");
  return `SELECT ${DIMENSION_CODE[dimension]} AS dimension, day, a, b, count(*) AS n FROM (${slots})
    WHERE a IS NOT NULL AND b IS NOT NULL GROUP BY day, a, b`;
});

/** D1 refuses a compound SELECT of more terms ("too many terms in compound SELECT"); a subquery starts anew. */
const MAX_COMPOUND_TERMS = 5;

const GROUPED = Array.from({ length: Math.ceil(PER_DIMENSION.length / MAX_COMPOUND_TERMS) }, (_, i) =>
  `SELECT * FROM (${PER_DIMENSION.slice(i * MAX_COMPOUND_TERMS, (i + 1) * MAX_COMPOUND_TERMS).join("\n  UNION ALL ")})`,
).join("\n  UNION ALL ");

const grouped = (source: string) => `WITH ${PARTS(source)},
grouped AS (
  ${GROUPED}
)`;

/**
 * SQL adding `sign` (+1 or -1) to every key of the statements `source` selects (a `FROM … WHERE …` with the
 * statement row as `s`; ?1 is the store id, which it must constrain). One upsert per call, grouped, so a batch of
 * statements costs one statement.
 */
export function rollupDeltaSql(source: string, sign: 1 | -1): string {
  return `${grouped(source)}
INSERT INTO rollup_counts (store_id, dimension, day, a, b, count)
SELECT ?1, dimension, day, a, b, ${sign} * n FROM grouped WHERE true
ON CONFLICT (store_id, dimension, day, a, b) DO UPDATE SET count = rollup_counts.count + excluded.count`;
}

/**
 * SQL deleting the rows of those keys that a subtraction brought to 0, so that no row holds 0: "a row exists"
 * then means "counted", and distinct counts (active learners) read the primary key alone.
 */
export function zeroedRowsSql(source: string): string {
  return `${grouped(source)}
DELETE FROM rollup_counts WHERE store_id = ?1 AND count <= 0
  AND (dimension, day, a, b) IN (SELECT dimension, day, a, b FROM grouped)`;
}
