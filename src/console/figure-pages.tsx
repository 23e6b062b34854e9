// Overview and Dashboard of a store: counters and charts from the per-day rollups (src/rollups/read.ts).
import type { Context } from "hono";
import { bucketRange } from "../rollups/dimensions";
import { completionAndPassRates, scoreHistogram, statementsPerDay, topActivities, topVerbs, totals } from "../rollups/read";
import type { ConsoleEnv } from "./console-env";
import { type DateRange, readDateRange, todayAndWeekStart } from "./date-range";
import { Chart, Layout } from "./layout";
import { principalWith, storeBase } from "./store-access";
import { formatBytes, storageUsed } from "./storage-used";
import { Forbidden } from "./ui";

export async function overviewPage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read");
  const storeId = c.get("principal").storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "overview" as const };
  if (!principal) return c.html(<Forbidden frame={{ ...frame, title: "Overview" }} scope="statements/read" />, 403);
  const range = readDateRange(new URL(c.req.url).searchParams);
  const db = c.get("db");
  const [counts, perDay, storage] = await Promise.all([
    totals(db, storeId, todayAndWeekStart()),
    statementsPerDay(db, storeId, range.from, range.to),
    storageUsed(db, storeId),
  ]);
  const figures: [string, string, string][] = [
    ["today", "Statements today", String(counts.today)],
    ["week", "Statements this week", String(counts.thisWeek)],
    ["total", "Statements in total", String(counts.total)],
    ["learners-today", "Active learners today", String(counts.activeLearnersToday)],
    ["learners-week", "Active learners this week", String(counts.activeLearnersThisWeek)],
    ["storage", "Storage used (documents and attachments)", formatBytes(storage.documentBytes + storage.attachmentBytes)],
  ];
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
      <RangeForm action={storeBase(storeId)} range={range} />
      <Chart
        id="statements-per-day"
        kind="line"
        caption={`Statements per day, ${range.from} to ${range.to} (UTC)`}
        labels={perDay.map((d) => d.day)}
        values={perDay.map((d) => d.count)}
        labelHeading="Day"
        valueHeading="Statements"
      />
    </Layout>,
  );
}

export async function dashboardPage(c: Context<ConsoleEnv>): Promise<Response> {
  const principal = principalWith(c, "statements/read");
  const storeId = c.get("principal").storeId;
  const frame = { viewer: c.get("viewer"), csrf: c.get("csrf"), storeId, current: "dashboard" as const };
  if (!principal) return c.html(<Forbidden frame={{ ...frame, title: "Dashboard" }} scope="statements/read" />, 403);
  const range = readDateRange(new URL(c.req.url).searchParams);
  const db = c.get("db");
  const [verbs, activities, outcomes, scores] = await Promise.all([
    topVerbs(db, storeId, range.from, range.to),
    topActivities(db, storeId, range.from, range.to),
    completionAndPassRates(db, storeId, range.from, range.to),
    scoreHistogram(db, storeId, range.from, range.to),
  ]);
  const base = storeBase(storeId);
  return c.html(
    <Layout {...frame} title="Dashboard">
      <RangeForm action={`${base}/dashboard`} range={range} />
      <div class="cards">
        <section class="card">
          <h2>Top verbs</h2>
          <RankTable
            heading="Verb"
            rows={verbs.map((v) => ({ label: v.value, count: v.count, href: `${base}/statements?verb=${encodeURIComponent(v.value)}` }))}
          />
        </section>
        <section class="card">
          <h2>Top activities</h2>
          <RankTable
            heading="Activity"
            rows={activities.map((a) => ({
              label: a.value,
              count: a.count,
              href: `${base}/activity?activityId=${encodeURIComponent(a.value)}`,
            }))}
          />
        </section>
        <section class="card">
          <h2>Completion and pass rates</h2>
          <Outcomes outcomes={outcomes} />
        </section>
      </div>
      <ScoreChart id="score-histogram" scores={scores} caption={`Scaled scores, ${range.from} to ${range.to}`} />
    </Layout>,
  );
}

export function RangeForm(props: { action: string; range: DateRange; extra?: Record<string, string> }) {
  return (
    <form method="get" action={props.action} class="range">
      {Object.entries(props.extra ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <label for="from">From (UTC)</label>
      <input id="from" name="from" type="date" value={props.range.from} />
      <label for="to">To (UTC)</label>
      <input id="to" name="to" type="date" value={props.range.to} />
      <button type="submit">Show</button>
    </form>
  );
}

export function RankTable(props: { heading: string; rows: { label: string; count: number; href: string }[] }) {
  if (props.rows.length === 0) return <p>No statements in this range.</p>;
  return (
    <table class="rank">
      <thead>
        <tr>
          <th scope="col">{props.heading}</th>
          <th scope="col">Statements</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr>
            <td class="wrap">
              <a href={row.href}>{row.label}</a>
            </td>
            <td>{row.count}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const percent = (rate: number | null) => (rate === null ? "—" : `${Math.round(rate * 100)}%`);

export function Outcomes(props: { outcomes: Awaited<ReturnType<typeof completionAndPassRates>> }) {
  const o = props.outcomes;
  return (
    <dl class="outcomes">
      <dt>Completion rate</dt>
      <dd data-figure="completion-rate">
        {percent(o.completionRate)} ({o.completed} completed, {o.incomplete} incomplete)
      </dd>
      <dt>Pass rate</dt>
      <dd data-figure="pass-rate">
        {percent(o.passRate)} ({o.passed} passed, {o.failed} failed)
      </dd>
    </dl>
  );
}

export function ScoreChart(props: { id: string; scores: number[]; caption: string }) {
  const labels = props.scores.map((_, i) => {
    const [low, high] = bucketRange(i);
    return `${Math.round(low * 100)}–${Math.round(high * 100)}%`;
  });
  return (
    <Chart id={props.id} kind="bars" caption={props.caption} labels={labels} values={props.scores} labelHeading="Score" valueHeading="Statements" />
  );
}
