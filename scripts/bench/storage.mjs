// The storage cost of the seed data set (issue 13): D1 rows written per statement, from D1's own meta through the
// bench entry's X-Bench-D1-Rows header, and database bytes per statement, for `npm run seed`'s statements posted
// 100 per request to a fresh LRS; plus the rows a StatementRef to a statement with many context activities costs.
// Cloudflare bills D1 by rows written (each index entry is one) and caps a database's size (PLATFORM.md), so
// these two figures bound how many statements a store can take in and hold. Nothing here names a table: the
// per-table breakdown (d1-footprint.mjs) lists whatever the schema has. The header counts the requests' own
// queries only: rows a Durable Object or job writes later for them are not in it, so the entries the database
// holds per statement are reported beside it, a floor under rows written by every path.
import { d1Rows } from "./d1-cost.mjs";
import { compactedFootprint, d1Footprint } from "./d1-footprint.mjs";
import { call } from "./http.mjs";
import { freshStateDir, removeStateDir, startLrs } from "./lrs-process.mjs";
import { learner, VERBS } from "./statements.mjs";
import { seededId, seedStatement } from "../seed/population.mjs";

export const STORAGE_GOALS = { rowsWrittenPerStatement: 12, bytesPerStatement: 2500, tieredBytesPerStatement: 400 };
const BATCH = 100;
const SEED = 1;
const END_MS = Date.UTC(2026, 0, 1) + SEED; // as scripts/seed.mjs: statement i is the same on every run
const round = (n) => Math.round(n * 100) / 100;

/** POSTs one batch; its D1 rows {read, written}. A failed POST stores nothing, so it is an error, not a cost. */
async function postMetered(base, statements, version) {
  const r = await call(base, "/xapi/statements", { method: "POST", json: statements, version, timeoutMs: 300_000 });
  const rows = d1Rows(r.headers);
  if (r.status !== 200) throw new Error(`storage: POST of ${statements.length} statements answered ${r.status}: ${r.text.slice(0, 300)}`);
  if (!rows) throw new Error("storage: no X-Bench-D1-Rows header (is the LRS running the bench entry, LRS_BENCH=1?)");
  return rows;
}

/**
 * The seed set's statements 0..count-1, in order, 100 per POST, every 10th batch as xAPI 2.0.0 (scripts/seed.mjs
 * with --batch 100). One request at a time: a StatementRef's target is then always stored before it.
 */
export async function seedSetRows(base, count) {
  let read = 0;
  let written = 0;
  for (let start = 0; start < count; start += BATCH) {
    const version = Math.floor(start / BATCH) % 10 === 9 ? "2.0.0" : "1.0.3";
    const body = [];
    for (let i = start; i < Math.min(count, start + BATCH); i++) body.push(seedStatement(SEED, i, version, END_MS));
    const rows = await postMetered(base, body, version);
    read += rows.read;
    written += rows.written;
  }
  return { read, written };
}

/**
 * A statement with 1,000 context activities (250 in each of parent, grouping, category and other), then 100
 * statements whose object is a StatementRef to it, posted together: what each referrer costs in rows written.
 */
export async function statementRefFanout(base) {
  const ids = (role) => Array.from({ length: 250 }, (_, n) => ({ id: `https://courses.example.edu/fanout/${role}/${n}` }));
  const target = {
    id: seededId(13, 0),
    actor: learner(1),
    verb: { id: VERBS[0][0], display: { "en-US": VERBS[0][1] } },
    object: { id: "https://courses.example.edu/fanout/target" },
    context: { contextActivities: { parent: ids("parent"), grouping: ids("grouping"), category: ids("category"), other: ids("other") } },
  };
  const targetRows = await postMetered(base, [target], "1.0.3");
  const referrers = Array.from({ length: 100 }, (_, n) => ({
    id: seededId(13, n + 1),
    actor: learner(100 + n),
    verb: { id: VERBS[1][0], display: { "en-US": VERBS[1][1] } },
    object: { objectType: "StatementRef", id: target.id },
  }));
  const referrerRows = await postMetered(base, referrers, "1.0.3");
  return { targetRows: targetRows.written, referrers: referrers.length, rowsWrittenPerReferrer: round(referrerRows.written / referrers.length) };
}

/**
 * The whole phase on its own fresh LRS (the bench entry): the seed set's rows, then the LRS stopped so the
 * database's bytes are read with its WAL folded in, then the LRS restarted on the same state for the StatementRef
 * case (after the size is read, so its 100,000-odd rows do not count against the seed set's bytes).
 */
export async function storageCost({ port, statements = 10_000, log = () => {}, keepState = false }) {
  const stateDir = freshStateDir("edge-lrs-bench-storage");
  const started = performance.now();
  try {
    let lrs = await startLrs({ port, stateDir, env: { LRS_BENCH: "1" } });
    let rows;
    try {
      rows = await seedSetRows(lrs.base, statements);
    } finally {
      await lrs.stop();
    }
    const footprint = await d1Footprint(stateDir);
    const result = {
      statements,
      batch: BATCH,
      rowsWrittenPerStatement: round(rows.written / statements),
      rowsReadPerStatement: round(rows.read / statements),
      bytesPerStatement: Math.round(footprint.bytes / statements),
      bytes: footprint.bytes,
      walHandling: footprint.walHandling,
    };
    if (footprint.tables) {
      result.storedEntriesPerStatement = round(Object.values(footprint.tables).reduce((sum, t) => sum + t.entries, 0) / statements);
      result.tables = perStatement(footprint.tables, statements);
    }
    if (footprint.tablesUnavailable) result.tablesUnavailable = footprint.tablesUnavailable;
    log(`storage: ${statements} seed statements: ${result.rowsWrittenPerStatement} rows written, ${result.bytesPerStatement} bytes per statement`);
    lrs = await startLrs({ port, stateDir, env: { LRS_BENCH: "1", LRS_ADMIN_TOKEN: BENCH_ADMIN_TOKEN } });
    try {
      result.tiered = { seconds: await tierEverything(lrs.base, statements) };
    } finally {
      await lrs.stop();
    }
    const compacted = await compactedFootprint(stateDir);
    if (compacted) {
      Object.assign(result.tiered, { bytesPerStatement: Math.round(compacted.bytes / statements), bytes: compacted.bytes, tables: perStatement(compacted.tables, statements) });
      log(`storage: every body tiered to R2: ${result.tiered.bytesPerStatement} bytes per statement (free pages dropped)`);
    }
    lrs = await startLrs({ port, stateDir, env: { LRS_BENCH: "1" } });
    try {
      result.statementRefFanout = await statementRefFanout(lrs.base);
    } finally {
      await lrs.stop();
    }
    log(`storage: StatementRef fan-out: ${JSON.stringify(result.statementRefFanout)}`);
    result.goals = STORAGE_GOALS;
    result.met = {
      rowsWrittenPerStatement: result.rowsWrittenPerStatement <= STORAGE_GOALS.rowsWrittenPerStatement,
      bytesPerStatement: result.bytesPerStatement <= STORAGE_GOALS.bytesPerStatement,
      ...(result.tiered.bytesPerStatement !== undefined
        ? { tieredBytesPerStatement: result.tiered.bytesPerStatement <= STORAGE_GOALS.tieredBytesPerStatement }
        : {}),
    };
    result.seconds = Math.round((performance.now() - started) / 1000);
    return result;
  } finally {
    if (!keepState) removeStateDir(stateDir);
  }
}

const BENCH_ADMIN_TOKEN = "bench-admin-token-0123456789abcdef0123456789";

/**
 * Every statement of the default store tiered to R2 (tierAfterDays 0, the statement-tiering job run until all
 * `statements` are; only statements the rollup aggregator has counted tier, so a round may tier fewer). Seconds.
 */
async function tierEverything(base, statements) {
  const started = performance.now();
  const admin = async (method, path, json) => {
    const r = await call(base, `/admin${path}`, { method, json, headers: { Authorization: `Bearer ${BENCH_ADMIN_TOKEN}` } });
    if (r.status >= 300) throw new Error(`storage: ${method} /admin${path} answered ${r.status}: ${r.text.slice(0, 300)}`);
    return r.text ? JSON.parse(r.text) : undefined;
  };
  await admin("PUT", "/stores/default/tiering", { tierAfterDays: 0 });
  let tiered = 0;
  for (let round = 0; round < 60 && tiered < statements; round++) {
    const { job } = await admin("POST", "/stores/default/jobs", { kind: "statement-tiering" });
    for (let polls = 0; ; polls++) {
      if (polls > 600) throw new Error("storage: the tiering job did not finish in 5 minutes");
      await new Promise((done) => setTimeout(done, 500));
      const state = await admin("GET", `/stores/default/jobs/${job.id}`);
      if (state.state === "failed") throw new Error(`storage: tiering failed: ${JSON.stringify(state).slice(0, 300)}`);
      if (state.state !== "succeeded") continue;
      tiered += state.counts?.statements ?? 0;
      break;
    }
    if (tiered < statements) await new Promise((done) => setTimeout(done, 3000)); // the aggregator is still counting
  }
  if (tiered < statements) throw new Error(`storage: only ${tiered} of ${statements} statements tiered`);
  return Math.round((performance.now() - started) / 1000);
}

/** {name: {type, table, bytesPerStatement, entriesPerStatement}}: the breakdown per seed statement. */
function perStatement(tables, statements) {
  return Object.fromEntries(
    Object.entries(tables).map(([name, t]) => [
      name,
      { type: t.type, table: t.table, bytesPerStatement: round(t.bytes / statements), entriesPerStatement: round(t.entries / statements) },
    ]),
  );
}

/** The three issue-13 storage goals as report verdicts (met: undefined when this run did not measure them). */
export function storageVerdicts(storage) {
  const measured = storage && !storage.error;
  const value = (figure, unit) =>
    !storage ? "not measured in this run" : storage.error ? `failed: ${storage.error}`
      : figure === undefined ? "not measured: no SQLite to compact a copy with"
      : `${grouped(figure)}${unit} (${grouped(storage.statements)} seed statements)`;
  return [
    {
      goal: `D1 rows written per statement ≤ ${STORAGE_GOALS.rowsWrittenPerStatement} (seed data set, batches of ${BATCH})`,
      value: value(storage?.rowsWrittenPerStatement, ""),
      met: measured ? storage.met.rowsWrittenPerStatement : undefined,
    },
    {
      goal: `D1 bytes per statement ≤ ${grouped(STORAGE_GOALS.bytesPerStatement)} (seed data set)`,
      value: value(storage?.bytesPerStatement, " bytes"),
      met: measured ? storage.met.bytesPerStatement : undefined,
    },
    {
      goal: `D1 bytes per statement ≤ ${STORAGE_GOALS.tieredBytesPerStatement} with every body tiered to R2 (seed data set)`,
      value: value(storage?.tiered?.bytesPerStatement, " bytes"),
      met: measured ? storage.met.tieredBytesPerStatement : undefined,
    },
  ];
}

const grouped = (n) => (n === undefined ? "–" : n.toLocaleString("en"));
const row = (cells) => `| ${cells.join(" | ")} |`;

/** The report's section: the figures against the goals, the StatementRef case, and the per-table breakdown. */
export function storageSection(s) {
  const lines = ["## Storage cost of the seed data set (issue 13)", ""];
  if (s.error) return [...lines, `Not measured: ${s.error}`];
  const verdict = (met) => (met ? "yes" : "**no**");
  lines.push(
    `\`npm run seed\`'s first ${grouped(s.statements)} statements (seed 1: plain, voiding, StatementRef, SubStatement and 2.0 contextAgents statements), ` +
      `posted ${s.batch} per request, one request at a time, to a fresh LRS. Rows: D1's own meta summed over each whole request. ` +
      `Bytes: the database file (${grouped(s.bytes)} bytes) divided by the statements; ${s.walHandling}.`,
    "",
    row(["figure", "measured", "goal", "met"]),
    row(["---", "---", "---", "---"]),
    row(["rows written per statement", s.rowsWrittenPerStatement, `≤ ${s.goals.rowsWrittenPerStatement}`, verdict(s.met.rowsWrittenPerStatement)]),
    row(["rows read per statement", s.rowsReadPerStatement, "–", "–"]),
    ...(s.storedEntriesPerStatement !== undefined
      ? [row(["table and index entries held per statement (each written at least once, by any path)", s.storedEntriesPerStatement, "–", "–"])]
      : []),
    row(["bytes per statement", grouped(s.bytesPerStatement), `≤ ${grouped(s.goals.bytesPerStatement)}`, verdict(s.met.bytesPerStatement)]),
    ...(s.tiered?.bytesPerStatement !== undefined
      ? [row(["bytes per statement with every body tiered to R2 (free pages dropped: VACUUM INTO a copy)", grouped(s.tiered.bytesPerStatement),
          `≤ ${s.goals.tieredBytesPerStatement ?? "–"}`, s.met.tieredBytesPerStatement === undefined ? "–" : verdict(s.met.tieredBytesPerStatement)])]
      : []),
  );
  const f = s.statementRefFanout;
  if (f) {
    lines.push(
      "",
      `StatementRef fan-out: one statement with 1,000 context activities (250 per role) cost ${grouped(f.targetRows)} rows written; ` +
        `then ${f.referrers} statements referring to it, posted together, cost **${grouped(f.rowsWrittenPerReferrer)} rows written each**.`,
    );
  }
  if (s.tables) lines.push("", ...breakdownTable(s));
  if (s.tiered?.tables) lines.push("", `With every body tiered to R2 (${s.tiered.seconds} s to tier them all):`, "", ...breakdownTable(s.tiered));
  else if (s.tablesUnavailable) lines.push("", `No per-table breakdown: ${s.tablesUnavailable}.`);
  return lines;
}

/** Tables and indexes of at least 1% of the bytes, largest first; the rest summed in one line. */
function breakdownTable(s) {
  const entries = Object.entries(s.tables);
  const shown = entries.filter(([, t]) => t.bytesPerStatement >= s.bytesPerStatement / 100);
  const rest = entries.filter(([, t]) => t.bytesPerStatement < s.bytesPerStatement / 100);
  const lines = [
    "Where the bytes go (SQLite's dbstat: pages of each b-tree, free space in them included):",
    "",
    row(["table or index", "of table", "bytes per statement", "entries per statement"]),
    row(["---", "---", "---", "---"]),
    ...shown.map(([name, t]) => row([t.type === "index" ? `${name} (index)` : name, t.table, t.bytesPerStatement, t.entriesPerStatement])),
  ];
  if (rest.length) {
    const sum = (key) => round(rest.reduce((total, [, t]) => total + t[key], 0));
    lines.push(row([`${rest.length} smaller tables and indexes`, "", sum("bytesPerStatement"), sum("entriesPerStatement")]));
  }
  return lines;
}
