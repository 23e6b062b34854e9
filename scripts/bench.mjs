#!/usr/bin/env node
// `npm run bench [-- --quick] [--size 10000,100000] [--big] [--duration S] [--rounds N] [--state DIR] [--queries-only]
//   [--heap-only] [--storage-only] [--storage-statements N] [--ingest-only] [--batches 100,1000]`
// Measures the heap the largest accepted request of each kind needs (heap.mjs), then starts the LRS as
// `npm start` does on fresh state (127.0.0.1:8860, the bench-only entry src/bench/worker.ts), measures ingest
// against the raw-D1 limit, every query shape at several store sizes, State documents, bundle size and memory, then writes
// bench/results/<timestamp>.{json,md} and latest.{json,md}. Loopback only; every loop is bounded; stops by itself.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { bundleSize } from "./bench/bundle.mjs";
import { d1Bytes, writeCost } from "./bench/d1-cost.mjs";
import { documentPhase } from "./bench/documents.mjs";
import { heapPhase } from "./bench/heap.mjs";
import { forwardingBench } from "./bench/forwarding.mjs";
import { counter, drain, ingestCell, insertBreakdown, rawCell, rawPerRequest, rawRouteAvailable, settleRollups } from "./bench/ingest.mjs";
import { mergeRuns } from "./bench/http.mjs";
import { BOOTSTRAP, freshStateDir, removeStateDir, ROOT, sampleMemory, startLrs } from "./bench/lrs-process.mjs";
import { loadStore, queryPhase, queryThroughput, storedMarks } from "./bench/queries.mjs";
import { machine, markdown, verdicts } from "./bench/report.mjs";
import { roundTrips } from "./bench/round-trips.mjs";
import { storageCost } from "./bench/storage.mjs";
import { consolePages, signInConsole, timeConsolePages } from "../test/e2e/console-client.mjs";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    big: { type: "boolean", default: false },
    size: { type: "string" },
    duration: { type: "string" },
    // Turns each ingest path takes per cell (default 2 quick, 3 full): more narrow the ratios' run-to-run swing.
    rounds: { type: "string" },
    port: { type: "string", default: "8860" },
    "keep-state": { type: "boolean", default: false },
    // Reuse a query store across runs (e.g. the 1,000,000-statement one): it is kept, and loading resumes.
    state: { type: "string" },
    "queries-only": { type: "boolean", default: false },
    // Only the heap per request (no LRS started): a minute instead of many.
    "heap-only": { type: "boolean", default: false },
    // Only the storage cost of the seed data set (issue 13), on its own fresh LRS: about a minute.
    "storage-only": { type: "boolean", default: false },
    "storage-statements": { type: "string" },
    // Only the ingest cells (no heap, forwarding, documents, storage or queries), e.g. with --batches 100,1000
    // and more --rounds: issue 13's ratio cells measured long enough to narrow their run-to-run swing.
    "ingest-only": { type: "boolean", default: false },
    batches: { type: "string" },
  },
});
const quick = args.quick;
const sizes = args.size
  ? args.size.split(",").map(Number).filter((n) => n > 0)
  : quick
    ? [10_000]
    : [10_000, 100_000, ...(args.big ? [1_000_000] : [])];
sizes.sort((a, b) => a - b);
const cellSeconds = Number(args.duration ?? (quick ? 1.5 : 5));
const options = {
  quick,
  sizes,
  cellSeconds,
  batches: args.batches ? args.batches.split(",").map(Number) : [1, 10, 100, 1000],
  concurrencies: quick ? [1, 8] : [1, 4, 16],
  // Turns each ingest path takes per cell (bench.mjs ingest loop).
  rounds: Number(args.rounds ?? (quick ? 2 : 3)),
  maxStatementsPerCell: quick ? 15_000 : 60_000,
  queryRepeats: quick ? 10 : 40,
  pageLimit: quick ? 30 : 300,
  docSeconds: quick ? 1 : 4,
  docConcurrency: 16,
};
if (!Number.isInteger(options.rounds) || options.rounds < 1 || options.rounds > 20) {
  console.error("--rounds takes a whole number from 1 to 20");
  process.exit(2);
}
if (!options.batches.length || !options.batches.every((b) => Number.isInteger(b) && b >= 1 && b <= 1000)) {
  console.error("--batches takes whole numbers from 1 to 1000, comma-separated");
  process.exit(2);
}
const ingestOnly = args["ingest-only"];
const port = Number(args.port);
const storageOnly = args["storage-only"];
const storageStatements = Number(args["storage-statements"] ?? (quick ? 2_000 : 10_000));
if (!Number.isSafeInteger(storageStatements) || storageStatements < 100) {
  console.error("--storage-statements takes a whole number of at least 100");
  process.exit(2);
}
const started = Date.now();
const result = {
  startedAt: new Date(started).toISOString(),
  options,
  machine: machine(),
  ingest: [],
  queries: [],
  documents: [],
  memory: {},
  errors: 0,
};

const log = (...parts) => console.log(`[bench +${Math.round((Date.now() - started) / 1000)}s]`, ...parts);

async function withLrs(label, fn, reuse) {
  const stateDir = reuse ?? freshStateDir(`edge-lrs-bench-${label}`);
  const lrs = await startLrs({ port, stateDir, env: { LRS_BENCH: "1" } });
  const memory = sampleMemory(lrs, 1000);
  try {
    return await fn(lrs);
  } finally {
    result.memory[label] = memory.stop();
    await lrs.stop();
    if (!args["keep-state"] && !reuse) removeStateDir(stateDir);
  }
}

if (!args["queries-only"] && !storageOnly && !ingestOnly) {
  log("heap per request, at the configured limits");
  result.heap = await heapPhase(log);
  log("bundle size (wrangler deploy --dry-run)");
  result.bundle = bundleSize();
  log(result.bundle);
}

if (!args["queries-only"] && !args["heap-only"] && !storageOnly) {

  await withLrs("ingest-and-documents", async (lrs) => {
    const haveRaw = await rawRouteAvailable(lrs.base);
    if (!haveRaw) log("raw-D1 route /bench/raw-insert not mounted: the limit is not measured (see src/bench/raw-insert.ts)");
    // Unmeasured: the first run of a fresh LRS is slower (its code not yet optimised by the runtime: 1,557
    // statements/s where its nine later runs of the same cell made 1,683-2,052), and the first run of the first
    // cell is always the LRS's, so its first round looked worse than it is.
    const warmUp = { batch: 100, concurrency: 1, seconds: 2, maxStatements: 10_000 };
    await ingestCell(lrs.base, warmUp);
    if (haveRaw) await rawCell(lrs.base, { ...warmUp, perRequest: warmUp.batch });
    for (const batch of options.batches) {
      for (const concurrency of options.concurrencies) {
        const cell = { batch, concurrency, seconds: cellSeconds, maxStatements: options.maxStatementsPerCell };
        // The paths take turns, `rounds` times, each from an idle LRS: one run each swung the ratios by ±15 %
        // on this machine, more than the differences they measure.
        const runs = { full: [], raw: [], perBatch: [], uncounted: [] };
        // The same rows with HTTP paid per batch, as the LRS's clients pay it: what the LRS adds beyond D1.
        const alsoPerBatch = haveRaw && rawPerRequest(batch) !== batch;
        // Issue 13's cells also against raw D1 writing the statements' own rows only, the rollups left uncounted.
        const alsoUncounted = haveRaw && (batch === 100 || batch === 1000);
        const paths = [
          async () => runs.full.push(await ingestCell(lrs.base, cell)),
          ...(haveRaw ? [async () => runs.raw.push(await rawCell(lrs.base, cell))] : []),
          ...(alsoPerBatch ? [async () => runs.perBatch.push(await rawCell(lrs.base, { ...cell, perRequest: batch }))] : []),
          ...(alsoUncounted ? [async () => runs.uncounted.push(await rawCell(lrs.base, { ...cell, perRequest: batch, counted: false }))] : []),
        ];
        for (let round = 0; round < options.rounds; round++) {
          // Every cell grows the database and the later cells run slower, so the order turns round each round.
          for (const path of round % 2 === 0 ? paths : [...paths].reverse()) {
            await drain(lrs.base);
            await path();
          }
        }
        const [full, raw, perBatch, uncounted] = [runs.full, runs.raw, runs.perBatch, runs.uncounted].map((r) => (r.length ? mergeRuns(r) : undefined));
        for (const measured of [full, raw, perBatch, uncounted].filter(Boolean)) {
          result.ingest.push(measured);
          result.errors += measured.errors;
        }
        let line = `ingest batch ${batch} x${concurrency}: ${full.statementsPerSecond} st/s p50 ${full.latencyMs.p50} p95 ${full.latencyMs.p95} ms, ${full.errors} errors`;
        if (full.errorSamples.length) line += ` ${full.errorSamples[0]}`;
        if (raw) {
          line += ` | raw ${raw.statementsPerSecond} st/s (${(full.statementsPerSecond / Math.max(1, raw.statementsPerSecond)).toFixed(2)}x)`;
          if (raw.errorSamples.length) line += ` ${raw.errorSamples[0]}`;
        }
        if (perBatch) {
          line += ` | raw per batch ${perBatch.statementsPerSecond} st/s (${(full.statementsPerSecond / Math.max(1, perBatch.statementsPerSecond)).toFixed(2)}x)`;
        }
        if (uncounted) {
          line += ` | uncounted ${uncounted.statementsPerSecond} st/s (${(full.statementsPerSecond / Math.max(1, uncounted.statementsPerSecond)).toFixed(2)}x)`;
        }
        log(line);
      }
    }
    if (haveRaw) {
      await drain(lrs.base);
      result.insertBreakdown = await insertBreakdown(lrs.base, { count: 1000, runs: 3 });
      log(`raw insert of 1,000 statements by SQL group: ${JSON.stringify(result.insertBreakdown)}`);
    }
    result.statementsAfterIngest = counter.next;
    if (ingestOnly) return;
    result.documents = await documentPhase(lrs.base, { concurrency: options.docConcurrency, seconds: options.docSeconds });
    for (const d of result.documents) {
      result.errors += d.errors;
      log(`documents ${d.operation}: ${d.requestsPerSecond} req/s p95 ${d.latencyMs.p95} ms, ${d.errors} errors ${d.errorSamples[0] ?? ""}`);
    }
  });
}

if (!args["queries-only"] && !args["heap-only"] && !storageOnly && !ingestOnly) {
  // Forwarding (issue 15): its own LRS on this port and a loopback receiver on the next.
  log("forwarding: ingest without and with two webhook forwarders, lag to a local receiver");
  result.forwarding = await forwardingBench({ port, seconds: cellSeconds, log });
  result.errors += result.forwarding.errors + result.forwarding.missing;
}

if (!args["queries-only"] && !args["heap-only"] && !ingestOnly) {
  // Storage cost of the seed data set (issue 13): its own LRS, stopped before the database's size is read.
  log(`storage: ${storageStatements} seed statements in batches of 100, rows written and bytes per statement`);
  try {
    result.storage = await storageCost({ port, statements: storageStatements, log, keepState: args["keep-state"] });
  } catch (error) {
    result.storage = { error: String(error.message ?? error).slice(0, 500) };
    result.errors++;
    log(`storage: ${result.storage.error}`);
  }
}

const reuse = args.state ? resolve(args.state) : undefined;
if (reuse) mkdirSync(reuse, { recursive: true });
const loadedFile = reuse && join(reuse, "bench-loaded.json");
if (!args["heap-only"] && !storageOnly && !ingestOnly) await withLrs("queries", async (lrs) => {
  let have = loadedFile && existsSync(loadedFile) ? JSON.parse(readFileSync(loadedFile, "utf8")).statements : 0;
  let stored = have; // statements actually in the store (a failed load batch stores nothing)
  for (const size of sizes) {
    if (size > have) {
      log(`loading the store from ${have} to ${size} statements`);
      const load = await loadStore(lrs.base, { from: have, to: size, concurrency: 4 });
      result.errors += load.errors;
      if (load.errors) log(`loading: ${load.errors} batches failed, e.g. ${load.errorSamples?.[0] ?? "?"}`);
      stored += load.loaded;
      have = size;
      // The load's statements are counted into the rollups after it, off the request path; the query shapes are
      // timed once that is done (in the emulator the counting shares the queries' process, not so in production).
      await settleRollups(lrs.base);
      if (loadedFile) writeFileSync(loadedFile, JSON.stringify({ statements: have }));
      result.loads = [
        ...(result.loads ?? []),
        { size, itemsPerSecond: load.itemsPerSecond, seconds: load.seconds, errors: load.errors, statements: load.loaded, rowsWritten: load.rowsWritten },
      ];
    } else if (size < have) {
      log(`the reused store holds ${have} statements: skipping size ${size}`);
      continue;
    }
    const marks = await storedMarks(lrs.base);
    const q = await queryPhase(lrs.base, { size, marks, repeats: options.queryRepeats, pageLimit: options.pageLimit });
    q.load = result.loads?.find((l) => l.size === size);
    q.throughput = await queryThroughput(lrs.base, { size, marks, concurrency: 8, seconds: quick ? 2 : 5 });
    result.errors += q.errors + q.throughput.errors;
    // Console pages at this store size (issue 8: each under 300 ms): rollups and index seeks only.
    const session = await signInConsole(lrs.base, BOOTSTRAP);
    q.console = await timeConsolePages(lrs.base, session, consolePages("default"), quick ? 5 : 10);
    result.errors += Object.values(q.console).filter((page) => page.status !== 200).length;
    // The database's size on disk per statement (SQLite pages, indexes included), for the capacity table.
    q.d1Bytes = d1Bytes(lrs.stateDir);
    q.statementsStored = stored;
    result.queries.push(q);
    const worst = q.shapes.reduce((a, s) => (s.p95 > a.p95 ? s : a), q.shapes[0]);
    log(`queries at ${size}: worst p95 ${worst.p95} ms (${worst.shape}); mixed load ${q.throughput.requestsPerSecond} q/s; ${q.errors} errors`);
  }
  // Rows written per statement from D1's meta, on the loaded store (new statements, known learners/activities).
  result.writeCost = await writeCost(lrs.base, Math.max(have, 1) * 10 + 1_000_000);
  log(`D1 rows written per statement: ${result.writeCost.map((c) => `batch ${c.batch}: ${c.rowsWrittenPerStatement}`).join(", ")}`);
  // D1 round trips per request kind (issue 16), counted by the bench entry's binding wrapper.
  result.roundTrips = await roundTrips(lrs.base);
  log(`D1 round trips per request: ${JSON.stringify(result.roundTrips)}`);
}, reuse);

result.seconds = Math.round((Date.now() - started) / 1000);
result.machine.loadAverageAtEnd = os.loadavg().map((n) => Math.round(n * 100) / 100);
result.verdicts = verdicts(result);
const dir = join(ROOT, "bench", "results");
mkdirSync(dir, { recursive: true });
// A heap-only, storage-only or ingest-only run does not replace the latest full report (the README cites it).
const partial = args["heap-only"] ? "heap" : storageOnly ? "storage" : ingestOnly ? "ingest" : undefined;
const stamp = `${args["heap-only"] ? "heap-" : ingestOnly ? "ingest-" : ""}${result.startedAt.replace(/[:.]/g, "-")}${storageOnly ? "-storage" : ""}`;
const latest = partial ? `latest-${partial}` : "latest";
const md = markdown(result);
writeFileSync(join(dir, `${stamp}.json`), `${JSON.stringify(result, null, 2)}\n`);
writeFileSync(join(dir, `${stamp}.md`), md);
copyFileSync(join(dir, `${stamp}.json`), join(dir, `${latest}.json`));
copyFileSync(join(dir, `${stamp}.md`), join(dir, `${latest}.md`));
console.log(`\n${md}`);
for (const v of result.verdicts) console.log(`${v.met === undefined ? "N/A   " : v.met ? "MET   " : "MISSED"} ${v.goal}: ${v.value}`);
log(`wrote bench/results/${stamp}.{json,md} and ${latest}.{json,md}`);
process.exit(0);
