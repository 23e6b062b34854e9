// What the console's counters are keyed by (schema.ts rollup_counts). One statement adds 1 to each key it has,
// on the UTC day of its `stored`; `total` is also split by the UTC hour, so young stores chart by the hour
// without a second row per statement. A key is integers only: the dimension's code, the day number, and two
// parts `a` and `b`, each an id of the query index's dictionary (index_values: verb, activity, agent) or a small
// code (hour, score bucket, outcome), 0 when unused. An IRI or agent key is stored once per store, in the
// dictionary, not on every counter row (issue 13: a row of text keys took ~136 bytes in each of its two b-trees).

export type Dimension =
  /** every counted statement; a: the UTC hour of `stored`, 0..23 */
  | "total"
  /** a: the verb */
  | "verb"
  /** a: the object's activity, when the object is an Activity */
  | "activity"
  /** a: the actor's agent key (agents/identifier.ts), when the actor is identified */
  | "learner"
  /** a: the activity, b: the learner */
  | "activity_learner"
  /** a: the learner, b: the activity */
  | "learner_activity"
  /** a: the activity, b: the score bucket 0..9 */
  | "activity_score"
  /** a: the score bucket 0..9, store-wide */
  | "score"
  /** a: the activity, b: the outcome's code (outcomeCode) */
  | "activity_completion"
  /** a: the outcome's code, store-wide */
  | "completion";

/** The stored code of each dimension (never renumber: rows hold them). */
export const DIMENSION_CODE: Record<Dimension, number> = {
  total: 0,
  verb: 1,
  activity: 2,
  learner: 3,
  activity_learner: 4,
  learner_activity: 5,
  activity_score: 6,
  score: 7,
  activity_completion: 8,
  completion: 9,
};

/** Ten score buckets of width 0.1 over result.score.scaled (clamped to 0..1), bucket 9 including 1.0. */
export const SCORE_BUCKETS = 10;

export type Outcome = "completed" | "incomplete" | "passed" | "failed";
export const OUTCOMES: readonly Outcome[] = ["completed", "incomplete", "passed", "failed"];

/** The stored code of each outcome: OUTCOMES[code - 1]. */
export const outcomeCode = (outcome: Outcome): number => OUTCOMES.indexOf(outcome) + 1;

const DAY_MS = 86_400_000;

/** 'YYYY-MM-DD' (UTC) of an epoch-milliseconds instant, as the console names days. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The stored day: whole UTC days since 1970-01-01 (SQL: stored_ms / 86400000); NaN for an invalid day. */
export function dayNumber(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / DAY_MS;
}

/** 'YYYY-MM-DD' of a stored day number. */
export function dayOfNumber(day: number): string {
  return utcDay(day * DAY_MS);
}

/** 'HH' (UTC hour, "00".."23") of an epoch-milliseconds instant, as `total` rows key hours. */
export function utcHour(ms: number): string {
  return new Date(ms).toISOString().slice(11, 13);
}

/** The bucket label range of bucket `i`, e.g. [0.9, 1] for 9. */
export function bucketRange(i: number): [number, number] {
  return [i / SCORE_BUCKETS, (i + 1) / SCORE_BUCKETS];
}
