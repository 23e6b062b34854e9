// The load test's jobs check: durable jobs (src/jobs) started before the SIGKILL of the LRS complete after the
// restart. An erasure of an agent with 25,000 statements and some State documents (about 1,200
// statements per step, so several steps) and the deletion of another such store are started in a
// pass of their own, with a rollup rebuild, an orphan sweep and an export of a third store (every job kind), and
// the SIGKILL comes 2 s after the erasure was sent (it takes several seconds). The first read after the
// restart shows where the kill left each job (the row is saved after every step); then each must reach
// "succeeded" and its work must be complete.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { call } from "../bench/http.mjs";

const AGENT = { mbox: "mailto:erase-me@example.edu" };
const VERB = { id: "http://adlnet.gov/expapi/verbs/experienced" };

/** call(), repeated on a 503 from wrangler dev ("worker restarted mid-request", e.g. on a source change). */
async function callAgain(base, path, init) {
  for (let attempt = 1; ; attempt++) {
    const answer = await call(base, path, init);
    if (answer.status !== 503 || attempt >= 5) return answer;
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
  }
}

function adminCall(base, token, path, init = {}) {
  return callAgain(base, `/admin${path}`, { ...init, headers: { Authorization: `Bearer ${token}` } });
}

async function adminJson(base, token, path, init = {}) {
  const answer = await adminCall(base, token, path, init);
  if (answer.status >= 300) throw new Error(`${init.method ?? "GET"} /admin${path}: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text);
}

/** Runs `task(i)` for i < n, `concurrency` at a time. */
async function pool(n, concurrency, task) {
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) await task(next++); }));
}

/** A store with a credential, `count` statements by AGENT and `documents` State documents of AGENT. */
async function seedStore(base, token, id, count, documents) {
  await adminJson(base, token, "/stores", { method: "POST", json: { id, name: id } });
  const credential = await adminJson(base, token, `/stores/${id}/credentials`, { method: "POST", json: { scopes: ["all"] } });
  const auth = `Basic ${Buffer.from(`${credential.key}:${credential.secret}`).toString("base64")}`;
  await pool(Math.ceil(count / 500), 2, async (batch) => {
    const statements = Array.from({ length: 500 }, (_, i) => ({ actor: AGENT, verb: VERB, object: { id: `https://example.edu/jobs/${batch}/${i}` } }));
    const posted = await callAgain(base, "/xapi/statements", { method: "POST", json: statements, headers: { Authorization: auth } });
    if (posted.status !== 200) throw new Error(`seeding ${id}: POST statements ${posted.status} ${posted.text}`);
  });
  await pool(documents, 8, async (i) => {
    const query = new URLSearchParams({ activityId: `https://example.edu/jobs/${i}`, agent: JSON.stringify(AGENT), stateId: "s" });
    const put = await callAgain(base, `/xapi/activities/state?${query}`, { method: "PUT", json: { i }, headers: { Authorization: auth } });
    if (put.status !== 204) throw new Error(`seeding ${id}: PUT state ${put.status} ${put.text}`);
  });
}

/** Statements of the store whose rebuild, sweep and export run across the kill (its export must hold them all). */
const KEPT_STATEMENTS = 25000;

/** The kinds started on the kept store, in the order startedJobs lists them. */
const KEPT_KINDS = ["rollup-rebuild", "orphan-sweep", "statement-export"];

export async function seedJobs(base, token, run, statements) {
  const erase = `${run}-erase`;
  const doomed = `${run}-doomed`;
  const kept = `${run}-kept`;
  await seedStore(base, token, erase, statements, 40);
  await seedStore(base, token, doomed, statements, 40);
  await seedStore(base, token, kept, KEPT_STATEMENTS, 10);
  return { erase, doomed, kept };
}

/**
 * Sends the erasure, the kept store's jobs and the deletion without waiting for their answers, and returns as
 * soon as all five job rows exist (or `waitMs` passes), so the kill comes while they run. Locally the Worker,
 * its Workflow steps and D1 share one process that answers nothing else while steps run, so neither a fixed
 * timer (how far jobs got depended on the machine's load) nor reading the jobs through the admin API (answered
 * only once they are done) finds them mid-way: the local D1 file is read directly, read-only.
 */
export async function startJobs(base, token, stores, stateDir, waitMs) {
  const send = (path, init) => adminCall(base, token, path, init).catch(() => {});
  send(`/stores/${stores.erase}/erase-agent`, { method: "POST", json: { agent: AGENT } });
  for (const kind of KEPT_KINDS) send(`/stores/${stores.kept}/jobs`, { method: "POST", json: { kind } });
  send(`/stores/${stores.doomed}`, { method: "DELETE" });
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (jobRowsIn(stateDir, stores) >= 2 + KEPT_KINDS.length) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Job rows of the three stores in the local D1 database files under stateDir (0 while none is readable). */
function jobRowsIn(stateDir, stores) {
  let rows = 0;
  for (const file of sqliteFiles(stateDir)) {
    let db;
    try {
      db = new DatabaseSync(file, { readOnly: true });
      const row = db
        .prepare("SELECT count(*) AS n FROM jobs WHERE store_id IN (?, ?, ?)")
        .get(stores.erase, stores.doomed, stores.kept);
      rows += Number(row?.n ?? 0);
    } catch {
      // Not the LRS database (no jobs table), or busy this instant: the next poll reads again.
    } finally {
      db?.close();
    }
  }
  return rows;
}

function sqliteFiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && entry.name.endsWith(".sqlite")) found.push(join(entry.parentPath ?? entry.path, entry.name));
  }
  return found;
}

/** The erasure, the deletion, then the kept store's jobs, in that order (a missing one's request never got that far). */
export async function startedJobs(base, token, stores) {
  const found = [];
  const wanted = [[stores.erase, "agent-erasure"], [stores.doomed, "store-deletion"], ...KEPT_KINDS.map((kind) => [stores.kept, kind])];
  for (const [storeId, kind] of wanted) {
    const job = (await adminJson(base, token, `/stores/${storeId}/jobs`)).jobs.find((row) => row.kind === kind);
    if (job) found.push({ storeId, id: job.id, kind });
  }
  return found;
}

/** Each job as the admin API shows it now, e.g. "agent-erasure running after 2 steps". */
export async function jobStates(base, token, jobs) {
  const states = await Promise.all(jobs.map((job) => adminJson(base, token, `/stores/${job.storeId}/jobs/${job.id}`)));
  return states.map((job) => `${job.kind} ${job.state} after ${job.steps} steps${job.finishedAt ? ` (${job.finishedAt - job.createdAt} ms)` : ""}`);
}

/**
 * Polls each job (a read of a stalled job restarts it: src/jobs/stalled-jobs.ts) until it has ended, then checks
 * its work. Returns violations.
 */
export async function verifyJobs(base, token, jobs, stores, timeoutMs) {
  const violations = [];
  const deadline = Date.now() + timeoutMs;
  const final = [];
  for (const job of jobs) {
    let state;
    for (;;) {
      state = await adminJson(base, token, `/stores/${job.storeId}/jobs/${job.id}`);
      if (state.state === "succeeded" || state.state === "failed" || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    final.push(state);
    if (state.state !== "succeeded") violations.push(`${job.kind} job ${job.id} ended ${state.state} (${state.error ?? "no error"})`);
  }
  const figures = await adminJson(base, token, `/stores/${stores.erase}/stats`);
  if (figures.statements !== 0 || figures.documents !== 0 || figures.agents !== 0) {
    violations.push(`after the erasure job, store ${stores.erase} still holds ${JSON.stringify(figures)}`);
  }
  const gone = await adminCall(base, token, `/stores/${stores.doomed}`);
  if (gone.status !== 404) violations.push(`after the deletion job, store ${stores.doomed} answers ${gone.status}`);
  const kept = await adminJson(base, token, `/stores/${stores.kept}/stats`);
  if (kept.statements !== KEPT_STATEMENTS) violations.push(`the rebuild or sweep changed store ${stores.kept}: ${JSON.stringify(kept)}`);
  const exported = final.find((job) => job.kind === "statement-export" && job.state === "succeeded");
  if (exported) {
    const file = await adminCall(base, token, `/stores/${stores.kept}/jobs/${exported.id}/download`);
    const lines = file.text.split("\n").filter((line) => line.trim() !== "").length;
    if (file.status !== 200 || lines !== KEPT_STATEMENTS) {
      violations.push(`the export across the kill holds ${lines} statements (answer ${file.status}), not ${KEPT_STATEMENTS}`);
    }
  }
  return { violations, final };
}
