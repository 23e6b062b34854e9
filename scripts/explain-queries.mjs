#!/usr/bin/env node
// `node scripts/explain-queries.mjs [--persist-dir DIR] [--endpoint URL]`: shows that every statement query
// shape is an index seek plus a bounded walk on a real (seeded) store. For each shape it prints EXPLAIN QUERY
// PLAN of exactly the SQL the query builder (src/xapi/statements/query/sql.ts) generates, run on the local D1
// database in DIR through `wrangler d1 execute --local`, and fails (exit 1) if a plan scans the statements or
// statement_index table or sorts in a temporary b-tree. With --endpoint (a running LRS on that store, e.g.
// `npm start`) it also times each shape over HTTP with limit=100 (median of --runs, default 5).
// Filter values are taken from the seed population (scripts/seed.mjs), so they exist in a seeded store.
// The same plans are asserted in the test suite: test/xapi/statements/query-plans.test.ts.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";
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
  },
});
const { buildStatementQuerySql } = await import("../src/xapi/statements/query/sql.ts");

const t = queryTargets(Number(args.statements));
const hour = 3_600_000;
const mid = Date.UTC(2025, 6, 1);
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
  ["verb+related_activities", { verb: t.verb, activity: t.course, related_activities: true }, [["verb", t.verb], ["related_activity", t.course]]],
  ["agent+registration+verb", { agent: t.agent, registration: t.registration, verb: t.verb },
    [["registration", t.registration], ["agent", `mbox:${t.agent.mbox}`], ["verb", t.verb]]],
].flatMap(([name, params, filters]) => [
  { name, params, plan: { filters, ascending: false } },
  { name: `${name} ascending since/until`, params: { ...params, ascending: true, since: new Date(mid - 24 * hour).toISOString(), until: new Date(mid).toISOString() },
    plan: { filters, ascending: true, sinceMs: mid - 24 * hour, untilMs: mid } },
]);

const literal = (value) => (typeof value === "number" ? String(value) : `'${String(value).replace(/'/g, "''")}'`);
function inline({ sql, params }) {
  let i = 0;
  return sql.replace(/\?/g, () => literal(params[i++]));
}

const statements = SHAPES.map(({ plan }) => {
  const built = buildStatementQuerySql({
    storeId: "default",
    filters: plan.filters.map(([kind, value]) => ({ kind, value })),
    ascending: plan.ascending,
    sinceMs: plan.sinceMs,
    untilMs: plan.untilMs,
    fetch: 101,
  });
  return `EXPLAIN QUERY PLAN ${inline(built)}`;
});
const run = spawnSync(
  "wrangler",
  ["d1", "execute", "DB", "--local", "--persist-to", resolve(args["persist-dir"]), "--json", "--command", statements.join(";\n")],
  { encoding: "utf8", env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" }, maxBuffer: 64 << 20 },
);
if (run.status !== 0) {
  console.error(run.stderr || run.stdout);
  process.exit(1);
}
const results = JSON.parse(run.stdout);
let bad = 0;
SHAPES.forEach((shape, i) => {
  const details = results[i].results.map((row) => row.detail);
  const scans = details.filter((d) => /\bSCAN (s|d|f|statements|statement_index)\b|TEMP B-TREE/.test(d));
  bad += scans.length > 0 ? 1 : 0;
  console.log(`${scans.length ? "FAIL" : "ok  "} ${shape.name}`);
  for (const d of details) console.log(`       ${d}`);
});

if (args.endpoint) {
  const base = args.endpoint.replace(/\/+$/, "").replace(/\/xapi$/, "");
  const auth = `Basic ${Buffer.from(`${args.key}:${args.secret}`).toString("base64")}`;
  console.log("\nlatency over HTTP, limit=100 (median ms, statements returned)");
  for (const shape of SHAPES) {
    const search = new URLSearchParams({ limit: "100" });
    for (const [name, value] of Object.entries(shape.params)) search.set(name, typeof value === "object" ? JSON.stringify(value) : String(value));
    const times = [];
    let count = 0;
    for (let r = 0; r < Number(args.runs); r++) {
      const started = performance.now();
      const response = await fetch(`${base}/xapi/statements?${search}`, { headers: { Authorization: auth, "X-Experience-API-Version": "2.0.0" } });
      const body = await response.json();
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${shape.name}: ${response.status} ${JSON.stringify(body)}`);
      count = body.statements.length;
    }
    times.sort((a, b) => a - b);
    console.log(`  ${shape.name.padEnd(48)} ${times[Math.floor(times.length / 2)].toFixed(1).padStart(8)} ms  ${count}`);
  }
}
if (bad) {
  console.error(`\n${bad} query shape(s) scan a table`);
  process.exit(1);
}
