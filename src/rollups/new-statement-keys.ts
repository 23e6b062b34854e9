// The rollup keys of a statement being inserted, computed in the Worker so a batch's counts reach D1 already
// summed (one row per distinct key instead of one per statement and key, no SQL GROUP BY over the batch).
// This is the same definition as statement-keys.ts, which derives the keys of stored rows in SQL for voiding
// and erasure; test/rollups checks that what one adds the other takes away exactly.
import { agentKey } from "../xapi/agents/identifier";
import { composite, type Dimension, SCORE_BUCKETS } from "./dimensions";
import type { Score, Statement } from "../xapi/statements/statement";

/** result.score.scaled, or raw placed within min..max when scaled is absent. */
function scaledScore(score: Score | undefined): number | undefined {
  if (!score) return undefined;
  if (score.scaled !== undefined) return score.scaled;
  const { raw, min, max } = score;
  if (raw !== undefined && min !== undefined && max !== undefined && max > min) return (raw - min) / (max - min);
  return undefined;
}

/**
 * [dimension, value] pairs of one statement; `voiding`: a voiding statement counts in total and verb only.
 * `total`'s value (the hour of `stored`) is known only in the insert, so ADD_SUMMED_SQL fills it in.
 */
export function newStatementKeys(statement: Statement, voiding: boolean): [Dimension, string][] {
  const keys: [Dimension, string][] = [["total", ""], ["verb", statement.verb.id]];
  if (voiding) return keys;
  const { object, result } = statement;
  const activity = object.objectType === undefined || object.objectType === "Activity" ? object.id : undefined;
  const learner = agentKey(statement.actor);
  const scaled = scaledScore(result?.score);
  const bucket =
    scaled === undefined ? undefined : String(Math.min(SCORE_BUCKETS - 1, Math.trunc(Math.max(0, scaled) * 10)));
  const outcomes: string[] = [];
  if (result?.completion !== undefined) outcomes.push(result.completion ? "completed" : "incomplete");
  if (result?.success !== undefined) outcomes.push(result.success ? "passed" : "failed");

  if (activity !== undefined) keys.push(["activity", activity]);
  if (learner !== undefined) keys.push(["learner", learner]);
  if (activity !== undefined && learner !== undefined) {
    keys.push(["activity_learner", composite(activity, learner)], ["learner_activity", composite(learner, activity)]);
  }
  if (bucket !== undefined) {
    keys.push(["score", bucket]);
    if (activity !== undefined) keys.push(["activity_score", composite(activity, bucket)]);
  }
  for (const outcome of outcomes) {
    keys.push(["completion", outcome]);
    if (activity !== undefined) keys.push(["activity_completion", composite(activity, outcome)]);
  }
  return keys;
}

/** The keys of many statements summed: [dimension, value, count] rows. */
export function summedKeys(statements: readonly { statement: Statement; voidsId?: string }[]): [string, string, number][] {
  const counts = new Map<string, [string, string, number]>();
  for (const { statement, voidsId } of statements) {
    for (const [dimension, value] of newStatementKeys(statement, voidsId !== undefined)) {
      const key = `${dimension}\u0000${value}`;
      const row = counts.get(key);
      if (row) row[2] += 1;
      else counts.set(key, [dimension, value, 1]);
    }
  }
  return [...counts.values()];
}
