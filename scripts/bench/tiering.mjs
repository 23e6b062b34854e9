// Tiered statement bodies, measured by hand: seeds N statements (the bench population) into a fresh local LRS,
// times a set of query shapes, tiers every statement (PUT /admin/stores/default/tiering 0, then the
// statement-tiering job), times them again, and reports p50/p95 per shape with the statements table's bytes
// (a VACUUMed copy of the D1 file, SQLite's dbstat) before and after. Loopback only; stops the LRS it started.
// Usage: node scripts/bench/tiering.mjs [statements=5000] [runs per shape=40] [port=8900]
import { execFileSync } from "node:child_process";
import { copyFileSync, rmSync } from "node:fs";
import { AUTH, freshStateDir, startLrs } from "./lrs-process.mjs";
import { d1Files } from "./d1-cost.mjs";
import { seedStatement } from "../seed/population.mjs";

const N = Number(process.argv[2] ?? 5000);
const RUNS = Number(process.argv[3] ?? 40);
const PORT = Number(process.argv[4] ?? 8900);
const ADMIN = "tiering-bench-admin-token";
const END = Date.UTC(2026, 0, 1) + 1;

const stateDir = freshStateDir("tiering-bench");
const lrs = await startLrs({ port: PORT, stateDir, env: { LRS_ADMIN_TOKEN: ADMIN } });
const xapi = (path, init = {}) =>
  fetch(`${lrs.base}/xapi${path}`, { ...init, headers: { Authorization: AUTH, "X-Experience-API-Version": "1.0.3", "Content-Type": "application/json", ...init.headers } });
const admin = (path, init = {}) =>
  fetch(`${lrs.base}/admin${path}`, { ...init, headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json", ...init.headers } });

try {
  for (let s = 0; s < N; s += 100) {
    const body = Array.from({ length: Math.min(100, N - s) }, (_, k) => seedStatement(1, s + k, "1.0.3", END));
    const response = await xapi("/statements", { method: "POST", body: JSON.stringify(body) });
    if (response.status !== 200) throw new Error(`seed: ${response.status} ${await response.text()}`);
  }
  const sample = (await (await xapi(`/statements?limit=1&ascending=true`)).json()).statements[0];
  const shapes = {
    "newest 100": "limit=100",
    "ascending 100": "ascending=true&limit=100",
    agent: `agent=${encodeURIComponent(JSON.stringify(sample.actor))}&limit=100`,
    verb: `verb=${encodeURIComponent(sample.verb.id)}&limit=100`,
    activity: `activity=${encodeURIComponent(sample.object.id)}&limit=100`,
    "related activities": `activity=${encodeURIComponent(sample.object.id)}&related_activities=true&limit=100`,
    "page 500": "limit=500",
  };
  const before = await timeShapes(shapes);
  const bytesBefore = statementBytes();

  // The aggregator must have passed the statements (only those are tiered): run the job until it has them all.
  await admin("/stores/default/tiering", { method: "PUT", body: JSON.stringify({ tierAfterDays: 0 }) });
  let tiered = 0;
  for (let round = 0; round < 30 && tiered < N; round++) {
    const { job } = await (await admin("/stores/default/jobs", { method: "POST", body: JSON.stringify({ kind: "statement-tiering" }) })).json();
    const done = await waitForJob(job.id);
    tiered += done.counts?.statements ?? 0;
    if (tiered < N) await new Promise((r) => setTimeout(r, 1000));
  }
  const after = await timeShapes(shapes);
  const bytesAfter = statementBytes();
  const rows = Object.keys(shapes).map((name) => ({ shape: name, before: before[name], after: after[name] }));
  console.log(JSON.stringify({ statements: N, tiered, runsPerShape: RUNS, statementsTableBytes: { before: bytesBefore, after: bytesAfter } }));
  for (const row of rows) console.log(JSON.stringify(row));
} finally {
  await lrs.stop();
  rmSync(stateDir, { recursive: true, force: true });
}

async function timeShapes(shapes) {
  const out = {};
  for (const [name, query] of Object.entries(shapes)) {
    const times = [];
    let served = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const response = await xapi(`/statements?${query}`);
      const body = await response.json();
      times.push(performance.now() - started);
      if (response.status !== 200) throw new Error(`${name}: ${response.status}`);
      served = body.statements.length;
    }
    times.sort((a, b) => a - b);
    const at = (p) => Math.round(times[Math.min(times.length - 1, Math.floor(p * times.length))]);
    out[name] = { p50: at(0.5), p95: at(0.95), statements: served };
  }
  return out;
}

async function waitForJob(id) {
  for (let i = 0; i < 600; i++) {
    const job = await (await admin(`/stores/default/jobs/${id}`)).json();
    if (job.state === "succeeded" || job.state === "failed") return job;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`job ${id} did not finish`);
}

/** Bytes of the statements table and its indexes in a VACUUMed copy of the D1 file (dbstat). */
function statementBytes() {
  const [file] = d1Files(stateDir).sort((a, b) => b.length - a.length);
  const copy = `${stateDir}/copy.sqlite`;
  copyFileSync(file, copy);
  const sql = "VACUUM; SELECT sum(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_schema WHERE tbl_name = 'statements');";
  const out = execFileSync("sqlite3", [copy, sql]).toString().trim();
  rmSync(copy);
  return Number(out);
}
