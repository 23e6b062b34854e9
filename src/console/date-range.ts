// The date range of figure pages: ?from=YYYY-MM-DD&to=YYYY-MM-DD (UTC days, both inclusive, as the rollups
// key them), 30 days up to today by default, at most two years so a chart stays readable and cheap.
import { utcDay } from "../rollups/dimensions";

const DAY_MS = 86_400_000;
const MAX_DAYS = 731;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

export type DateRange = { from: string; to: string };

export function readDateRange(search: URLSearchParams, now = Date.now(), defaultDays = 30): DateRange {
  const parse = (value: string | null) => (value && DAY.test(value) && Number.isFinite(Date.parse(value)) ? Date.parse(value) : undefined);
  const toMs = parse(search.get("to")) ?? Date.parse(utcDay(now));
  let fromMs = parse(search.get("from")) ?? toMs - (defaultDays - 1) * DAY_MS;
  if (fromMs > toMs) fromMs = toMs;
  if ((toMs - fromMs) / DAY_MS >= MAX_DAYS) fromMs = toMs - (MAX_DAYS - 1) * DAY_MS;
  return { from: utcDay(fromMs), to: utcDay(toMs) };
}

/** Today and the Monday starting this week (ISO 8601 weeks), in UTC. */
export function todayAndWeekStart(now = Date.now()): { today: string; weekStart: string } {
  const date = new Date(Date.parse(utcDay(now)));
  const sinceMonday = (date.getUTCDay() + 6) % 7;
  return { today: utcDay(date.getTime()), weekStart: utcDay(date.getTime() - sinceMonday * DAY_MS) };
}
