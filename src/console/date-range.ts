// The date range of figure pages: ?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days, both inclusive, as the rollups
// key them), 30 days up to today by default, at most two years so a chart stays readable and cheap; and the
// resolution of a statements chart, ?by=day|hour (hours for ranges of at most a week).
import { utcDay } from "../statement-store/rollups/dimensions";
import { MAX_HOUR_DAYS } from "../statement-store/rollups/read";

const DAY_MS = 86_400_000;
const MAX_DAYS = 731;
const DEFAULT_DAYS = 30;
/** Ranges this short chart by the hour unless ?by=day: a day or three of data is a spike, not a line. */
const HOURLY_DAYS = 3;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export type DateRange = { from: string; to: string };
export type Resolution = "day" | "hour";

export function readDateRange(search: URLSearchParams, now = Date.now(), defaultDays = DEFAULT_DAYS): DateRange {
  const parse = (value: string | null) => (value && DAY.test(value) && Number.isFinite(Date.parse(value)) ? Date.parse(value) : undefined);
  const toMs = parse(search.get("to")) ?? Date.parse(utcDay(now));
  let fromMs = parse(search.get("from")) ?? toMs - (defaultDays - 1) * DAY_MS;
  if (fromMs > toMs) fromMs = toMs;
  if ((toMs - fromMs) / DAY_MS >= MAX_DAYS) fromMs = toMs - (MAX_DAYS - 1) * DAY_MS;
  return { from: utcDay(fromMs), to: utcDay(toMs) };
}

/** Whether the viewer chose a range; when not, a page may pick one from the store's data (dataRange). */
export const namesRange = (search: URLSearchParams) => search.has("from") || search.has("to");

/**
 * From the store's first counted day (`first`) to today: at most the default 30 days (30 when empty), at
 * least yesterday and today, so a store born just after midnight still charts a day of hours.
 */
export function dataRange(first: string | undefined, now = Date.now()): DateRange {
  const today = utcDay(now);
  const earliest = utcDay(Date.parse(today) - (DEFAULT_DAYS - 1) * DAY_MS);
  const yesterday = utcDay(Date.parse(today) - DAY_MS);
  if (!first || first < earliest) return { from: earliest, to: today };
  return { from: first > yesterday ? yesterday : first, to: today };
}

export function daysIn(range: DateRange): number {
  return Math.round((Date.parse(range.to) - Date.parse(range.from)) / DAY_MS) + 1;
}

/** ?by=hour|day; by default hours for up to HOURLY_DAYS days; never hours past MAX_HOUR_DAYS. */
export function readResolution(search: URLSearchParams, range: DateRange): Resolution {
  const days = daysIn(range);
  if (days > MAX_HOUR_DAYS) return "day";
  const asked = search.get("by");
  if (asked === "hour" || asked === "day") return asked;
  return days <= HOURLY_DAYS ? "hour" : "day";
}

/** Today and the Monday starting this week (ISO 8601 weeks), in UTC. */
export function todayAndWeekStart(now = Date.now()): { today: string; weekStart: string } {
  const date = new Date(Date.parse(utcDay(now)));
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return { today: utcDay(date.getTime()), weekStart: utcDay(date.getTime() - sinceMonday * DAY_MS) };
}
