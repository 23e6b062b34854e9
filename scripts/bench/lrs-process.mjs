// Starting and stopping the LRS exactly as `npm start` does, for the benchmark and the load test.
// The LRS runs detached (npm → scripts/start.mjs → wrangler → workerd, wrangler in a process group of its own);
// stopping signals every group of that tree, because killing npm alone leaves workerd listening. Everything here talks to loopback only.
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "..", "..");
export const BOOTSTRAP = { key: "bench-key", secret: "bench-secret-0123456789abcdef" };
export const AUTH = `Basic ${Buffer.from(`${BOOTSTRAP.key}:${BOOTSTRAP.secret}`).toString("base64")}`;

const running = new Set();

export function freshStateDir(prefix) {
  return mkdtempSync(join(tmpdir(), `${prefix}-`));
}

/**
 * Spawns `npm start` detached (its own process group) on 127.0.0.1:port with state in `stateDir`, and waits
 * until /xapi/about answers. Extra variables (e.g. LRS_BENCH=1) go in `env`. Returns a handle with stop().
 */
export async function startLrs({ port, stateDir, env = {}, log = false, timeoutMs = 90_000 }) {
  const child = spawn("npm", ["start"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", log ? "inherit" : "pipe", log ? "inherit" : "pipe"],
    env: {
      ...process.env,
      PORT: String(port),
      LRS_PERSIST_DIR: stateDir,
      LRS_BOOTSTRAP_KEY: BOOTSTRAP.key,
      LRS_BOOTSTRAP_SECRET: BOOTSTRAP.secret,
      LRS_LOG_LEVEL: "error",
      CI: "true",
      CLOUDFLARE_CF_FETCH_ENABLED: "false",
      WRANGLER_SEND_METRICS: "false",
      ...env,
    },
  });
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk).slice(-8000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const handle = {
    pid: child.pid,
    port,
    stateDir,
    base: `http://127.0.0.1:${port}`,
    exited: false,
    output: () => output,
    stop: (signal = "SIGTERM") => stopGroup(handle, signal),
  };
  child.on("exit", () => (handle.exited = true));
  running.add(handle);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (handle.exited) throw new Error(`the LRS exited while starting:\n${output}`);
    if (/Build failed|\[ERROR\]/.test(output)) {
      await stopGroup(handle, "SIGKILL");
      throw new Error(`the LRS failed to start:\n${output.slice(-3000)}`);
    }
    try {
      const response = await fetch(`${handle.base}/xapi/about`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        await response.arrayBuffer();
        return handle;
      }
    } catch {}
    await sleep(250);
  }
  await stopGroup(handle, "SIGKILL");
  throw new Error(`the LRS did not answer /xapi/about within ${timeoutMs} ms:\n${output}`);
}

/**
 * Stops the LRS: `signal` goes to every process group of the LRS's process tree (scripts/start.mjs runs
 * wrangler in a group of its own, and workerd is wrangler's child), then waits until none of them is left.
 */
export async function stopGroup(handle, signal = "SIGTERM") {
  running.delete(handle);
  const groups = new Set([handle.pid, ...treeProcesses(handle.pid).map((p) => p.pgid)]);
  const pids = treeProcesses(handle.pid).map((p) => p.pid);
  const signalAll = (sig) => {
    for (const pgid of groups) {
      try {
        process.kill(-pgid, sig);
      } catch {}
    }
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {}
    }
  };
  signalAll(signal);
  const alive = () => pids.filter((pid) => isAlive(pid)).length + groupMembers(groups).length;
  for (let waited = 0; waited < 10_000; waited += 100) {
    if (alive() === 0) return;
    await sleep(100);
  }
  signalAll("SIGKILL");
  for (let waited = 0; waited < 5_000 && alive(); waited += 100) await sleep(100);
}

function isAlive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Stops every LRS this process started; for exit and signal handlers. */
export function stopAllSync() {
  for (const handle of running) {
    for (const pgid of new Set([handle.pid, ...treeProcesses(handle.pid).map((p) => p.pgid)])) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {}
    }
  }
  running.clear();
}
process.on("exit", stopAllSync);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    stopAllSync();
    process.exit(130);
  });
}

/** Every live process: [{pid, ppid, pgid, comm, rssKiB}] (Linux /proc). */
function allProcesses() {
  const found = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // fields after the parenthesised comm: state ppid pgrp ...
      const close = stat.lastIndexOf(")");
      const fields = stat.slice(close + 2).split(" ");
      if (fields[0] === "Z") continue;
      const status = readFileSync(`/proc/${entry}/status`, "utf8");
      const rss = /VmRSS:\s+(\d+)/.exec(status);
      found.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        pgid: Number(fields[2]),
        comm: stat.slice(stat.indexOf("(") + 1, close),
        rssKiB: rss ? Number(rss[1]) : 0,
      });
    } catch {}
  }
  return found;
}

/** The LRS's processes: `root` and all its descendants, plus anything left in their process groups. */
export function treeProcesses(root) {
  const procs = allProcesses();
  const inTree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => inTree.has(p.pid));
}

function groupMembers(groups) {
  return allProcesses().filter((p) => groups.has(p.pgid));
}

/** Samples the RSS of the group's workerd process(es) (and of the whole group) every `everyMs`. */
export function sampleMemory(handle, everyMs = 1000) {
  const samples = [];
  const take = () => {
    const procs = treeProcesses(handle.pid);
    const workerd = procs.filter((p) => p.comm.includes("workerd")).reduce((sum, p) => sum + p.rssKiB, 0);
    const all = procs.reduce((sum, p) => sum + p.rssKiB, 0);
    if (procs.length) samples.push({ at: Date.now(), workerdMiB: workerd / 1024, groupMiB: all / 1024 });
  };
  take();
  const timer = setInterval(take, everyMs);
  timer.unref();
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return summarizeMemory(samples);
    },
  };
}

function summarizeMemory(samples) {
  const peak = (key) => Math.max(0, ...samples.map((s) => s[key]));
  const last = samples.at(-1) ?? { workerdMiB: 0, groupMiB: 0 };
  return {
    samples: samples.length,
    workerdPeakMiB: round(peak("workerdMiB")),
    workerdEndMiB: round(last.workerdMiB),
    groupPeakMiB: round(peak("groupMiB")),
  };
}

export function removeStateDir(dir) {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {}
}

export const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const round = (n) => Math.round(n * 10) / 10;
