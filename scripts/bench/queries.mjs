// Query latency by shape at a given store size, and paging to the end of a filtered result.
import { batchBody } from "./bodies.mjs";
import { d1Rows } from "./d1-cost.mjs";
import { call, closedLoop, latencySummary } from "./http.mjs";
import { queryTargets } from "./statements.mjs";

/**
 * Loads statements numbered `from`..`to-1` in POSTed batches of 1000 (the same generator, so the query targets
 * exist).
 */
export async function loadStore(base, { from, to, concurrency = 4 }) {
  let nextFrom = from;
  const total = to - from;
  let done = 0;
  let rowsWritten = 0;
  const started = performance.now();
  const result = await closedLoop({
    concurrency,
    seconds: 3600,
    maxRequests: Math.ceil(total / 1000),
    async task() {
      const start = nextFrom;
      const count = Math.min(1000, to - start);
      nextFrom += count;
      const { body } = batchBody(start, count, true);
      const r = await call(base, "/xapi/statements", { method: "POST", json: body });
      const ok = r.status === 200;
      if (ok) {
        done += count;
        rowsWritten += d1Rows(r.headers)?.written ?? 0;
        const reached = (from + done) / to;
        if (reached >= 1 || done % 50_000 < 1000) process.stdout.write(`  loaded ${from + done}/${to}\r`);
      }
      return { ok, ms: r.ms, items: count, status: r.status, error: ok ? undefined : `${r.status} ${r.text.slice(0, 200)}` };
    },
  });
  process.stdout.write("\n");
  return { ...result, loaded: done, rowsWritten, seconds: Math.round((performance.now() - started) / 10) / 100 };
}

/** Every query shape, as a query string with limit=100. */
export function queryShapes(size, marks) {
  const t = queryTargets(size);
  const agent = encodeURIComponent(JSON.stringify(t.agent));
  const instructor = encodeURIComponent(JSON.stringify(t.instructor));
  const e = encodeURIComponent;
  const since = marks.since ? `since=${e(marks.since)}` : "";
  const until = marks.until ? `until=${e(marks.until)}` : "";
  const shapes = {
    "no filter": "",
    agent: `agent=${agent}`,
    verb: `verb=${e(t.verb)}`,
    activity: `activity=${e(t.activity)}`,
    registration: `registration=${t.registration}`,
    "related_agents (instructor)": `agent=${instructor}&related_agents=true`,
    "related_activities (course)": `activity=${e(t.course)}&related_activities=true`,
    since,
    until,
    "since+until": `${since}&${until}`,
    "agent+verb": `agent=${agent}&verb=${e(t.verb)}`,
    "verb+since": `verb=${e(t.verb)}&${since}`,
    "activity+registration": `activity=${e(t.activity)}&registration=${t.registration}`,
    "related_activities+verb+until": `activity=${e(t.course)}&related_activities=true&verb=${e(t.verb)}&${until}`,
    ascending: "ascending=true",
    "agent+ascending": `agent=${agent}&ascending=true`,
    "format=ids": "format=ids",
    "format=canonical": "format=canonical",
  };
  return Object.fromEntries(Object.entries(shapes).map(([name, q]) => [name, `limit=100${q ? `&${q}` : ""}`]));
}

/** p50/p95 of each shape (sequential requests after a short warm-up), then paging to the end of two results. */
export async function queryPhase(base, { size, marks, repeats, pageLimit }) {
  const shapes = queryShapes(size, marks);
  const results = [];
  let errors = 0;
  for (const [name, query] of Object.entries(shapes)) {
    const headers = name === "format=canonical" ? { "Accept-Language": "fr-FR" } : {};
    let returned = 0;
    let rows;
    const latencies = [];
    for (let n = 0; n < repeats + 3; n++) {
      const r = await call(base, `/xapi/statements?${query}`, { headers });
      if (r.status !== 200) {
        errors++;
        if (n === 0) console.log(`  ${name}: ${r.status} ${r.text.slice(0, 160)}`);
        continue;
      }
      if (n >= 3) latencies.push(r.ms);
      else returned = JSON.parse(r.text).statements?.length ?? 0;
      rows = d1Rows(r.headers);
    }
    // D1's rows read for the whole request (authentication and Consistent-Through included).
    results.push({ shape: name, query, returned, rowsRead: rows?.read, d1Queries: rows?.queries, ...latencySummary(latencies) });
  }
  const t = queryTargets(size);
  const paging = [];
  for (const [name, query] of [
    ["activity", `limit=100&activity=${encodeURIComponent(t.activity)}`],
    ["agent", `limit=100&agent=${encodeURIComponent(JSON.stringify(t.agent))}`],
    ["related_activities (course)", `limit=100&activity=${encodeURIComponent(t.course)}&related_activities=true`],
  ]) {
    paging.push(await pageToEnd(base, name, `/xapi/statements?${query}`, pageLimit));
  }
  errors += paging.reduce((sum, p) => sum + p.errors, 0);
  return { size, shapes: results, paging, errors };
}

async function pageToEnd(base, name, first, pageLimit) {
  const latencies = [];
  let path = first;
  let statements = 0;
  let errors = 0;
  const ids = new Set();
  const started = performance.now();
  while (path && latencies.length < pageLimit) {
    const r = await call(base, path);
    latencies.push(r.ms);
    if (r.status !== 200) {
      errors++;
      break;
    }
    const page = JSON.parse(r.text);
    for (const s of page.statements ?? []) ids.add(s.id);
    statements += page.statements?.length ?? 0;
    path = page.more || "";
  }
  return {
    shape: name,
    pages: latencies.length,
    statements,
    duplicates: statements - ids.size,
    complete: !path,
    totalMs: Math.round(performance.now() - started),
    errors,
    ...latencySummary(latencies),
  };
}

/** Throughput of a mixed query load at `concurrency` (what a dashboard fleet does). */
export async function queryThroughput(base, { size, marks, concurrency, seconds }) {
  const queries = Object.values(queryShapes(size, marks));
  const result = await closedLoop({
    concurrency,
    seconds,
    async task(n) {
      const r = await call(base, `/xapi/statements?${queries[n % queries.length]}`);
      return { ok: r.status === 200, ms: r.ms, status: r.status, error: r.status === 200 ? undefined : `${r.status} ${r.text.slice(0, 160)}` };
    },
  });
  return { size, ...result };
}

/**
 * since/until for the query phase, from the store itself: the stored times 40 % and 70 % of the way between its
 * oldest and newest statement (so a reused store gets sensible bounds too).
 */
export async function storedMarks(base) {
  const stored = async (ascending) => {
    const r = await call(base, `/xapi/statements?limit=1&format=ids&ascending=${ascending}`);
    return r.status === 200 ? Date.parse(JSON.parse(r.text).statements[0]?.stored ?? "") : NaN;
  };
  const [first, last] = [await stored(true), await stored(false)];
  if (!Number.isFinite(first) || !Number.isFinite(last)) return {};
  const at = (f) => new Date(first + (last - first) * f).toISOString();
  return { since: at(0.4), until: at(0.7) };
}
