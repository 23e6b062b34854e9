#!/usr/bin/env node
// `npm run seed -- --statements 1000000 [--persist-dir DIR] [--endpoint URL]`: loads a synthetic but realistic
// data set into a local store (scripts/seed/population.mjs: many learners, teams, courses, weighted verbs,
// registrations, context activities, instructors, results, voids, StatementRefs and chains, SubStatements,
// 2.0 contextAgents).
//
// It goes through the LRS's own POST /statements, so every index row, StatementRef propagation, voiding and
// canonical Activity definition is exactly what production writes. Without --endpoint it starts the LRS like
// `npm start` (on --port, default 8850, never the 8787-8799 range) with state in --persist-dir (default
// .wrangler/state, the one `npm start` serves), loads, and stops it; afterwards `npm start` (with the same
// LRS_PERSIST_DIR) serves the seeded store. With --endpoint http://127.0.0.1:PORT it loads a running LRS using
// LRS_KEY/LRS_SECRET, or --key and --secret-file (default dev-key/dev-secret, the `npm start` credential);
// --secret is refused, as command lines are visible to every user (ps).
// Other options: --batch 1000 statements per POST, --concurrency 2, --seed 1 (same seed = same data, so a
// re-run stores nothing new), --from 0 (resume at statement number N). Every 10th batch is sent as xAPI 2.0.0.
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { startLrs } from "./bench/lrs-process.mjs";
import { readSecret, refuseCommandLineSecrets, SECRET_OPTIONS } from "./lrs/secrets.mjs";
import { seedStatement } from "./seed/population.mjs";

const { values: args } = parseArgs({
  options: {
    statements: { type: "string", default: "10000" },
    "persist-dir": { type: "string", default: ".wrangler/state" },
    endpoint: { type: "string" },
    port: { type: "string", default: "8850" },
    key: { type: "string", default: process.env.LRS_KEY || "dev-key" },
    ...SECRET_OPTIONS,
    batch: { type: "string", default: "1000" },
    concurrency: { type: "string", default: "2" },
    seed: { type: "string", default: "1" },
    from: { type: "string", default: "0" },
  },
});

const total = Number(args.statements);
const batchSize = Number(args.batch);
const seed = Number(args.seed);
const from = Number(args.from);
if (![total, batchSize, seed, from].every(Number.isSafeInteger) || total < 0 || batchSize < 1 || from < 0) {
  console.error("usage: npm run seed -- --statements N [--persist-dir DIR | --endpoint URL] [--batch 1000] [--concurrency 2] [--seed 1] [--from 0]");
  process.exit(2);
}
const port = Number(args.port);
if (!args.endpoint && port >= 8787 && port <= 8799) {
  console.error("ports 8787-8799 are reserved for the conformance runs; choose another --port");
  process.exit(2);
}

try {
  refuseCommandLineSecrets(args);
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
args.secret = readSecret(args, "secret") || "dev-secret";

let server;
let base = args.endpoint?.replace(/\/+$/, "").replace(/\/xapi$/, "");
let auth = `Basic ${Buffer.from(`${args.key}:${args.secret}`).toString("base64")}`;
if (!base) {
  const stateDir = resolve(args["persist-dir"]);
  console.log(`seed: starting the LRS on 127.0.0.1:${port} with state in ${stateDir}`);
  server = await startLrs({ port, stateDir, env: { LRS_BOOTSTRAP_KEY: args.key, LRS_BOOTSTRAP_SECRET: args.secret } });
  base = server.base;
}

// Fixed end of the timestamp range per seed, so statement i is the same statement on every run.
const END_MS = Date.UTC(2026, 0, 1) + seed;
let next = from;
let stored = 0;
const started = performance.now();
let lastReport = started;

async function postBatch(start, count) {
  const version = Math.floor(start / batchSize) % 10 === 9 ? "2.0.0" : "1.0.3";
  const body = [];
  for (let i = start; i < start + count; i++) body.push(seedStatement(seed, i, version, END_MS));
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${base}/xapi/statements`, {
      method: "POST",
      headers: { Authorization: auth, "X-Experience-API-Version": version, "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(300_000),
    }).catch((error) => ({ status: 0, text: async () => String(error) }));
    const text = await response.text();
    if (response.status === 200) return;
    // Retrying is safe: the same statements with the same ids are stored once. wrangler dev restarts the
    // Worker (503) when source files change under it.
    if ((response.status === 0 || response.status === 429 || response.status >= 500) && attempt < 20) {
      await new Promise((done) => setTimeout(done, Math.min(1000 * attempt, 10_000)));
      continue;
    }
    throw new Error(`POST of statements ${start}..${start + count - 1} answered ${response.status}: ${text.slice(0, 500)}`);
  }
}

async function worker() {
  while (next < total) {
    const start = next;
    const count = Math.min(batchSize, total - start);
    next += count;
    await postBatch(start, count);
    stored += count;
    const now = performance.now();
    if (now - lastReport > 5000) {
      lastReport = now;
      const rate = stored / ((now - started) / 1000);
      console.log(`seed: ${from + stored}/${total} statements (${Math.round(rate)}/s)`);
    }
  }
}

try {
  await Promise.all(Array.from({ length: Number(args.concurrency) }, worker));
  const seconds = (performance.now() - started) / 1000;
  console.log(`seed: ${stored} statements stored in ${seconds.toFixed(1)} s (${Math.round(stored / seconds)}/s) at ${base}`);
} catch (error) {
  console.error(`seed: ${error.message}`);
  process.exitCode = 1;
} finally {
  await server?.stop();
}
