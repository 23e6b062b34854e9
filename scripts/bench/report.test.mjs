// The benchmark's ratio verdict of issue 13 (report.mjs) and the per-run rates it reads (http.mjs mergeRuns):
// node --test scripts/bench/report.test.mjs (Node, not workerd: the bench runs in Node).
import assert from "node:assert/strict";
import { test } from "node:test";
import { mergeRuns } from "./http.mjs";
import { verdicts } from "./report.mjs";

/** A closed-loop run as the bench's cells return it: items and latencies kept apart, as keepSamples does. */
function run(fields, items, seconds) {
  return Object.defineProperties({ ...fields, seconds, errorSamples: [], requests: 1, ok: 1, errors: 0, statementsPerSecond: 0 }, {
    items: { value: items },
    latencies: { value: [10] },
  });
}

/** A result holding one cell of batches of 100 at concurrency 1: the LRS's runs and raw D1's, a request per batch. */
function resultWith(fullRates, rawRates) {
  const full = mergeRuns(fullRates.map((rate) => run({ path: "full", batch: 100, concurrency: 1 }, rate, 1)));
  const raw = mergeRuns(
    rawRates.map((rate) => run({ path: "raw", batch: 100, concurrency: 1, perRequest: 100, counted: true, rowsInserted: rate, d1Ms: 1 }, rate, 1)),
  );
  return { ingest: [full, raw], queries: [], errors: 0 };
}

const sameRows = (result) => verdicts(result).find((v) => v.goal.includes("the same rows"));

test("mergeRuns keeps each run's own rate, in the order run", () => {
  const merged = mergeRuns([run({ path: "full" }, 900, 1), run({ path: "full" }, 2200, 2)]);
  assert.deepEqual(merged.runRates, [900, 1100]);
  assert.equal(merged.statementsPerSecond, 1033);
});

test("the verdict is the pooled ratio; each round pairs the LRS's run with raw D1's run of the same round", () => {
  const verdict = sameRows(resultWith([900, 1000, 1100], [1000, 1000, 1000]));
  assert.equal(verdict.met, true);
  assert.match(verdict.value, /^worst 1\.00 × \(100×1: 1\.00 \(rounds 0\.90–1\.10, median 1\.00\)\)$/);
  // Two standard errors of the rounds' mean: sd 0.1 over 3 rounds.
  assert.match(verdict.note, /3 rounds give ±0\.12 /);
});

test("a round pairs with raw D1's run of the same round, not another round's", () => {
  const verdict = sameRows(resultWith([900, 1000, 1100], [900, 1000, 1100]));
  assert.match(verdict.value, /\(rounds 1\.00–1\.00, median 1\.00\)/);
  assert.match(verdict.note, /3 rounds give ±0\.00 /);
});

test("a pooled ratio within two standard errors of the goal says so; one clear of it does not", () => {
  const close = sameRows(resultWith([800, 1000, 900, 1000], [1000, 1000, 1000, 1000]));
  assert.equal(close.met, true);
  assert.match(close.note, /spans the goal: more rounds decide it$/);
  const clear = sameRows(resultWith([980, 1000, 990, 1000], [1000, 1000, 1000, 1000]));
  assert.doesNotMatch(clear.note, /spans the goal/);
  const missed = sameRows(resultWith([700, 720, 710], [1000, 1000, 1000]));
  assert.equal(missed.met, false);
  assert.doesNotMatch(missed.note, /spans the goal/);
});

test("one round gives no margin", () => {
  assert.equal(sameRows(resultWith([950], [1000])).note, undefined);
});
