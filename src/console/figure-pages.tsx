// Overview and Dashboard of a store: counters and charts from the rollups (src/statement-store/rollups/read.ts), names for the
// top rows (display-names.ts), numbers in the viewer's locale (viewer-locale.ts).
import type { Context } from "hono";
import { bucketRange } from "../statement-store/rollups/dimensions";
import { readFreshness, type Freshness as CountedThrough } from "../statement-store/rollups/freshness";
import {
  completionAndPassRates,
  firstDay,
  scoreHistogram,
  statementsPerDay,
  statementsPerHour,
  topActivities,
  topVerbs,
  totals,
} from "../statement-store/rollups/read";
import type { ConsoleEnv } from "./console-env";
import { type DateRange, dataRange, namesRange, readDateRange, readResolution, type Resolution, todayAndWeekStart } from "./date-range";
import { lookUpNames } from "./display-names";
import { Chart, Layout } from "./layout";
import { principalWith, storeBase } from "./store-access";
import { formatBytes, storageUsed } from "./storage-used";
import { Forbidden } from "./ui";
import { localeOf, type ViewerLocale } from "./viewer-locale";

export async function overviewPage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read");
  const storeId = c.get("principal").storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "overview" as const };
  if (!principal) return c.html(<Forbidden frame={{ ...frame, title: "Overview" }} scope="statements/read" />, 403);
  const search = new URL(c.req.url).searchParams;
  const db = c.get("db");
  const now = Date.now();
  // Without a chosen range, the store's own data decides: a young store's days, by the hour.
  const range = namesRange(search) ? readDateRange(search, now) : dataRange(await firstDay(db, storeId), now);
  const resolution = readResolution(search, range);
  const locale = localeOf(c);
  const [counts, series, storage] = await Promise.all([
    totals(db, storeId, todayAndWeekStart(now), { freshness: true }),
    statementsSeries(db, storeId, range, resolution, now),
    storageUsed(db, storeId),
  ]);
  const figures: [string, string, string][] = [
    ["today", "Statements today", locale.count(counts.today)],
    ["week", "Statements this week", locale.count(counts.thisWeek)],
    ["total", "Statements in total", locale.count(counts.total)],
    ["learners-today", "Active learners today", locale.count(counts.activeLearnersToday)],
    ["learners-week", "Active learners this week", locale.count(counts.activeLearnersThisWeek)],
    ["storage", "Storage used (documents and attachments)", formatBytes(storage.documentBytes + storage.attachmentBytes)],
  ];
  const per = resolution === "hour" ? "hour" : "day";
  return c.html(
    <Layout {...frame} title="Overview">
      <dl class="figures">
        {figures.map(([id, label, value]) => (
          <div class="figure">
            <dt>{label}</dt>
            <dd data-figure={id}>{value}</dd>
          </div>
        ))}
      </dl>
      <Freshness freshness={counts.freshness!} />
      <RangeForm action={storeBase(storeId)} range={range} resolution={resolution} />
      <Chart
        id="statements-per-day"
        kind="line"
        resolution={resolution}
        locale={locale}
        caption={`Statements per ${per}, ${range.from} to ${range.to} (UTC)`}
        labels={series.map((d) => d.label)}
        values={series.map((d) => d.count)}
        labelHeading={resolution === "hour" ? "Hour (UTC)" : "Day"}
        valueHeading="Statements"
      />
    </Layout>,
  );
}

/** Per day, or per hour up to the current hour (a chart of a young store ends now, not at midnight). */
async function statementsSeries(db: D1Database, storeId: string, range: DateRange, resolution: Resolution, now: number) {
  if (resolution === "day") {
    return (await statementsPerDay(db, storeId, range.from, range.to)).map((d) => ({ label: d.day, count: d.count }));
  }
  const current = new Date(now).toISOString().slice(0, 13);
  const hours = await statementsPerHour(db, storeId, range.from, range.to);
  return hours.filter((h) => h.hour <= current).map((h) => ({ label: h.hour, count: h.count }));
}

export async function dashboardPage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read");
  const storeId = c.get("principal").storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "dashboard" as const };
  if (!principal) return c.html(<Forbidden frame={{ ...frame, title: "Dashboard" }} scope="statements/read" />, 403);
  const range = readDateRange(new URL(c.req.url).searchParams);
  const db = c.get("db");
  const locale = localeOf(c);
  const [verbs, activities, outcomes, scores, freshness] = await Promise.all([
    topVerbs(db, storeId, range.from, range.to),
    topActivities(db, storeId, range.from, range.to),
    completionAndPassRates(db, storeId, range.from, range.to),
    scoreHistogram(db, storeId, range.from, range.to),
    readFreshness(db, storeId),
  ]);
  const names = await lookUpNames(
    db,
    storeId,
    { verbs: verbs.map((v) => v.value), activities: activities.map((a) => a.value) },
    locale,
    c.env.BLOBS,
  );
  const base = storeBase(storeId);
  return c.html(
    <Layout {...frame} title="Dashboard">
      <RangeForm action={`${base}/dashboard`} range={range} />
      <Freshness freshness={freshness} />
      <div class="cards">
        <section class="card">
          <h2>Top verbs</h2>
          <RankTable
            heading="Verb"
            locale={locale}
            rows={verbs.map((v) => ({
              label: names.verb(v.value),
              id: v.value,
              count: v.count,
              href: `${base}/statements?verb=${encodeURIComponent(v.value)}`,
            }))}
          />
        </section>
        <section class="card">
          <h2>Top activities</h2>
          <RankTable
            heading="Activity"
            locale={locale}
            rows={activities.map((a) => ({
              label: names.activity(a.value),
              id: a.value,
              count: a.count,
              href: `${base}/activity?activityId=${encodeURIComponent(a.value)}`,
            }))}
          />
        </section>
        <section class="card">
          <h2>Completion and pass rates</h2>
          <Outcomes outcomes={outcomes} locale={locale} />
        </section>
      </div>
      <ScoreChart id="score-histogram" scores={scores} locale={locale} caption={`Scaled scores, ${range.from} to ${range.to}`} />
    </Layout>,
  );
}

/**
 * How far the figures reach: the rollups are counted off the request path (src/statement-store/rollups/aggregate.ts), usually
 * within a second of each write, so a page says up to which stored time they count and what waits.
 */
export function Freshness(props: { freshness: CountedThrough }) {
  const { countedThroughMs, uncountedThroughMs } = props.freshness;
  const utc = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
  return (
    <p class="freshness" data-freshness data-counted-through={countedThroughMs ?? ""} data-uncounted-through={uncountedThroughMs ?? ""}>
      {countedThroughMs === null ? "No statement counted yet." : `Figures include statements stored up to ${utc(countedThroughMs)}.`}
      {uncountedThroughMs === null
        ? ""
        : ` Statements stored ${countedThroughMs === null ? `up to ${utc(uncountedThroughMs)}` : `since, up to ${utc(uncountedThroughMs)},`} are not counted yet (counting runs in the background).`}
    </p>
  );
}

export function RangeForm(props: { action: string; range: DateRange; extra?: Record<string, string>; resolution?: Resolution }) {
  return (
    <form method="get" action={props.action} class="range">
      {Object.entries(props.extra ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label for="from">From (UTC)</label>
      <input id="from" name="from" type="date" value={props.range.from} />
      <label for="to">To (UTC)</label>
      <input id="to" name="to" type="date" value={props.range.to} />
      {props.resolution && (
        <>
          <label for="by">Per</label>
          <select id="by" name="by">
            <option value="day" selected={props.resolution === "day"}>
              day
            </option>
            <option value="hour" selected={props.resolution === "hour"}>
              hour (ranges up to a week)
            </option>
          </select>
        </>
      )}
      <button type="submit">Show</button>
    </form>
  );
}

export type RankRow = { label: string; id: string; count: number; href: string };

/** Ranked names with their statement counts; the identifier stays on hover and in a detail line. */
export function RankTable(props: { heading: string; rows: RankRow[]; locale: ViewerLocale }) {
  if (props.rows.length === 0) return <p>No statements in this range.</p>;
  return (
    <table class="rank">
      <thead>
        <tr>
          <th scope="col">{props.heading}</th>
          <th scope="col" class="count">
            Statements
          </th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            <td class="wrap">
              <a href={row.href} title={row.id} data-rank-name>
                {row.label}
              </a>
              {row.label !== row.id && <small class="identifier">{row.id}</small>}
            </td>
            <td class="count" data-rank-count>
              {props.locale.count(row.count)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Outcomes(props: { outcomes: Awaited<ReturnType<typeof completionAndPassRates>>; locale: ViewerLocale }) {
  const o = props.outcomes;
  const { count, percent } = props.locale;
  return (
    <dl class="outcomes">
      <dt>Completion rate</dt>
      <dd data-figure="completion-rate">
        {percent(o.completionRate)} ({count(o.completed)} completed, {count(o.incomplete)} incomplete)
      </dd>
      <dt>Pass rate</dt>
      <dd data-figure="pass-rate">
        {percent(o.passRate)} ({count(o.passed)} passed, {count(o.failed)} failed)
      </dd>
    </dl>
  );
}

export function ScoreChart(props: { id: string; scores: number[]; caption: string; locale: ViewerLocale }) {
  const labels = props.scores.map((_, i) => {
    const [low, high] = bucketRange(i);
    return `${props.locale.percent(low)}–${props.locale.percent(high)}`;
  });
  return (
    <Chart
      id={props.id}
      kind="bars"
      locale={props.locale}
      caption={props.caption}
      labels={labels}
      values={props.scores}
      labelHeading="Score"
      valueHeading="Statements"
    />
  );
}
