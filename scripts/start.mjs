#!/usr/bin/env node
// `npm start`: applies the local D1 migrations, then serves the LRS with embedded local D1/R2/Durable Objects.
// Environment: PORT (8787), LRS_PERSIST_DIR (.wrangler/state), LRS_BOOTSTRAP_KEY / LRS_BOOTSTRAP_SECRET
// (a credential with the `all` scope in the default store; dev values below when neither is set).
// LRS_ADMIN_TOKEN, LRS_XAPI_VERSIONS, LRS_BENCH, LRS_FORWARD_ALLOW_HTTP. The values reach the Worker through a 0600 env file (see
// start/worker-vars-file.mjs), never wrangler's command line, which every user of the machine can read (ps).
// Runs unattended (stdin ignored) and stops its whole process group on SIGTERM/SIGINT.
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { removeWorkerVarsFile, writeWorkerVarsFile } from "./start/worker-vars-file.mjs";

const root = resolve(import.meta.dirname, "..");

const port = process.env.PORT || "8787";
const persistDir = resolve(process.env.LRS_PERSIST_DIR || ".wrangler/state");
const bothUnset = !process.env.LRS_BOOTSTRAP_KEY && !process.env.LRS_BOOTSTRAP_SECRET;
const key = bothUnset ? "dev-key" : process.env.LRS_BOOTSTRAP_KEY;
const secret = bothUnset ? "dev-secret" : process.env.LRS_BOOTSTRAP_SECRET;

const childEnv = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  CI: process.env.CI ?? "true", // makes wrangler's d1 commands auto-confirm and keeps it non-interactive
  CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV: "true", // else wrangler dev ignores --env-file for the Worker's variables
};

let varsFile;
process.on("exit", () => removeWorkerVarsFile(varsFile));

let child;
let stopping = false;

function run(args) {
  return new Promise((done, fail) => {
    child = spawn("wrangler", args, { env: childEnv, stdio: ["ignore", "inherit", "inherit"], detached: true });
    child.on("error", fail);
    child.on("exit", (code, signal) => (code === 0 || stopping ? done(code) : fail(new Error(`wrangler ${args[0]} exited ${code ?? signal}`))));
  });
}

function stop(signal) {
  stopping = true;
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGTERM"); // the whole group: killing wrangler alone leaves workerd listening
    } catch {}
  }
  setTimeout(() => process.exit(0), 3000).unref();
  if (signal) process.exitCode = 0;
}
process.on("SIGTERM", () => stop("SIGTERM"));
process.on("SIGINT", () => stop("SIGINT"));
// `npm start` killed with SIGTERM exits without passing the signal on; when our parent goes, stop too.
const parentAtStart = process.ppid;
setInterval(() => {
  if (process.ppid !== parentAtStart) stop("parent exited");
}, 500).unref();

try {
  // Every database wrangler.toml binds for stores: DB, and DB_2 ... after `npm run deploy -- --databases N`.
  const bindings = [...readFileSync(join(root, "wrangler.toml"), "utf8").matchAll(/^binding\s*=\s*"(DB(?:_[1-9][0-9]*)?)"/gm)];
  for (const [, binding] of bindings) {
    await run(["d1", "migrations", "apply", binding, "--local", "--persist-to", persistDir]);
    if (stopping) process.exit(0);
  }
  if (stopping) process.exit(0);
  const vars = {};
  if (key && secret) Object.assign(vars, { LRS_BOOTSTRAP_KEY: key, LRS_BOOTSTRAP_SECRET: secret });
  if (process.env.LRS_ADMIN_TOKEN) vars.LRS_ADMIN_TOKEN = process.env.LRS_ADMIN_TOKEN;
  if (process.env.LRS_XAPI_VERSIONS) vars.LRS_XAPI_VERSIONS = process.env.LRS_XAPI_VERSIONS;
  if (process.env.LRS_BENCH === "1") vars.LRS_BENCH = "1"; // the benchmark's raw-D1 baseline route
  if (process.env.LRS_FORWARD_ALLOW_HTTP === "1") vars.LRS_FORWARD_ALLOW_HTTP = "1"; // plain-http forwarding destinations (local only)
  varsFile = writeWorkerVarsFile(join(root, ".wrangler"), port, vars);
  // With --env-file wrangler reads only the files named, so name the ones it reads by default first
  // (.dev.vars, else .env and .env.local); ours comes last and wins, as --var did. Only existing files: Node
  // itself also acts on --env-file in wrangler's arguments and exits on a missing one.
  const defaults = existsSync(join(root, ".dev.vars")) ? [".dev.vars"] : [".env", ".env.local"];
  const envFiles = [...defaults.map((name) => join(root, name)).filter(existsSync), varsFile].flatMap((path) => ["--env-file", path]);
  console.log(`\nLRS: http://127.0.0.1:${port}/xapi  console: http://127.0.0.1:${port}/console  state: ${persistDir}`);
  if (key && secret) console.log(`LRS: credential (HTTP Basic, scope all, default store): ${key} / ${bothUnset ? secret : "(LRS_BOOTSTRAP_SECRET)"}\n`);
  await run([
    "dev",
    // The benchmark's entry adds the /bench routes; the deployed Worker (wrangler.toml main) never has them.
    ...(process.env.LRS_BENCH === "1" ? ["src/bench/worker.ts"] : []),
    "--port", port,
    "--ip", "127.0.0.1",
    "--persist-to", persistDir,
    "--show-interactive-dev-session=false",
    "--log-level", process.env.LRS_LOG_LEVEL || "warn",
    ...envFiles,
  ]);
} catch (error) {
  console.error(String(error));
  process.exit(1);
}
