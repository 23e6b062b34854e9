// Read API of the console's counters (schema.ts rollup_daily). Every function is an index range seek on
// (store, dimension, day range) or (store, dimension, value[-prefix], day range); none reads `statements`.
// Days are 'YYYY-MM-DD' in UTC, both ends inclusive. No row holds 0 (maintain.ts deletes the rows a
// subtraction empties), so a row's existence means "counted" and distinct counts read the indexes alone.
import { freshnessOf, freshnessQuery, type Freshness } from "./freshness";
import { composite, OUTCOMES, type Outcome, SCORE_BUCKETS, SEPARATOR, utcDay } from "./dimensions";

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
  const { results } = await db.prepare(READ_SQL.totalPerDay).bind(storeId, fromDay, toDay).all<DayCount>();
  const found = new Map(results.map((row) => [row.day, Math.max(0, Number(row.count))]));
  return daysBetween(fromDay, toDay).map((day) => ({ day, count: found.get(day) ?? 0 }));
}

/**
 * One count per UTC hour of the days `fromDay` to `toDay` (at most MAX_HOUR_DAYS days, 24 rows each), hours
 * without statements as 0. Rows written before `total` had hours (value '') have no hour and are left out.
 */
export async function statementsPerHour(db: Db, storeId: string, fromDay: string, toDay: string): Promise<HourCount[]> {
  const days = daysBetween(fromDay, toDay).slice(-MAX_HOUR_DAYS);
  if (days.length === 0) return [];
  const { results } = await db
    .prepare(READ_SQL.totalPerHour)
    .bind(storeId, days[0], days[days.length - 1])
    .all<{ day: string; value: string; count: number }>();
  const found = new Map(results.map((row) => [`${row.day}T${row.value}`, Math.max(0, Number(row.count))]));
  return days.flatMap((day) =>
    Array.from({ length: 24 }, (_, h) => {
      const hour = `${day}T${String(h).padStart(2, "0")}`;
      return { hour, count: found.get(hour) ?? 0 };
    }),
  );
}

/** The first UTC day with a counted statement, or undefined for an empty store. */
export async function firstDay(db: Db, storeId: string): Promise<string | undefined> {
  const row = await db.prepare(READ_SQL.firstDay).bind(storeId).first<{ day: string | null }>();
  return row?.day ?? undefined;
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
    sumQuery(db, storeId, "total", "0000-00-00", "9999-99-99"),
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
  const first = await db.prepare(READ_SQL.firstDay).bind(storeId).first<{ day: string | null }>();
  const life = daySpan(first?.day ?? to, utcDay(Date.now()));
  const range = daySpan(first?.day && first.day > from ? first.day : from, to);
  // A day-range seek sorts its rows for DISTINCT (~4x the cost of reading them); the value index reads every
  // day of the store but in value order. Past a quarter of the store's life, the second is cheaper.
  const sql = range * 4 > life ? READ_SQL.distinctByValue : READ_SQL.distinct;
  const row = await db.prepare(sql).bind(storeId, "learner", from, to).first<{ n: number }>();
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

/** The read queries (exported for the query-plan test). */
export const READ_SQL = {
  // `total` rows are per hour (value 'HH'); other dimensions summed here have the single value ''.
  sum: `SELECT sum(count) AS n FROM rollup_daily
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4`,
  totalPerDay: `SELECT day, sum(count) AS count FROM rollup_daily
    WHERE store_id = ?1 AND dimension = 'total' AND day BETWEEN ?2 AND ?3
    GROUP BY day`,
  totalPerHour: `SELECT day, value, count FROM rollup_daily
    WHERE store_id = ?1 AND dimension = 'total' AND day BETWEEN ?2 AND ?3 AND value <> ''`,
  distinct: `SELECT count(DISTINCT value) AS n FROM rollup_daily
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4`,
  // Over most of a store's life, walking the value-ordered index needs no sort for DISTINCT and wins.
  distinctByValue: `SELECT count(*) AS n FROM (SELECT DISTINCT value FROM rollup_daily INDEXED BY rollup_daily_value
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4)`,
  firstDay: `SELECT min(day) AS day FROM rollup_daily WHERE store_id = ?1 AND dimension = 'total'`,
  perDay: `SELECT day, sum(count) AS count FROM rollup_daily
    WHERE store_id = ?1 AND dimension = ?2 AND value = ?3 AND day BETWEEN ?4 AND ?5
    GROUP BY day`,
  top: `SELECT value, sum(count) AS count FROM rollup_daily
    WHERE store_id = ?1 AND dimension = ?2 AND day BETWEEN ?3 AND ?4
    GROUP BY value HAVING sum(count) > 0 ORDER BY count DESC, value LIMIT ?5`,
  prefixed: `SELECT value, sum(count) AS count FROM rollup_daily
    WHERE store_id = ?1 AND dimension = ?2 AND value >= ?3 AND value < ?4 AND day BETWEEN ?5 AND ?6
    GROUP BY value HAVING sum(count) > 0 ORDER BY count DESC, value LIMIT ?7`,
  prefixedDistinct: `SELECT count(DISTINCT value) AS n FROM rollup_daily
    WHERE store_id = ?1 AND dimension = ?2 AND value >= ?3 AND value < ?4 AND day BETWEEN ?5 AND ?6`,
};

function sumQuery(db: Db, storeId: string, dimension: string, from: string, to: string): D1PreparedStatement {
  return db
    .prepare(
      READ_SQL.sum,
    )
    .bind(storeId, dimension, from, to);
}

function distinctQuery(db: Db, storeId: string, dimension: string, from: string, to: string): D1PreparedStatement {
  return db
    .prepare(
      READ_SQL.distinct,
    )
    .bind(storeId, dimension, from, to);
}

async function perDay(
  db: Db,
  storeId: string,
  dimension: string,
  value: string,
  from: string,
  to: string,
): Promise<DayCount[]> {
  const { results } = await db
    .prepare(
      READ_SQL.perDay,
    )
    .bind(storeId, dimension, value, from, to)
    .all<DayCount>();
  const found = new Map(results.map((row) => [row.day, Math.max(0, Number(row.count))]));
  return daysBetween(from, to).map((day) => ({ day, count: found.get(day) ?? 0 }));
}

async function top(
  db: Db,
  storeId: string,
  dimension: string,
  from: string,
  to: string,
  limit: number,
): Promise<ValueCount[]> {
  const { results } = await db
    .prepare(
      READ_SQL.top,
    )
    .bind(storeId, dimension, from, to, limit)
    .all<ValueCount>();
  return results.map((row) => ({ value: row.value, count: Number(row.count) }));
}

// Values "<prefix>\n<rest>": the range [prefix + "\n", prefix + "\u000b") holds exactly them ("\n" + 1).
const prefixRange = (prefix: string) => [composite(prefix, ""), `${prefix}\u000b`] as const;

/** Rows of one prefix (an activity or learner), by the `rest` of the value, most counted first. */
async function prefixed(
  db: Db,
  storeId: string,
  dimension: string,
  prefix: string,
  from: string,
  to: string,
  limit: number,
): Promise<ValueCount[]> {
  const [low, high] = prefixRange(prefix);
  const { results } = await db
    .prepare(
      READ_SQL.prefixed,
    )
    .bind(storeId, dimension, low, high, from, to, limit)
    .all<ValueCount>();
  return results.map((row) => ({ value: row.value.slice(low.length), count: Number(row.count) }));
}

async function prefixedDistinct(
  db: Db,
  storeId: string,
  dimension: string,
  prefix: string,
  from: string,
  to: string,
): Promise<number> {
  const [low, high] = prefixRange(prefix);
  const row = await db
    .prepare(
      READ_SQL.prefixedDistinct,
    )
    .bind(storeId, dimension, low, high, from, to)
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}

/** Every day from `from` to `to` inclusive (at most MAX_DAYS; an inverted or invalid range gives none). */
export function daysBetween(from: string, to: string): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  const end = Date.parse(`${to}T00:00:00Z`);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return [];
  const days: string[] = [];
  for (let ms = start; ms <= end && days.length < MAX_DAYS; ms += DAY_MS) days.push(utcDay(ms));
  return days;
}
