// What the console's counters are keyed by (schema.ts rollup_daily). One statement adds 1 to each key it has,
// on the UTC day of its `stored`; `total` is also split by the UTC hour, so young stores chart by the hour
// without a second row per statement. Composite values join their parts with "\n", which no IRI or agent key
// holds unescaped in the leading part, so a prefix seek on "<activity>\n" finds one activity's rows.

export type Dimension =
  /** every counted statement; value: the UTC hour of `stored`, "00".."23" ('' in rows written before hours) */
  | "total"
  /** verb IRI */
  | "verb"
  /** the object's activity id, when the object is an Activity */
  | "activity"
  /** the actor's agent key (agents/identifier.ts), when the actor is identified */
  | "learner"
  /** activity id + "\n" + agent key */
  | "activity_learner"
  /** agent key + "\n" + activity id */
  | "learner_activity"
  /** activity id + "\n" + score bucket "0".."9" */
  | "activity_score"
  /** score bucket "0".."9", store-wide */
  | "score"
  /** activity id + "\n" + completed | incomplete | passed | failed */
  | "activity_completion"
  /** completed | incomplete | passed | failed, store-wide */
  | "completion";

export const SEPARATOR = "\n";

/** Ten score buckets of width 0.1 over result.score.scaled (clamped to 0..1), bucket 9 including 1.0. */
export const SCORE_BUCKETS = 10;

export type Outcome = "completed" | "incomplete" | "passed" | "failed";
export const OUTCOMES: readonly Outcome[] = ["completed", "incomplete", "passed", "failed"];

export const composite = (...parts: string[]): string => parts.join(SEPARATOR);

/** 'YYYY-MM-DD' (UTC) of an epoch-milliseconds instant, as the rollups key days. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** 'HH' (UTC hour, "00".."23") of an epoch-milliseconds instant, as `total` rows key hours. */
export function utcHour(ms: number): string {
  return new Date(ms).toISOString().slice(11, 13);
}

/** The bucket label range of bucket `i`, e.g. [0.9, 1] for 9. */
export function bucketRange(i: number): [number, number] {
  return [i / SCORE_BUCKETS, (i + 1) / SCORE_BUCKETS];
}
