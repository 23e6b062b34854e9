// Read API of the console's counters (schema.ts rollup_counts). Every function is an index range seek on
// (store, dimension, day range) or (store, dimension, a, day range); none reads `statements`. Days are
// 'YYYY-MM-DD' in UTC here, both ends inclusive, and day numbers in the table (dimensions.ts). Verb, activity and
// learner parts are dictionary ids (index_values): a value asked for is looked up once, a value returned is
// joined once per distinct result, never per row. No row holds 0 (maintain.ts deletes the rows a subtraction
// empties), so a row's existence means "counted" and distinct counts read the indexes alone.
import { VALUE_KIND } from "../statement-index";
import { freshnessOf, freshnessQuery, type Freshness } from "./freshness";
import {
  type Dimension,
  DIMENSION_CODE,
  dayNumber,
  dayOfNumber,
  OUTCOMES,
  type Outcome,
  SCORE_BUCKETS,
  utcDay,
} from "./dimensions";

export type DayCount = { day: string; count: number };
/** `hour` is 'YYYY-MM-DDTHH' (UTC). */
export type HourCount = { hour: string; count: number };
export type ValueCount = { value: string; count: number };
export type Totals = {
  /** how far the counts reach (freshness.ts), read in the same batch when asked for */
  freshness?: Freshness;
  /** statements stored on `today` */
  today: number;
  /** statements stored from `weekStart` to `today` */
  thisWeek: number;
  /** every statement of the store (voided ones excluded) */
  total: number;
  /** distinct identified actors on `today` / from `weekStart` to `today` */
  activeLearnersToday: number;
  activeLearnersThisWeek: number;
};
export type Outcomes = Record<Outcome, number> & {
  /** completed / (completed + incomplete), null when no statement reported completion */
  completionRate: number | null;
  /** passed / (passed + failed), null when no statement reported success */
  passRate: number | null;
};
export type ActivityStats = {
  statements: number;
  perDay: DayCount[];
  /** SCORE_BUCKETS counts, index i = scaled score in [i/10, (i+1)/10) (the last includes 1) */
  scores: number[];
  outcomes: Outcomes;
  /** distinct learners in range, and the most active ones (agent keys) */
  learnerCount: number;
  learners: ValueCount[];
};
export type LearnerActivity = {
  statements: number;
  perDay: DayCount[];
  /** activities the learner acted on as actor, most statements first */
  activities: ValueCount[];
};

const MAX_DAYS = 3700;
/** Hourly charts cover a few days: at most 24 × 7 rows. */
export const MAX_HOUR_DAYS = 7;
const DAY_MS = 86_400_000;

type Db = D1Database;

/** One count per day from `fromDay` to `toDay`, days without statements as 0 (for charts). */
export async function statementsPerDay(db: Db, storeId: string, fromDay: string, toDay: string): Promise<DayCount[]> {
  const { results } = await db
    .prepare(READ_SQL.totalPerDay)
    .bind(storeId, dayNumber(fromDay), dayNumber(toDay))
    .all<{ day: number; count: number }>();
  return filledDays(results, fromDay, toDay);
}

/**
 * One count per UTC hour of the days `fromDay` to `toDay` (at most MAX_HOUR_DAYS days, 24 rows each), hours
 * without statements as 0.
 */
export async function statementsPerHour(db: Db, storeId: string, fromDay: string, toDay: string): Promise<HourCount[]> {
  const days = daysBetween(fromDay, toDay).slice(-MAX_HOUR_DAYS);
  if (days.length === 0) return [];
  const { results } = await db
    .prepare(READ_SQL.totalPerHour)
    .bind(storeId, dayNumber(days[0]!), dayNumber(days[days.length - 1]!))
    .all<{ day: number; hour: number; count: number }>();
  const found = new Map(
    results.map((row) => [`${dayOfNumber(row.day)}T${String(row.hour).padStart(2, "0")}`, Math.max(0, Number(row.count))]),
  );
  return days.flatMap((day) =>
    Array.from({ length: 24 }, (_, h) => {
      const hour = `${day}T${String(h).padStart(2, "0")}`;
      return { hour, count: found.get(hour) ?? 0 };
    }),
  );
}

/** The first UTC day with a counted statement, or undefined for an empty store. */
export async function firstDay(db: Db, storeId: string): Promise<string | undefined> {
  const row = await db.prepare(READ_SQL.firstDay).bind(storeId).first<{ day: number | null }>();
  return row?.day == null ? undefined : dayOfNumber(row.day);
}

export async function totals(
  db: Db,
  storeId: string,
  days: { today: string; weekStart: string },
  options: { freshness?: boolean } = {},
): Promise<Totals> {
  const [today, thisWeek, total, learnersToday, learnersWeek, fresh] = await db.batch<{ n: number | null }>([
    sumQuery(db, storeId, "total", days.today, days.today),
    sumQuery(db, storeId, "total", days.weekStart, days.today),
    sumQuery(db, storeId, "total", "1970-01-01", "9999-12-31"),
    distinctQuery(db, storeId, "learner", days.today, days.today),
    distinctQuery(db, storeId, "learner", days.weekStart, days.today),
    ...(options.freshness ? [freshnessQuery(db, storeId)] : []),
  ]);
  const n = (r: D1Result<{ n: number | null }> | undefined) => Number(r?.results[0]?.n ?? 0);
  return {
    ...(options.freshness ? { freshness: freshnessOf(fresh) } : {}),
    today: n(today),
    thisWeek: n(thisWeek),
    total: n(total),
    activeLearnersToday: n(learnersToday),
    activeLearnersThisWeek: n(learnersWeek),
  };
}

/** Distinct identified actors with a counted statement in the range. */
export async function activeLearners(db: Db, storeId: string, from: string, to: string): Promise<number> {
  const first = await firstDay(db, storeId);
  const life = daySpan(first ?? to, utcDay(Date.now()));
  const range = daySpan(first && first > from ? first : from, to);
  // A day-range seek sorts its rows for DISTINCT (~4x the cost of reading them); the value index reads every
  // day of the store but in value order. Past a quarter of the store's life, the second is cheaper.
  const sql = range * 4 > life ? READ_SQL.distinctByValue : READ_SQL.distinct;
  const row = await db
    .prepare(sql)
    .bind(storeId, DIMENSION_CODE.learner, dayNumber(from), dayNumber(to))
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}

/** Days from `from` to `to` inclusive (0 when inverted or invalid). */
function daySpan(from: string, to: string): number {
  const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
  return Number.isFinite(days) && days > 0 ? days : 0;
}

export async function topVerbs(db: Db, storeId: string, from: string, to: string, limit = 10): Promise<ValueCount[]> {
  return top(db, storeId, "verb", from, to, limit);
}

export async function topActivities(
  db: Db,
  storeId: string,
  from: string,
  to: string,
  limit = 10,
): Promise<ValueCount[]> {
  return top(db, storeId, "activity", from, to, limit);
}

export async function activityStats(
  db: Db,
  storeId: string,
  activityId: string,
  from: string,
  to: string,
  learnerLimit = 50,
): Promise<ActivityStats> {
  const [days, scores, outcomes, learners, learnerCount] = await Promise.all([
    perDay(db, storeId, "activity", activityId, from, to),
    scoreHistogram(db, storeId, from, to, activityId),
    completionAndPassRates(db, storeId, from, to, activityId),
    prefixed(db, storeId, "activity_learner", activityId, from, to, learnerLimit),
    prefixedDistinct(db, storeId, "activity_learner", activityId, from, to),
  ]);
  return {
    statements: days.reduce((sum, d) => sum + d.count, 0),
    perDay: days,
    scores,
    outcomes,
    learnerCount,
    learners,
  };
}

export async function learnerActivity(
  db: Db,
  storeId: string,
  agentKey: string,
  from: string,
  to: string,
  activityLimit = 50,
): Promise<LearnerActivity> {
  const [days, activities] = await Promise.all([
    perDay(db, storeId, "learner", agentKey, from, to),
    prefixed(db, storeId, "learner_activity", agentKey, from, to, activityLimit),
  ]);
  return { statements: days.reduce((sum, d) => sum + d.count, 0), perDay: days, activities };
}

/** SCORE_BUCKETS counts of scored statements, store-wide or for one activity. */
export async function scoreHistogram(
  db: Db,
  storeId: string,
  from: string,
  to: string,
  activityId?: string,
): Promise<number[]> {
  const rows =
    activityId === undefined
      ? await top(db, storeId, "score", from, to, SCORE_BUCKETS)
      : await prefixed(db, storeId, "activity_score", activityId, from, to, SCORE_BUCKETS);
  const histogram = new Array<number>(SCORE_BUCKETS).fill(0);
  for (const row of rows) {
    const bucket = Number(row.value);
    if (Number.isInteger(bucket) && bucket >= 0 && bucket < SCORE_BUCKETS) histogram[bucket] = row.count;
  }
  return histogram;
}

/** Statements reporting completion / success, store-wide or for one activity, and the rates they give. */
export async function completionAndPassRates(
  db: Db,
  storeId: string,
  from: string,
  to: string,
  activityId?: string,
): Promise<Outcomes> {
  const rows =
    activityId === undefined
      ? await top(db, storeId, "completion", from, to, OUTCOMES.length)
      : await prefixed(db, storeId, "activity_completion", activityId, from, to, OUTCOMES.length);
  const counts: Record<Outcome, number> = { completed: 0, incomplete: 0, passed: 0, failed: 0 };
  for (const row of rows) {
    if ((OUTCOMES as readonly string[]).includes(row.value)) counts[row.value as Outcome] = row.count;
  }
  const rate = (yes: number, no: number) => (yes + no === 0 ? null : yes / (yes + no));
  return {
    ...counts,
    completionRate: rate(counts.completed, counts.incomplete),
    passRate: rate(counts.passed, counts.failed),
  };
}

// ---- queries -------------------------------------------------------------------------------------------

/** What a dimension's `a` and `b` parts hold: a dictionary kind (index_values) or a small code (undefined). */
const PARTS: Record<Exclude<Dimension, "total">, { a?: number; b?: number }> = {
  verb: { a: VALUE_KIND.verb },
  activity: { a: VALUE_KIND.activity },
  learner: { a: VALUE_KIND.agent },
  activity_learner: { a: VALUE_KIND.activity, b: VALUE_KIND.agent },
  learner_activity: { a: VALUE_KIND.agent, b: VALUE_KIND.activity },
  activity_score: { a: VALUE_KIND.activity },
  score: {},
  activity_completion: { a: VALUE_KIND.activity },
  completion: {},
};

/** The dictionary id of ?3 (a value of kind ?2) in the store ?1; NULL when the store never saw it. */
const ID_OF = "(SELECT id FROM index_values WHERE store_id = ?1 AND kind = ?2 AND value = ?3)";

/** The read queries (exported for the query-plan test). Days are day numbers; `d` is a dimension's code. */
export const READ_SQL = {
  sum: `SELECT sum(count) AS n FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4`,
  totalPerDay: `SELECT day, sum(count) AS count FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.total} AND day BETWEEN ?2 AND ?3
    GROUP BY day`,
  totalPerHour: `SELECT day, a AS hour, count FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.total} AND day BETWEEN ?2 AND ?3`,
  distinct: `SELECT count(DISTINCT a) AS n FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4`,
  // Over most of a store's life, walking the value-ordered index needs no sort for DISTINCT and wins.
  distinctByValue: `SELECT count(*) AS n FROM (SELECT DISTINCT a FROM rollup_counts INDEXED BY rollup_counts_value
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4)`,
  firstDay: `SELECT min(day) AS day FROM rollup_counts WHERE store_id = ?1 AND dimension = ${DIMENSION_CODE.total}`,
  // ?2 the value's kind, ?3 the value, ?4 the dimension
  perDay: `SELECT day, sum(count) AS count FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ?4 AND a = ${ID_OF} AND b = 0 AND day BETWEEN ?5 AND ?6
    GROUP BY day`,
  top: `SELECT a AS part, sum(count) AS count FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4
    GROUP BY a HAVING sum(count) > 0`,
  prefixed: `SELECT b AS part, sum(count) AS count FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ?4 AND a = ${ID_OF} AND day BETWEEN ?5 AND ?6
    GROUP BY b HAVING sum(count) > 0`,
  prefixedDistinct: `SELECT count(DISTINCT b) AS n FROM rollup_counts
    WHERE store_id = ?1 AND dimension = ?4 AND a = ${ID_OF} AND day BETWEEN ?5 AND ?6`,
};

/**
 * The `part` column of `sql`'s groups as text, most counted first, ties by text, at most `limit`: a dictionary
 * part joined to index_values once per group (a primary-key lookup), a code part as it is.
 */
function ranked(sql: string, kind: number | undefined, limit: number): string {
  if (kind === undefined) {
    return `SELECT CAST(g.part AS TEXT) AS value, g.count AS count FROM (${sql}) g ORDER BY g.count DESC, g.part LIMIT ${limit}`;
  }
  return `SELECT v.value AS value, g.count AS count FROM (${sql}) g CROSS JOIN index_values v ON v.id = g.part
    ORDER BY g.count DESC, v.value LIMIT ${limit}`;
}

/** The text of a code part: an outcome's name for the completion dimensions, the number otherwise. */
function codeText(dimension: Dimension, value: string): string {
  if (dimension !== "completion" && dimension !== "activity_completion") return value;
  return OUTCOMES[Number(value) - 1] ?? value;
}

function sumQuery(db: Db, storeId: string, dimension: Dimension, from: string, to: string): D1PreparedStatement {
  return db.prepare(READ_SQL.sum).bind(storeId, DIMENSION_CODE[dimension], dayNumber(from), dayNumber(to));
}

function distinctQuery(db: Db, storeId: string, dimension: Dimension, from: string, to: string): D1PreparedStatement {
  return db.prepare(READ_SQL.distinct).bind(storeId, DIMENSION_CODE[dimension], dayNumber(from), dayNumber(to));
}

async function perDay(
  db: Db,
  storeId: string,
  dimension: "activity" | "learner",
  value: string,
  from: string,
  to: string,
): Promise<DayCount[]> {
  const { results } = await db
    .prepare(READ_SQL.perDay)
    .bind(storeId, PARTS[dimension].a!, value, DIMENSION_CODE[dimension], dayNumber(from), dayNumber(to))
    .all<{ day: number; count: number }>();
  return filledDays(results, from, to);
}

/** Counts per day number, as one DayCount per day from `from` to `to` (missing days 0). */
function filledDays(rows: readonly { day: number; count: number }[], from: string, to: string): DayCount[] {
  const found = new Map(rows.map((row) => [dayOfNumber(row.day), Math.max(0, Number(row.count))]));
  return daysBetween(from, to).map((day) => ({ day, count: found.get(day) ?? 0 }));
}

async function top(
  db: Db,
  storeId: string,
  dimension: Exclude<Dimension, "total">,
  from: string,
  to: string,
  limit: number,
): Promise<ValueCount[]> {
  const { results } = await db
    .prepare(ranked(READ_SQL.top, PARTS[dimension].a, safeLimit(limit)))
    .bind(storeId, DIMENSION_CODE[dimension], dayNumber(from), dayNumber(to))
    .all<ValueCount>();
  return results.map((row) => ({ value: codeText(dimension, String(row.value)), count: Number(row.count) }));
}

/** Rows of one activity or learner (the `a` part), by their `b` part, most counted first. */
async function prefixed(
  db: Db,
  storeId: string,
  dimension: "activity_learner" | "learner_activity" | "activity_score" | "activity_completion",
  prefix: string,
  from: string,
  to: string,
  limit: number,
): Promise<ValueCount[]> {
  const { results } = await db
    .prepare(ranked(READ_SQL.prefixed, PARTS[dimension].b, safeLimit(limit)))
    .bind(storeId, PARTS[dimension].a!, prefix, DIMENSION_CODE[dimension], dayNumber(from), dayNumber(to))
    .all<ValueCount>();
  return results.map((row) => ({ value: codeText(dimension, String(row.value)), count: Number(row.count) }));
}

async function prefixedDistinct(
  db: Db,
  storeId: string,
  dimension: "activity_learner",
  prefix: string,
  from: string,
  to: string,
): Promise<number> {
  const row = await db
    .prepare(READ_SQL.prefixedDistinct)
    .bind(storeId, PARTS[dimension].a!, prefix, DIMENSION_CODE[dimension], dayNumber(from), dayNumber(to))
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}

/** A LIMIT written into the SQL text: a whole number from 0 to 1,000. */
const safeLimit = (limit: number) => Math.max(0, Math.min(1000, Math.floor(Number.isFinite(limit) ? limit : 0)));

/** Every day from `from` to `to` inclusive (at most MAX_DAYS; an inverted or invalid range gives none). */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return [];
  const days: string[] = [];
  for (let ms = start; ms <= end && days.length < MAX_DAYS; ms += DAY_MS) days.push(utcDay(ms));
  return days;
}
