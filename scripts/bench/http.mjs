// The load generator's HTTP side: Node's fetch against the LRS, latency recording and percentiles,
// and a closed-loop driver (N workers each sending its next request as soon as the previous one is answered).
// Node's own fetch (its bundled undici) keeps connections alive and pools them per origin by default.
import { AUTH } from "./lrs-process.mjs";

/** One request with the bench credential and xAPI version; returns {status, ms, headers, text}. */
export async function call(base, path, { method = "GET", json, body, headers = {}, version = "2.0.0", timeoutMs = 120_000 } = {}) {
  const sent = { Authorization: AUTH, "X-Experience-API-Version": version, ...headers };
  if (json !== undefined) {
    body = typeof json === "string" ? json : JSON.stringify(json);
    sent["Content-Type"] ??= "application/json";
  }
  const started = performance.now();
  const response = await fetch(`${base}${path}`, { method, headers: sent, body, signal: AbortSignal.timeout(timeoutMs) });
  const text = await response.text();
  return { status: response.status, ms: performance.now() - started, headers: response.headers, text };
}

export function percentile(sorted, p) {
  if (!sorted.length) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function latencySummary(ms) {
  const sorted = Float64Array.from(ms).sort();
  const r = (n) => Math.round(n * 100) / 100;
  return {
    n: sorted.length,
    p50: r(percentile(sorted, 50)),
    p95: r(percentile(sorted, 95)),
    p99: r(percentile(sorted, 99)),
    max: r(sorted.length ? sorted[sorted.length - 1] : 0),
  };
}

/**
 * Runs `concurrency` workers for up to `seconds` (and at most `maxRequests` in total); each calls
 * `task(n, timeoutMs)` which resolves to {ok, ms, items?}; `timeoutMs` is what is left of the run plus `graceMs`,
 * so a stalled server cannot stretch the run. Returns counts, rates and latency percentiles.
 */
export async function closedLoop({ concurrency, seconds, maxRequests = Infinity, graceMs = 30_000, task }) {
  const latencies = [];
  let issued = 0;
  let ok = 0;
  let items = 0;
  const errors = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  async function worker() {
    while (performance.now() < stopAt && issued < maxRequests) {
      const n = issued++;
      try {
        const result = await task(n, Math.round(Math.max(1000, stopAt + graceMs - performance.now())));
        latencies.push(result.ms);
        if (result.ok) {
          ok++;
          items += result.items ?? 1;
        } else if (errors.length < 20) errors.push(result.error ?? `status ${result.status}`);
        else errors.length++;
      } catch (error) {
        if (errors.length < 20) errors.push(String(error?.cause ?? error));
        else errors.length++;
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = (performance.now() - started) / 1000;
  const result = {
    concurrency,
    requests: latencies.length,
    ok,
    errors: errors.length,
    errorSamples: errors.filter(Boolean).slice(0, 5),
    seconds: Math.round(elapsed * 100) / 100,
    requestsPerSecond: Math.round(ok / elapsed),
    itemsPerSecond: Math.round(items / elapsed),
    latencyMs: latencySummary(latencies),
  };
  return keepSamples(result, { items, latencies });
}

/** `target` with the items and latencies mergeRuns() needs, left out of the results written (not enumerable). */
export function keepSamples(target, { items, latencies }) {
  return Object.defineProperties(target, { items: { value: items }, latencies: { value: latencies } });
}

/**
 * Runs of the same cell as one (each from closedLoop, or a cell built on it that kept its samples): rates over
 * their summed time, percentiles over all their requests, and each run's own rate (`runRates`, in the order run),
 * so that a reader sees how far single runs swing.
 */
export function mergeRuns(runs) {
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const sum = (key) => runs.reduce((n, r) => n + (r[key] ?? 0), 0);
  const itemsPerSecond = Math.round(sum("items") / seconds);
  return {
    ...runs[0],
    ...("statementsPerSecond" in runs[0] ? { statementsPerSecond: itemsPerSecond } : {}),
    ...("rowsInserted" in runs[0] ? { rowsInserted: sum("rowsInserted"), d1Ms: sum("d1Ms") } : {}),
    runs: runs.length,
    requests: sum("requests"),
    ok: sum("ok"),
    errors: sum("errors"),
    errorSamples: runs.flatMap((r) => r.errorSamples).slice(0, 5),
    seconds: Math.round(seconds * 100) / 100,
    requestsPerSecond: Math.round(sum("ok") / seconds),
    itemsPerSecond,
    runRates: runs.map((r) => Math.round(r.items / r.seconds)),
    latencyMs: latencySummary(runs.flatMap((r) => r.latencies)),
  };
}
