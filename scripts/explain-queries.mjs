#!/usr/bin/env node
// `npx node scripts/explain-queries.mjs [--persist-dir DIR] [--endpoint URL]` (the project's Node 22: it imports
// TypeScript and node:sqlite): shows that every statement query
// shape is an index seek plus a bounded walk on a real (seeded, see scripts/seed.mjs) local store. It opens the
// store's D1 database file in DIR read-only (node:sqlite) and, for each shape, prints EXPLAIN QUERY PLAN of exactly
// the SQL the query builder (src/statement-store/query/sql.ts) generates, then times that SQL (median of --runs,
// with the selectivity probe when the shape has two or more filters). It exits 1 if a plan scans statements,
// index_entries, index_values or statement_refs (under any of the query's aliases), or sorts more than the bounded
// sets the query test allows (test/xapi/statements/query-plans.test.ts: FILTERED_SORTS, plus the byte budget's
// two). With --endpoint (a running LRS on that store, e.g. `npm start`) it also times each shape end to end over
// HTTP with limit=100.
// Filter values come from the seed population, so they exist in a seeded store.
// The same plans are asserted in the test suite: test/xapi/statements/query-plans.test.ts.
import { readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { queryTargets } from "./bench/statements.mjs";

const { values: args } = parseArgs({
  options: {
    "persist-dir": { type: "string", default: ".wrangler/state" },
    endpoint: { type: "string" },
    key: { type: "string", default: "dev-key" },
    secret: { type: "string", default: "dev-secret" },
    statements: { type: "string", default: "1000000" },
    runs: { type: "string", default: "5" },
    limit: { type: "string", default: "100" },
  },
});
// Bundled by esbuild, not imported as TypeScript: the query modules import without extensions (as the Worker's
// bundler allows), which Node's type stripping cannot resolve.
const { buildSelectivitySql, buildStatementQuerySql, PAGE_TEXT_BUDGET, orderByCounts, rankByKind, SELECTIVITY_DEPTH } =
  await importQueryModules();

async function importQueryModules() {
  const { build } = await import("esbuild");
  const entry =
    `export { buildSelectivitySql, buildStatementQuerySql, PAGE_TEXT_BUDGET } from "./src/statement-store/query/sql.ts";\n` +
    `export { orderByCounts, rankByKind, SELECTIVITY_DEPTH } from "./src/statement-store/query/selectivity.ts";\n`;
  const out = await build({
    stdin: { contents: entry, resolveDir: resolve(import.meta.dirname, ".."), loader: "ts" },
    bundle: true,
    format: "esm",
    platform: "node",
    write: false,
    logLevel: "error",
  });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString("base64")}`);
}

const d1Dir = join(resolve(args["persist-dir"]), "v3", "d1", "miniflare-D1DatabaseObject");
const file = readdirSync(d1Dir).find((name) => name.endsWith(".sqlite") && name !== "metadata.sqlite");
if (!file) throw new Error(`no D1 database in ${d1Dir}`);
const db = new DatabaseSync(join(d1Dir, file), { readOnly: true });
const limit = Number(args.limit);
const runs = Number(args.runs);

const count = db.prepare("SELECT count(*) AS n FROM statements WHERE store_id = 'default'").get().n;
const first = db.prepare("SELECT stored_ms AS ms FROM statements WHERE store_id = 'default' ORDER BY seq LIMIT 1").get()?.ms ?? 0;
const last = db.prepare("SELECT stored_ms AS ms FROM statements WHERE store_id = 'default' ORDER BY seq DESC LIMIT 1").get()?.ms ?? 0;
// A window of the middle tenth of the store's stored times.
const sinceMs = Math.round(first + (last - first) * 0.45);
const untilMs = Math.round(first + (last - first) * 0.55);
console.log(`store: ${count} statements, stored ${new Date(first).toISOString()} .. ${new Date(last).toISOString()}\n`);

const t = queryTargets(Number(args.statements));
const SHAPES = [
  ["no filter", {}, []],
  ["agent", { agent: t.agent }, [["agent", `mbox:${t.agent.mbox}`]]],
  ["verb", { verb: t.verb }, [["verb", t.verb]]],
  ["activity", { activity: t.activity }, [["activity", t.activity]]],
  ["registration", { registration: t.registration }, [["registration", t.registration]]],
  ["related_activities", { activity: t.course, related_activities: true }, [["related_activity", t.course]]],
  ["related_agents", { agent: t.instructor, related_agents: true }, [["related_agent", `mbox:${t.instructor.mbox}`]]],
  ["agent+verb", { agent: t.agent, verb: t.verb }, [["agent", `mbox:${t.agent.mbox}`], ["verb", t.verb]]],
  ["verb+activity", { verb: t.verb, activity: t.activity }, [["verb", t.verb], ["activity", t.activity]]],
  ["verb+related_activities", { verb: t.verb, activity: t.course, related_activities: true },
    [["verb", t.verb], ["related_activity", t.course]]],
  ["agent+registration+verb", { agent: t.agent, registration: t.registration, verb: t.verb },
    [["registration", t.registration], ["agent", `mbox:${t.agent.mbox}`], ["verb", t.verb]]],
].flatMap(([name, params, filters]) => [
  { name, params, plan: { filters, ascending: false } },
  {
    name: `${name}, ascending, since/until`,
    params: { ...params, ascending: true, since: new Date(sinceMs).toISOString(), until: new Date(untilMs).toISOString() },
    plan: { filters, ascending: true, sinceMs, untilMs },
  },
]);

// As in test/xapi/statements/query-plans.test.ts: a scan of a table or of one of the query's aliases of a table
// (the CTEs, such as `direct` or `chain`, are bounded by the page).
const TABLE_SCAN = /\bSCAN (s|d|f|n|b|r|br|bt|kr|cr|t|statements|index_entries|index_values|statement_refs)\b/;
const FILTERED_SORTS = 5;
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
let bad = 0;
console.log("SQL on the store file (median ms over", runs, "runs, rows; the probe is included for 2+ filters)");
for (const shape of SHAPES) {
  // The driving filter is chosen as src/statement-store/query/index-read.ts does: a probe, then the rarest first.
  const ranked = rankByKind(shape.plan.filters.map(([kind, value]) => ({ kind, value })));
  const { ascending, sinceMs, untilMs } = shape.plan;
  const probe = ranked.length > 1 ? buildSelectivitySql("default", ranked, SELECTIVITY_DEPTH, { ascending, sinceMs, untilMs }) : undefined;
  const fromStart = sinceMs === undefined && untilMs === undefined;
  const filters = probe ? orderByCounts(ranked, db.prepare(probe.sql).get(...probe.params), { ascending, fromStart }) ?? ranked : ranked;
  const built = buildStatementQuerySql({ storeId: "default", ...shape.plan, filters, fetch: limit + 1, maxBytes: PAGE_TEXT_BUDGET });
  const details = db.prepare(`EXPLAIN QUERY PLAN ${built.sql}`).all(...built.params).map((row) => row.detail);
  // Two in-memory sorts belong to the byte budget's window over the LIMITed page; a filtered page adds its bounded
  // sets (direct rows, referring candidates both ways, chains by candidate, the union); one more would sort the store.
  const sorts = details.filter((d) => /TEMP B-TREE/.test(d));
  const allowedSorts = 2 + (shape.plan.filters.length === 0 ? 0 : FILTERED_SORTS);
  const scans = [...details.filter((d) => TABLE_SCAN.test(d)), ...sorts.slice(allowedSorts)];
  bad += scans.length > 0 ? 1 : 0;
  const times = [];
  let rows = 0;
  for (let r = 0; r < runs; r++) {
    const started = performance.now();
    if (probe) db.prepare(probe.sql).get(...probe.params);
    rows = db.prepare(built.sql).all(...built.params).length;
    times.push(performance.now() - started);
  }
  const driver = filters[0] ? ` (drives: ${filters[0].kind})` : "";
  console.log(`${scans.length ? "FAIL" : "ok  "} ${(shape.name + driver).padEnd(64)} ${median(times).toFixed(2).padStart(8)} ms  ${rows} rows`);
  for (const d of details) console.log(`       ${d}`);
}

if (args.endpoint) {
  const base = args.endpoint.replace(/\/+$/, "").replace(/\/xapi$/, "");
  const auth = `Basic ${Buffer.from(`${args.key}:${args.secret}`).toString("base64")}`;
  const headers = { Authorization: auth, "X-Experience-API-Version": "2.0.0" };
  const time = async (path) => {
    const started = performance.now();
    const response = await fetch(`${base}${path}`, { headers });
    const body = await response.json();
    if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - started, body };
  };
  const about = [];
  for (let r = 0; r < runs; r++) about.push((await time("/xapi/about")).ms);
  console.log(`\nend to end over HTTP, limit=${limit} (median ms; GET /xapi/about for comparison: ${median(about).toFixed(1)} ms)`);
  for (const shape of SHAPES) {
    const search = new URLSearchParams({ limit: String(limit) });
    for (const [name, value] of Object.entries(shape.params)) {
      search.set(name, typeof value === "object" ? JSON.stringify(value) : String(value));
    }
    const times = [];
    let statements = 0;
    for (let r = 0; r < runs; r++) {
      const { ms, body } = await time(`/xapi/statements?${search}`);
      times.push(ms);
      statements = body.statements.length;
    }
    console.log(`  ${shape.name.padEnd(64)} ${median(times).toFixed(1).padStart(8)} ms  ${statements} statements`);
  }
}
db.close();
if (bad) {
  console.error(`\n${bad} query shape(s) scan a table or sort more than the page`);
  process.exit(1);
}
