#!/usr/bin/env node
// Forwarding under load (issue 15): ingest throughput without and with two active webhook forwarders, and the
// lag from `stored` to arrival at a local receiver while ingesting at full speed. The LRS runs as `npm start`
// does (fresh state, plain-http destinations allowed for loopback); the receiver is a Node server on loopback
// that checks every delivery's signature. Runs are interleaved (without, with, without) so a machine whose load
// drifts does not favour one side. Standalone: `node scripts/bench/forwarding.mjs [--port 8850] [--seconds 8]`.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { call, latencySummary } from "./http.mjs";
import { drain, ingestCell } from "./ingest.mjs";
import { freshStateDir, removeStateDir, startLrs } from "./lrs-process.mjs";

const ADMIN_TOKEN = "bench-admin-token-0123456789";
const CELL = { batch: 100, concurrency: 4 };

/** A loopback webhook receiver: per path, the arrival time of each statement id; bad signatures are counted. */
function startReceiver(port) {
  const secrets = new Map();
  const arrivals = new Map(); // path -> Map(id -> {receivedMs, storedMs})
  let badSignatures = 0;
  const server = createServer((request, response) => {
    const chunks = [];
    request.on("data", (c) => chunks.push(c));
    request.on("end", () => {
      const receivedMs = Date.now();
      const raw = Buffer.concat(chunks).toString("utf8");
      const secret = secrets.get(request.url);
      const expected = secret ? `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}` : undefined;
      if (request.headers["x-lrs-signature"] !== expected) badSignatures++;
      const seen = arrivals.get(request.url) ?? new Map();
      arrivals.set(request.url, seen);
      for (const s of JSON.parse(raw).statements) if (!seen.has(s.id)) seen.set(s.id, { receivedMs, storedMs: Date.parse(s.stored) });
      response.writeHead(200, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  return new Promise((done) =>
    server.listen(port, "127.0.0.1", () =>
      done({
        secrets,
        arrivals,
        badSignatures: () => badSignatures,
        close: () => new Promise((closed) => server.close(closed)),
      }),
    ),
  );
}

async function admin(base, path, json) {
  const response = await fetch(`${base}/admin${path}`, {
    method: json === undefined ? "GET" : "POST",
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const body = await response.json();
  if (!response.ok) throw new Error(`admin ${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/**
 * Starts its own LRS on `port` and a receiver on `port + 1`; ingest runs alternate without (forwarders paused)
 * and with (active) forwarders, `rounds` of each; lag counts statements stored during the active runs.
 */
export async function forwardingBench({ port, seconds = 8, rounds = 2, log = console.log, maxStatements = 40_000 }) {
  const receiver = await startReceiver(port + 1);
  const stateDir = freshStateDir("edge-lrs-bench-forwarding");
  const lrs = await startLrs({ port, stateDir, env: { LRS_ADMIN_TOKEN: ADMIN_TOKEN, LRS_FORWARD_ALLOW_HTTP: "1" } });
  try {
    const cell = { ...CELL, seconds, maxStatements };
    const paths = ["/hook-a", "/hook-b"];
    const ids = [];
    for (const path of paths) {
      const created = await admin(lrs.base, "/stores/default/forwarders", { kind: "webhook", url: `http://127.0.0.1:${port + 1}${path}`, batchSize: 500 });
      receiver.secrets.set(path, created.secret);
      ids.push(created.id);
    }
    const setAll = async (action) => {
      for (const id of ids) await admin(lrs.base, `/stores/default/forwarders/${id}/${action}`, {});
    };
    const without = [];
    const withForwarders = [];
    const activeWindows = [];
    let errors = 0;
    const errorSamples = [];
    // Until both forwarders show no lag (before a pause: the next resume skips what was stored while paused).
    const caughtUp = async () => {
      const deadline = Date.now() + 300_000;
      for (;;) {
        const shown = await Promise.all(ids.map((id) => admin(lrs.base, `/stores/default/forwarders/${id}`)));
        if (shown.every((f) => f.lag.statements === 0) || Date.now() > deadline) return shown;
        await new Promise((r) => setTimeout(r, 250));
      }
    };
    const catchUpMs = [];
    for (let round = 0; round < rounds; round++) {
      await setAll("pause");
      await drain(lrs.base);
      const off = await ingestCell(lrs.base, cell);
      without.push(off.statementsPerSecond);
      // Resumed from now: the statements of the run without are not forwarded (they would be a backlog in the lag).
      await setAll("resume");
      const now = new Date().toISOString();
      for (const id of ids) await admin(lrs.base, `/stores/default/forwarders/${id}/replay`, { since: now });
      await drain(lrs.base);
      const from = Date.now();
      const on = await ingestCell(lrs.base, cell);
      const to = Date.now();
      activeWindows.push([from, to]);
      await caughtUp();
      catchUpMs.push(Date.now() - to);
      withForwarders.push(on.statementsPerSecond);
      errors += off.errors + on.errors;
      errorSamples.push(...off.errorSamples, ...on.errorSamples);
      log(`forwarding round ${round + 1}: without ${off.statementsPerSecond} st/s, with two forwarders ${on.statementsPerSecond} st/s`);
    }
    const shown = await caughtUp();
    const inActive = (ms) => activeWindows.some(([a, b]) => ms >= a && ms <= b);
    const arrived = paths.map((p) => receiver.arrivals.get(p)?.size ?? 0);
    // Every statement stored during an active run, as the LRS lists it, must have arrived at both receivers.
    let missing = 0;
    let checked = 0;
    for (const [from, to] of activeWindows) {
      let next = `/xapi/statements?since=${new Date(from).toISOString()}&until=${new Date(to).toISOString()}&limit=500&format=ids`;
      while (next) {
        const page = JSON.parse((await call(lrs.base, next)).text);
        for (const s of page.statements) {
          checked++;
          if (inActive(Date.parse(s.stored)) && paths.some((p) => !receiver.arrivals.get(p)?.has(s.id))) missing++;
        }
        next = page.more ? page.more.replace(/^.*?\/xapi\//, "/xapi/") : "";
      }
    }
    const lags = paths.flatMap((p) => [...(receiver.arrivals.get(p)?.values() ?? [])].filter((a) => inActive(a.storedMs)).map((a) => a.receivedMs - a.storedMs));
    const mean = (list) => list.reduce((a, b) => a + b, 0) / Math.max(1, list.length);
    const result = {
      cell: CELL,
      seconds,
      rounds,
      withoutStatementsPerSecond: without,
      withStatementsPerSecond: withForwarders,
      ratio: Math.round((mean(withForwarders) / Math.max(1, mean(without))) * 1000) / 1000,
      delivered: shown.map((f) => f.delivered),
      arrived,
      checked,
      missing,
      complete: missing === 0 && shown.every((f) => f.lag.statements === 0),
      badSignatures: receiver.badSignatures(),
      lagMs: latencySummary(lags),
      catchUpAfterIngestMs: catchUpMs,
      errors,
      errorSamples: errorSamples.slice(0, 3),
      loadAverage: (await import("node:os")).loadavg()[0],
    };
    if (errors > 0) log(`forwarding: ${errors} ingest errors; the LRS said:\n${lrs.output().slice(-3000)}`);
    log(`forwarding: lag p50 ${result.lagMs.p50} ms p95 ${result.lagMs.p95} ms; ratio ${result.ratio}; complete ${result.complete}`);
    return result;
  } finally {
    await lrs.stop();
    await receiver.close();
    removeStateDir(stateDir);
  }
}

export const FORWARDING_INGEST_RATIO_GOAL = 0.95;

/** The goal line of the report (scripts/bench/report.mjs verdicts). */
export function forwardingVerdict(f) {
  return {
    goal: `ingest with two active forwarders ≥ ${FORWARDING_INGEST_RATIO_GOAL} × without, nothing missing`,
    value: f ? `${f.ratio} ×, lag p50 ${f.lagMs.p50} ms p95 ${f.lagMs.p95} ms, ${f.missing} missing` : "not measured in this run",
    met: f ? f.ratio >= FORWARDING_INGEST_RATIO_GOAL && f.complete : undefined,
  };
}

/** The report's section (scripts/bench/report.mjs). */
export function forwardingSection(f) {
  return [
    "## Forwarding (two webhook forwarders, loopback receiver)",
    `Ingest batch ${f.cell.batch} x${f.cell.concurrency}, ${f.rounds} alternating runs of ${f.seconds} s: without forwarders ${f.withoutStatementsPerSecond.join(" / ")} st/s, ` +
      `with two active forwarders ${f.withStatementsPerSecond.join(" / ")} st/s (means: **${f.ratio}x**, goal ≥ 0.95x). ` +
      `Lag from stored to arrival while ingesting: p50 ${f.lagMs.p50} ms, p95 ${f.lagMs.p95} ms, max ${f.lagMs.max} ms over ${f.lagMs.n} deliveries; ` +
      `caught up ${f.catchUpAfterIngestMs.join(" / ")} ms after each run stopped. Every statement arrived at both: ${f.complete ? "yes" : "**no**"} (${f.checked} stored while active checked, ${f.missing} missing); bad signatures: ${f.badSignatures}. ` +
      "The forwarders' Durable Objects run in the same local workerd process as ingest, so here they compete for its CPU; in production they run apart.",
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: "string", default: "8850" }, seconds: { type: "string", default: "8" } } });
  const result = await forwardingBench({ port: Number(values.port), seconds: Number(values.seconds) });
  console.log(JSON.stringify(result, null, 2));
  console.log(forwardingSection(result).join("\n"));
}
