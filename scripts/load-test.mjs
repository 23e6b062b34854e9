#!/usr/bin/env node
// `npm run test:load [-- --seconds 60] [--short] [--concurrency 48]`
// 1. Steady pass: mixed traffic (statement batches and PUTs, queries, reads of own writes, State document writes
//    and merges) at high concurrency against a fresh LRS on 127.0.0.1; then every acknowledged statement is
//    fetched back: zero lost, zero 5xx, zero refused valid requests.
// 2. Crash pass: the same traffic, and in the middle of it SIGKILL of the whole LRS process tree; restart on the
//    same state folder; every acknowledged statement and document write is there, and every batch is entirely
//    present or entirely absent.
// 3. Jobs pass: a durable job of every kind (an agent erasure of several steps, a store deletion, and a rollup
//    rebuild, orphan sweep and export of a third store) started, SIGKILL of the LRS, restart: the erasure was cut
//    off mid-way, and all complete, their work entire (scripts/load/jobs-across-crash.mjs).
// 4. Forwarding pass: a webhook forwarder to a loopback receiver while ingesting, SIGKILL mid-delivery, restart:
//    every acknowledged statement arrives, repeats only of sent statements, first arrivals in stored order
//    (scripts/load/forwarding-across-crash.mjs).
// Loopback only, bounded in time; exits non-zero on any violation and prints one summary line.
import { parseArgs } from "node:util";
import { call } from "./bench/http.mjs";
import { newLedger, verifyDocuments, verifyStatements } from "./bench/ledger.mjs";
import { freshStateDir, removeStateDir, sleep, startLrs, stopAllSync } from "./bench/lrs-process.mjs";
import { mixedTraffic } from "./bench/mixed-traffic.mjs";
import { jobStates, seedJobs, startedJobs, startJobs, verifyJobs } from "./load/jobs-across-crash.mjs";
import { forwardingAcrossCrash } from "./load/forwarding-across-crash.mjs";

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string" },
    short: { type: "boolean", default: false },
    concurrency: { type: "string" },
    port: { type: "string", default: "8861" },
    "keep-state": { type: "boolean", default: false },
    "job-statements": { type: "string" },
  },
});
const steadySeconds = Number(args.seconds ?? (args.short ? 8 : 45));
const crashSeconds = args.short ? 6 : Math.max(6, Math.round(steadySeconds / 3));
const concurrency = Number(args.concurrency ?? (args.short ? 32 : 64));
const port = Number(args.port);
const started = Date.now();
const log = (...parts) => console.log(`[load +${Math.round((Date.now() - started) / 1000)}s]`, ...parts);
const run = `lt${Date.now().toString(36)}`;
const stateDir = freshStateDir("edge-lrs-load");
const adminToken = `load-admin-${crypto.randomUUID()}`;
// Statements of the agent the erasure job erases (and of the store the deletion job deletes): ~1,200 per step.
const jobStatements = Number(args["job-statements"] ?? (args.short ? 25000 : 50000));
const ledger = newLedger();
const figures = {};
let lrs;

// A watchdog: a phase that outlives its deadline (a request or a restart that never settles; one CI run stalled
// so) ends the run as a failure naming the phase, instead of holding CI until its own timeout. Deadlines are
// several times a phase's normal length on the CI machine.
let phase = { name: "start", deadlineMs: Date.now() + 180_000 };
const enter = (name, seconds) => (phase = { name, deadlineMs: Date.now() + seconds * 1000 });
setInterval(() => {
  if (Date.now() <= phase.deadlineMs) return;
  console.log(`VIOLATION the ${phase.name} phase was still running past its deadline; stopping the LRS`);
  console.log(`load test FAIL: hung in the ${phase.name} phase, ${Math.round((Date.now() - started) / 1000)} s`);
  stopAllSync();
  if (!args["keep-state"]) removeStateDir(stateDir);
  process.exit(1);
}, 1000).unref();

try {
  lrs = await startLrs({ port, stateDir, env: { LRS_ADMIN_TOKEN: adminToken } });
  const since = new Date().toISOString();
  enter("steady", steadySeconds + 240);
  log(`steady pass: ${concurrency} workers for ${steadySeconds} s`);
  const steady = mixedTraffic(lrs.base, ledger, { concurrency, seconds: steadySeconds, run, since });
  await steady.done;
  figures.steadyRequests = ledger.requests;
  figures.steadyRequestsPerSecond = Math.round(ledger.requests / steadySeconds);
  Object.assign(figures, await verifyStatements(lrs.base, ledger));
  Object.assign(figures, await verifyDocuments(lrs.base, ledger));
  log(`steady pass verified: ${JSON.stringify(figures)}`);

  enter("crash", crashSeconds * 4 + 300);
  log(`crash pass: ${concurrency} workers, SIGKILL of the LRS process tree after ~${crashSeconds / 2} s`);
  const before = ledger.requests;
  const crash = mixedTraffic(lrs.base, ledger, { concurrency, seconds: crashSeconds * 4, run, since });
  await sleep((crashSeconds / 2) * 1000 * (0.7 + Math.random() * 0.6));
  crash.markCrashed();
  await lrs.stop("SIGKILL");
  await crash.done;
  figures.crashPassRequests = ledger.requests - before;
  figures.inDoubtBatches = ledger.batches.filter((b) => b.state === "doubt").length;
  log(`killed with ${figures.inDoubtBatches} statement batches in flight; restarting on the same state folder`);

  lrs = await startLrs({ port, stateDir, env: { LRS_ADMIN_TOKEN: adminToken } });
  const after = await verifyStatements(lrs.base, ledger);
  const docs = await verifyDocuments(lrs.base, ledger);
  Object.assign(figures, { afterCrash: { ...after, ...docs } });
  // The restarted LRS takes writes again.
  const probe = await call(lrs.base, "/xapi/statements", {
    method: "POST",
    json: { actor: { mbox: "mailto:probe@example.edu" }, verb: { id: "http://adlnet.gov/expapi/verbs/experienced" }, object: { id: "https://example.edu/probe" } },
  });
  if (probe.status !== 200) ledger.violations.push(`POST after restart answered ${probe.status}`);
  log(`after restart: ${JSON.stringify(figures.afterCrash)}`);

  enter("jobs", 900);
  const jobStores = await seedJobs(lrs.base, adminToken, run, jobStatements);
  await startJobs(lrs.base, adminToken, jobStores, stateDir, 30_000);
  await lrs.stop("SIGKILL");
  log("jobs pass: agent-erasure, rollup-rebuild, orphan-sweep, statement-export and store-deletion started, SIGKILL as soon as all five exist; restarting on the same state folder");
  lrs = await startLrs({ port, stateDir, env: { LRS_ADMIN_TOKEN: adminToken } });
  const jobs = await startedJobs(lrs.base, adminToken, jobStores);
  if (jobs.length !== 5) ledger.violations.push(`only ${jobs.map((job) => job.kind).join(", ") || "no job"} started before the kill`);
  // Where the kill left the jobs (the row is saved after every step): some must have been cut off, or the pass
  // proves nothing about resuming.
  figures.jobsAtRestart = await jobStates(lrs.base, adminToken, jobs);
  if (!figures.jobsAtRestart.some((state) => / (queued|running) /.test(state))) {
    ledger.violations.push(`no job was cut off by the kill: ${figures.jobsAtRestart.join(", ")}`);
  }
  // A job whose run the kill cut off is restarted by a read of it once it has stalled (STALL_MS, 30 s).
  const jobsRestarted = Date.now();
  const checked = await verifyJobs(lrs.base, adminToken, jobs, jobStores, 120_000);
  ledger.violations.push(...checked.violations);
  figures.jobs = checked.final.map((job) => `${job.kind} ${job.state} after ${job.steps} steps`);
  log(`jobs: ${figures.jobsAtRestart.join(", ")} at the restart; ${figures.jobs.join(", ")} ${Math.round((Date.now() - jobsRestarted) / 1000)} s later`);

  // 4. Forwarding pass (scripts/load/forwarding-across-crash.mjs): its own LRS on this port, so this one stops.
  enter("forwarding", 420);
  await lrs.stop();
  lrs = undefined;
  log("forwarding pass: a webhook forwarder while ingesting, SIGKILL mid-delivery, restart; every acknowledged statement must arrive");
  Object.assign(figures, await forwardingAcrossCrash({ port, log, violations: ledger.violations, seconds: args.short ? 8 : 12 }));
  log(`forwarding: ${JSON.stringify(figures.forwarding)}`);
} catch (error) {
  ledger.violations.push(`load test aborted: ${error?.stack ?? error}`);
} finally {
  enter("shutdown", 120);
  if (lrs) await lrs.stop();
  if (!args["keep-state"]) removeStateDir(stateDir);
}

const statusLine = [...ledger.status.entries()].sort().map(([k, v]) => `${k}: ${v}`).join(", ");
log(`responses: ${statusLine}`);
const fivexx = [...ledger.status.entries()].filter(([k]) => / 5\d\d$/.test(k)).reduce((sum, [, v]) => sum + v, 0);
for (const v of ledger.violations.slice(0, 30)) console.log(`VIOLATION ${v}`);
const verdict = ledger.violations.length === 0 ? "PASS" : "FAIL";
console.log(
  `load test ${verdict}: ${ledger.requests} requests, ${figures.acknowledgedStatements ?? 0} statements acknowledged in the steady pass, ` +
    `lost ${(figures.lost ?? 0) + (figures.afterCrash?.lost ?? 0)}, 5xx ${fivexx}, half-written batches ${figures.afterCrash?.halfWritten ?? 0}, ` +
    `documents lost ${(figures.documentsLost ?? 0) + (figures.afterCrash?.documentsLost ?? 0)}, violations ${ledger.violations.length}, ${Math.round((Date.now() - started) / 1000)} s`,
);
process.exit(verdict === "PASS" ? 0 : 1);
