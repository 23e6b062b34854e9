// The benchmark's verdicts against the project's goals and its Markdown rendering.
import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import { capacity, D1_PLANS } from "./d1-cost.mjs";
import { ROOT } from "./lrs-process.mjs";
import { ROUND_TRIP_GOALS, roundTripsMet } from "./round-trips.mjs";
import { forwardingSection, forwardingVerdict } from "./forwarding.mjs";
import { storageSection, storageVerdicts } from "./storage.mjs";

export const GOALS = {
  ingestBatch100PerSecond: 5000,
  ingestVsRaw: 0.5,
  // Issue 13: against raw D1 writing the same rows with HTTP paid per batch, as the LRS's clients pay it.
  ingestVsRawSameRows: 0.9,
  queryP95Ms: 50,
  queryGoalSize: 1_000_000,
  consolePageMs: 300,
};

export function machine() {
  const version = (pkg) => {
    try {
      return JSON.parse(readFileSync(join(ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
    } catch {
      return "?";
    }
  };
  let commit = "?";
  try {
    commit = execSync("git rev-parse --short HEAD", { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {}
  return {
    cpu: os.cpus()[0]?.model ?? "?",
    cores: os.cpus().length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    wrangler: version("wrangler"),
    workerd: version("workerd"),
    commit,
    // Other work on the machine skews every figure: recorded at start (and at the end by bench.mjs).
    loadAverageAtStart: os.loadavg().map((n) => Math.round(n * 100) / 100),
  };
}

const best = (cells) => cells.reduce((a, b) => (b && (!a || b.statementsPerSecond > a.statementsPerSecond) ? b : a), undefined);

/**
 * Issue 13's ratio: the LRS against raw D1 writing the same rows, HTTP paid per batch on both sides (the raw
 * route's "a request per batch" cells; for batches of 1,000 its plain cells, which send one batch per request).
 * The same rows include the console's rollups, which ingest has the aggregator count in the same database:
 * the raw route's `counted` cells wake it too (when the issue was filed, the insert wrote them in its own batch,
 * and the raw route ran that insert). `counted: false` is the stricter reading, the statements' own rows only.
 * The worst cell of batches of 100 and 1,000 counts: each path's statements over its seconds in all rounds. The
 * rounds' own ratios (a path's run against the other path's run of the same round) show how far one run swings.
 */
function sameRowsVerdict(ingest, counted) {
  const goal = counted
    ? `ingest ≥ ${GOALS.ingestVsRawSameRows} × raw D1 writing the same rows, rollups counted on both sides, a request per batch (batches of 100 and 1,000)`
    : `ingest ≥ ${GOALS.ingestVsRawSameRows} × raw D1 writing the statements' own rows only, rollups not counted on the raw side, a request per batch (the stricter reading)`;
  const cells = ingest
    .filter((c) => c.path === "full" && (c.batch === 100 || c.batch === 1000))
    .map((c) => {
      const raw = sameRowsRaw(ingest, c, counted);
      return raw ? { c, ratio: c.statementsPerSecond / raw.statementsPerSecond, rounds: roundRatios(c, raw) } : undefined;
    })
    .filter(Boolean);
  if (cells.length === 0) return { goal, value: "not measured in this run", met: undefined };
  const worst = cells.reduce((a, b) => (b.ratio < a.ratio ? b : a));
  const all = cells.map(({ c, ratio, rounds }) => `${c.batch}×${c.concurrency}: ${ratio.toFixed(2)}${rounds.length > 1 ? ` (rounds ${spread(rounds)})` : ""}`).join(", ");
  const margin = twoStandardErrors(worst.rounds);
  return {
    goal,
    value: `worst ${worst.ratio.toFixed(2)} × (${all})`,
    met: worst.ratio >= GOALS.ingestVsRawSameRows,
    // Single runs swing far more than the LRS's cost beyond raw D1 here: say how sure the worst cell is.
    note: margin === undefined ? undefined : `the worst cell's ${worst.rounds.length} rounds give ±${margin.toFixed(2)} (two standard errors of their mean)${Math.abs(worst.ratio - GOALS.ingestVsRawSameRows) < margin ? ", which spans the goal: more rounds decide it" : ""}`,
  };
}

/** Two standard errors of the mean of `ratios` (undefined for fewer than two). */
function twoStandardErrors(ratios) {
  if (ratios.length < 2) return undefined;
  const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
  const variance = ratios.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (ratios.length - 1);
  return 2 * Math.sqrt(variance / ratios.length);
}

/** The raw-D1 cell that writes the same rows as the LRS's cell `c`, a request per batch. */
function sameRowsRaw(ingest, c, counted) {
  return ingest.find((r) => r.batch === c.batch && r.concurrency === c.concurrency && r.perRequest === c.batch && r.counted === counted);
}

/** Each round's ratio: the LRS's run against the raw run of the same round (runs alternate, so they pair). */
function roundRatios(c, raw) {
  const full = c.runRates ?? [];
  const base = raw.runRates ?? [];
  return full.slice(0, base.length).map((rate, i) => rate / Math.max(1, base[i]));
}

/** `0.84–1.15, median 0.95` */
function spread(ratios) {
  const sorted = [...ratios].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[Math.floor(mid)] : (sorted[mid - 1] + sorted[mid]) / 2;
  return `${sorted[0].toFixed(2)}–${sorted.at(-1).toFixed(2)}, median ${median.toFixed(2)}`;
}

export function verdicts(result) {
  const full100 = best(result.ingest.filter((c) => c.path === "full" && c.batch === 100));
  const raw100 = best(result.ingest.filter((c) => c.path === "raw" && c.batch === 100));
  const largest = result.queries.at(-1);
  const worstP95 = largest ? Math.max(...largest.shapes.map((s) => s.p95), ...largest.paging.map((p) => p.p95)) : undefined;
  const out = [];
  // met: undefined when this run did not measure it (e.g. --queries-only).
  out.push(forwardingVerdict(result.forwarding));
  out.push({
    goal: `ingest ≥ ${GOALS.ingestBatch100PerSecond} statements/s in batches of 100`,
    value: full100 ? `${full100.statementsPerSecond}/s (concurrency ${full100.concurrency})` : "not measured in this run",
    met: full100 ? full100.statementsPerSecond >= GOALS.ingestBatch100PerSecond : undefined,
  });
  const ratio = full100 && raw100 ? full100.statementsPerSecond / raw100.statementsPerSecond : undefined;
  out.push({
    goal: `ingest ≥ ${GOALS.ingestVsRaw} × the raw-D1 rate (batches of 100)`,
    value:
      ratio !== undefined
        ? `${ratio.toFixed(2)} × (raw ${raw100.statementsPerSecond}/s)`
        : full100
          ? "raw path not available (the /bench route is not mounted or LRS_BENCH is not 1)"
          : "not measured in this run",
    met: ratio === undefined ? undefined : ratio >= GOALS.ingestVsRaw,
  });
  out.push(sameRowsVerdict(result.ingest, true), sameRowsVerdict(result.ingest, false));
  out.push({
    goal: `query p95 < ${GOALS.queryP95Ms} ms at ${GOALS.queryGoalSize.toLocaleString("en")} statements`,
    value: largest ? `worst p95 ${worstP95} ms at ${largest.size.toLocaleString("en")}` : "not measured",
    met: largest ? largest.size >= GOALS.queryGoalSize && worstP95 < GOALS.queryP95Ms : undefined,
    note: largest && largest.size < GOALS.queryGoalSize ? "largest store measured is smaller than the goal's (run with --big)" : undefined,
  });
  const consoleWorst = largest?.console ? Math.max(...Object.values(largest.console).map((page) => page.p95Ms)) : undefined;
  out.push({
    goal: `console pages < ${GOALS.consolePageMs} ms at ${GOALS.queryGoalSize.toLocaleString("en")} statements`,
    value: consoleWorst !== undefined ? `worst p95 ${consoleWorst} ms at ${largest.size.toLocaleString("en")}` : "not measured",
    met: consoleWorst !== undefined && largest.size >= GOALS.queryGoalSize ? consoleWorst < GOALS.consolePageMs : undefined,
  });
  const heap = result.heap?.cases;
  const heaviest = heap?.reduce((a, b) => (b.peakMiB > a.peakMiB ? b : a));
  out.push({
    goal: `the largest accepted request of each kind needs < ${result.heap?.budgetMiB ?? 64} MiB of heap`,
    value: heaviest ? `heaviest ${heaviest.peakMiB} MiB (${heaviest.kind})` : "not measured in this run",
    met: heap ? heap.every((c) => c.underBudget) : undefined,
  });
  const benchCode = result.bundle?.benchCode;
  out.push({
    goal: "no benchmark code in the deployed bundle",
    value: !benchCode ? "not measured in this run" : benchCode.length ? benchCode.join("; ") : "none found",
    met: benchCode ? benchCode.length === 0 : undefined,
  });
  const trips = result.roundTrips;
  out.push({
    goal: `D1 round trips per request: ${Object.entries(ROUND_TRIP_GOALS).map(([kind, most]) => `${kind} ≤ ${most}`).join(", ")}`,
    value: trips ? Object.keys(ROUND_TRIP_GOALS).map((kind) => `${kind} ${trips[kind]}`).join(", ") : "not measured in this run",
    met: trips ? roundTripsMet(trips) : undefined,
  });
  out.push(...storageVerdicts(result.storage));
  out.push({ goal: "zero errors", value: `${result.errors} errors`, met: result.errors === 0 });
  return out;
}

const table = (head, rows) =>
  [`| ${head.join(" | ")} |`, `| ${head.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");

export function markdown(result) {
  const m = result.machine;
  const lines = [];
  lines.push(`# edge-lrs benchmark — ${result.startedAt}${result.options.quick ? " (quick)" : ""}`);
  lines.push("");
  lines.push(
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}; Node ${m.node}, wrangler ${m.wrangler}, workerd ${m.workerd}; commit ${m.commit}. ` +
      "The LRS runs as `npm start` does (wrangler dev, local D1/R2/DO on disk) and the load generator shares the same cores, over loopback.",
  );
  // At the end the load average includes the benchmark's own LRS (CPU and disk waits); at the start it is others'.
  const busy = (m.loadAverageAtStart?.[0] ?? 0) > m.cores * 0.5;
  lines.push("");
  lines.push(`Load average (1 min) before the run ${m.loadAverageAtStart?.[0]}, at its end ${m.loadAverageAtEnd?.[0]} (the latter includes the benchmark itself).` +
    (busy ? " **Other work was running on the machine when this run started: the figures understate the LRS.**" : ""));
  lines.push("");
  lines.push("## Goals");
  lines.push(table(["goal", "measured", "met"], result.verdicts.map((v) => [v.goal, v.value + (v.note ? ` — ${v.note}` : ""), v.met === undefined ? "–" : v.met ? "yes" : "**no**"])));
  lines.push("");
  if (result.heap) lines.push(...heapSection(result.heap), "");
  if (result.forwarding) lines.push(...forwardingSection(result.forwarding), "");
  if (result.storage) lines.push(...storageSection(result.storage), "");
  if (result.ingest.length) {
    lines.push("## Ingest (POST /xapi/statements) and the raw-D1 limit");
    const byPath = (path) => new Map(result.ingest.filter((c) => c.path === path).map((c) => [`${c.batch}/${c.concurrency}`, c]));
    const raw = byPath("raw");
    const perBatch = byPath("raw-per-batch");
    // Batches of 1,000: the raw route's plain cells already send one batch per request.
    const uncounted = new Map([...byPath("raw-uncounted"), ...byPath("raw-per-batch-uncounted")]);
    const ratio = (c, r) => (r ? (c.statementsPerSecond / r.statementsPerSecond).toFixed(2) : "–");
    lines.push(
      table(
        ["batch", "concurrency", "statements/s", "p50 ms", "p95 ms", "p99 ms", "errors", "raw D1 statements/s", "ratio", "raw D1, a request per batch", "ratio to it", "its rounds' ratios", "the same, rollups not counted", "ratio to it"],
        result.ingest
          .filter((c) => c.path === "full")
          .map((c) => {
            const key = `${c.batch}/${c.concurrency}`;
            const r = raw.get(key);
            const b = perBatch.get(key) ?? (r?.perRequest === c.batch ? r : undefined);
            const u = uncounted.get(key);
            return [c.batch, c.concurrency, c.statementsPerSecond, c.latencyMs.p50, c.latencyMs.p95, c.latencyMs.p99, c.errors,
              r ? r.statementsPerSecond : "–", ratio(c, r), b ? b.statementsPerSecond : "–", ratio(c, b),
              b && (c.runRates?.length ?? 0) > 1 ? spread(roundRatios(c, b)) : "–", u ? u.statementsPerSecond : "–", ratio(c, u)];
          }),
      ),
    );
    lines.push("");
    lines.push("Raw D1: the same statements, as the rows the storage insert function writes, sent up to 1,000 per request to the bench-only route (LRS_BENCH=1), inserted in transactions of `batch` rows, so HTTP is almost free there; after each request the route wakes the rollup aggregator as POST /statements does, so the same rollup rows are counted meanwhile, in the same database. \"A request per batch\": the same, `batch` statements per request, paying HTTP as the LRS's clients do; its ratio is what the LRS adds beyond D1 and HTTP (auth, validation, the strict JSON reading, the bookmark, the forwarders' wake). \"Rollups not counted\": a request per batch that does not wake the aggregator, so the raw side writes the statements' own rows only while the LRS's cell also pays the counting (the stricter reading of issue 13's goal)." +
      (result.options?.rounds > 1
        ? ` The paths took turns, ${result.options.rounds} runs each per cell, in reverse order every other round (each run grows the database, and later runs are slower), each run from an idle LRS (the aggregator caught up); the figures are over all the runs (a path's statements over its seconds), and "its rounds' ratios" pairs each run of the LRS with the raw run of the same round.`
        : ""));
    if (Array.isArray(result.insertBreakdown)) {
      lines.push("");
      lines.push("Where the raw-D1 time goes, for 1,000 statements (each SQL group of the insert run as its own transaction, median of 3). The rollups row is the work the statements cause later, off the request path but in the same database: counting them into the console's rollups as the aggregator does, in pages of 500.");
      lines.push("");
      lines.push(table(["SQL step (insertPlan)", "D1 rows written", "ms", "µs per statement"], result.insertBreakdown.map((s) => [s.step, s.rowsWritten, s.ms, s.step.startsWith("one-row") ? "–" : Math.round((s.ms * 1000) / 1000)])));
    }
  }
  for (const q of result.queries) {
    lines.push("");
    lines.push(`## Queries at ${q.size.toLocaleString("en")} statements (limit=100, sequential)`);
    lines.push(table(["shape", "returned", "p50 ms", "p95 ms", "p99 ms"], q.shapes.map((s) => [s.shape, s.returned, s.p50, s.p95, s.p99])));
    lines.push("");
    lines.push(table(["paging to the end", "pages", "statements", "complete", "duplicates", "page p50 ms", "page p95 ms", "total ms"], q.paging.map((p) => [p.shape, p.pages, p.statements, p.complete ? "yes" : "no", p.duplicates, p.p50, p.p95, p.totalMs])));
    if (q.throughput) {
      lines.push("");
      lines.push(`Mixed query load at concurrency ${q.throughput.concurrency}: ${q.throughput.requestsPerSecond} queries/s, p50 ${q.throughput.latencyMs.p50} ms, p95 ${q.throughput.latencyMs.p95} ms, ${q.throughput.errors} errors.`);
    }
    if (q.load) lines.push(`Loading to this size: ${q.load.itemsPerSecond} statements/s in batches of 1,000.`);
    if (q.console) {
      lines.push("");
      lines.push(table(["console page", "status", "median ms", "p95 ms"], Object.entries(q.console).map(([page, t]) => [page, t.status, t.medianMs, t.p95Ms])));
    }
  }
  if (result.writeCost || result.queries.some((q) => q.shapes.some((shape) => shape.rowsRead !== undefined))) {
    lines.push("", ...costSection(result));
  }
  if (result.documents?.length) {
    lines.push("");
    lines.push("## State documents");
    lines.push(
      table(
        ["operation", "concurrency", "requests/s", "p50 ms", "p95 ms", "errors", "notes"],
        result.documents.map((d) => [
          d.operation,
          d.concurrency,
          d.requestsPerSecond,
          d.latencyMs.p50,
          d.latencyMs.p95,
          d.errors,
          d.writesWon !== undefined
            ? `${d.writesWon} won, ${d.preconditionFailed} got 412; counter matches wins: ${d.counterMatchesWins ? "yes" : "**no**"}`
            : d.mergedKeys !== undefined
              ? `${d.mergedKeys} keys after ${d.ok} merges; none lost: ${d.noMergeLost ? "yes" : "**no**"}`
              : "",
        ]),
      ),
    );
  }
  if (result.roundTrips) lines.push("", ...roundTripSection(result.roundTrips));
  lines.push("");
  lines.push("## Footprint");
  const b = result.bundle;
  lines.push(`- Worker bundle: ${!b ? "not measured in this run" : b.error ? `build failed: ${b.error}` : `${b.kib} KiB, ${b.gzipKiB} KiB gzipped`}`);
  for (const [phase, mem] of Object.entries(result.memory)) {
    lines.push(`- Memory (${phase}): workerd RSS peak ${mem.workerdPeakMiB} MiB, at end ${mem.workerdEndMiB} MiB; whole LRS process tree peak ${mem.groupPeakMiB} MiB`);
  }
  lines.push(`- Run time: ${result.seconds} s`);
  lines.push("");
  return lines.join("\n");
}

function roundTripSection(trips) {
  return [
    "## D1 round trips per request",
    "",
    `Counted by the bench entry's D1 wrapper (a batch is one round trip), median of ${trips.repeats} requests, the credential in the isolate's cache:`,
    "",
    table(
      ["request", "round trips", "goal"],
      [
        ["POST /statements (new statements)", trips.postStatements, `≤ ${ROUND_TRIP_GOALS.postStatements}`],
        ["GET /statements?statementId=", trips.getStatementById, `≤ ${ROUND_TRIP_GOALS.getStatementById}`],
        ...Object.entries(trips.queryShapes).map(([shape, calls]) => [`GET /statements, ${shape}`, calls, `≤ ${ROUND_TRIP_GOALS.queryPage}`]),
        ["GET /activities/state (then R2)", trips.getDocument, `≤ ${ROUND_TRIP_GOALS.getDocument}`],
      ],
    ),
  ];
}

const mib = (bytes) => `${Math.round((bytes / 2 ** 20) * 100) / 100} MiB`;

function heapSection(heap) {
  const l = heap.limits;
  return [
    `## Heap per request (largest accepted request of each kind; budget ${heap.budgetMiB} MiB)`,
    "",
    `Limits: statements body ${mib(l.maxBodyBytes)} and ${l.maxStatementsPerRequest.toLocaleString("en")} statements per request; ` +
      `JSON document ${mib(l.maxJsonDocumentBytes)}, other documents ${mib(l.maxDocumentBytes)}; multipart request ${mib(l.maxRequestBytes)}, ` +
      `attachment ${mib(l.maxAttachmentBytes)}; statement ${l.maxStatementBytes.toLocaleString("en")} bytes; page text ${l.pageTextBudget.toLocaleString("en")} characters.`,
    "",
    table(
      ["request", "request bytes", "statements", "peak MiB", "at", "< budget"],
      heap.cases.map((c) => [c.request, c.requestBytes.toLocaleString("en"), c.statements ?? "–", c.peakMiB, c.peakStage, c.underBudget ? "yes" : "**no**"]),
    ),
    "",
    `Method: ${heap.method} (${heap.node})`,
  ];
}

const grouped = (n) => (n === undefined ? "–" : n.toLocaleString("en"));

/** The figures the capacity table is computed from, or undefined when this run did not measure them all. */
export function costFigures(result) {
  const largest = result.queries.at(-1);
  const perStatement = result.writeCost?.find((c) => c.batch === 100)?.rowsWrittenPerStatement;
  const reads = (largest?.shapes ?? []).map((s) => s.rowsRead).filter((n) => n !== undefined).sort((a, b) => a - b);
  if (!largest || perStatement === undefined || !reads.length || !largest.d1Bytes) return undefined;
  return {
    size: largest.size,
    rowsWrittenPerStatement: perStatement,
    medianRowsReadPerQuery: reads[Math.floor((reads.length - 1) / 2)],
    maxRowsReadPerQuery: reads.at(-1),
    bytesPerStatement: Math.round(largest.d1Bytes / (largest.statementsStored ?? largest.size)),
  };
}

function costSection(result) {
  const lines = ["## D1 cost, from D1's own meta (rows_written, rows_read)"];
  if (result.writeCost) {
    lines.push("", "Rows written per stored statement, whole request (statement, index entries, Activities/Agents upserts, authentication; the console rollups are counted later, off the request):", "");
    lines.push(table(["statements per POST", "statements", "rows written per statement", "rows read per statement"], result.writeCost.map((c) => [c.batch, c.statements, c.rowsWrittenPerStatement, c.rowsReadPerStatement])));
  }
  for (const q of result.queries) {
    if (!q.shapes.some((shape) => shape.rowsRead !== undefined)) continue;
    lines.push("", `Rows read per GET /statements (limit=100) at ${q.size.toLocaleString("en")} statements, whole request:`, "");
    lines.push(table(["shape", "returned", "rows read", "D1 queries"], q.shapes.map((shape) => [shape.shape, shape.returned, grouped(shape.rowsRead), shape.d1Queries ?? "–"])));
    const held = q.statementsStored ?? q.size;
    if (q.d1Bytes) lines.push("", `Database size (SQLite file, WAL checkpointed every 4 MB): ${grouped(q.d1Bytes)} bytes for ${grouped(held)} statements, ${grouped(Math.round(q.d1Bytes / held))} bytes per statement.`);
  }
  const figures = costFigures(result);
  if (figures) {
    const typical = capacity({ ...figures, rowsReadPerQuery: figures.medianRowsReadPerQuery });
    const worst = capacity({ ...figures, rowsReadPerQuery: figures.maxRowsReadPerQuery });
    lines.push("", "Capacity these figures give (D1 allowances: Free " +
      `${grouped(D1_PLANS.free.rowsWrittenPerDay)} rows written and ${grouped(D1_PLANS.free.rowsReadPerDay)} rows read per day, 500 MB per database; ` +
      `Paid includes ${grouped(D1_PLANS.paid.rowsWrittenPerMonth)} rows written and ${grouped(D1_PLANS.paid.rowsReadPerMonth)} rows read per month, 10 GB per database):`, "");
    lines.push(table(["", "Free (per day)", "Paid (included per month)"], [
      [`statements stored (${figures.rowsWrittenPerStatement} rows written each)`, grouped(typical.free.statementsPerDay), grouped(typical.paid.statementsPerMonth)],
      [`statement queries, median shape (${grouped(figures.medianRowsReadPerQuery)} rows read)`, grouped(typical.free.queriesPerDay), grouped(typical.paid.queriesPerMonth)],
      [`statement queries, costliest shape (${grouped(figures.maxRowsReadPerQuery)} rows read)`, grouped(worst.free.queriesPerDay), grouped(worst.paid.queriesPerMonth)],
      [`statements one database holds (${grouped(figures.bytesPerStatement)} bytes each)`, grouped(typical.free.statementsStored), grouped(typical.paid.statementsStored)],
    ]));
  }
  return lines;
}
