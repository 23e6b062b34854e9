// D1's own cost figures through the bench entry's X-Bench-D1-Rows header (src/bench/d1-meter.ts): rows written
// per stored statement, rows read per query, and the database's bytes per statement; and the Free/Paid capacity
// they imply. Cloudflare bills D1 by rows read and written (each index entry written is a row written).
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { batchBody } from "./bodies.mjs";
import { call } from "./http.mjs";

/** Cloudflare's D1 allowances (PLATFORM.md, checked 2026-11-28). */
export const D1_PLANS = {
  free: { rowsWrittenPerDay: 100_000, rowsReadPerDay: 5_000_000, databaseBytes: 500 * 1e6 },
  paid: { rowsWrittenPerMonth: 50_000_000, rowsReadPerMonth: 25_000_000_000, databaseBytes: 10 * 1e9 },
};

/** {read, written, queries} from a response's headers (undefined when the entry does not meter). */
export function d1Rows(headers) {
  const value = headers.get("x-bench-d1-rows");
  if (!value) return undefined;
  return Object.fromEntries(value.split(";").map((part) => part.trim().split("=")).map(([k, v]) => [k, Number(v)]));
}

/**
 * Rows written per statement for POST batches of 1, 100 and 1,000 of the benchmark's statements, numbered from
 * `from` (new statements; their learners and activities mostly already stored, as in steady use).
 */
export async function writeCost(base, from) {
  const cells = [];
  let next = from;
  for (const batch of [1, 100, 1000]) {
    let written = 0;
    let read = 0;
    let statements = 0;
    const requests = batch === 1 ? 20 : batch === 100 ? 5 : 2;
    for (let n = 0; n < requests; n++) {
      const { body } = batchBody(next, batch, true);
      next += batch;
      const r = await call(base, "/xapi/statements", { method: "POST", json: body });
      const rows = d1Rows(r.headers);
      if (r.status !== 200 || !rows) throw new Error(`write cost: ${r.status} ${r.text.slice(0, 200)}`);
      written += rows.written;
      read += rows.read;
      statements += batch;
    }
    cells.push({ batch, statements, rowsWrittenPerStatement: round(written / statements), rowsReadPerStatement: round(read / statements) });
  }
  return cells;
}

/** The local D1 database files (SQLite main files, not their -wal/-shm) under a wrangler state directory. */
export function d1Files(stateDir) {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.sqlite$/.test(entry.name) && path.includes(join("v3", "d1"))) files.push(path);
    }
  };
  try {
    walk(stateDir);
  } catch {}
  return files;
}

/**
 * Bytes of the local D1 database files under a wrangler state directory. The WAL is left out: its size is a
 * high-water mark, and SQLite checkpoints it into the main file every 1,000 pages (4 MB), so the main file is
 * the database's size within that (d1-footprint.mjs checkpoints first, for an exact figure).
 */
export function d1Bytes(stateDir) {
  return d1Files(stateDir).reduce((bytes, path) => bytes + statSync(path).size, 0);
}

/**
 * What the plans hold at these costs: statements stored per day (Free) or month (Paid), queries of the typical
 * shape, and statements one database holds.
 */
export function capacity({ rowsWrittenPerStatement, rowsReadPerQuery, bytesPerStatement }) {
  const floor = (n) => (Number.isFinite(n) ? Math.floor(n) : undefined);
  return {
    free: {
      statementsPerDay: floor(D1_PLANS.free.rowsWrittenPerDay / rowsWrittenPerStatement),
      queriesPerDay: floor(D1_PLANS.free.rowsReadPerDay / rowsReadPerQuery),
      statementsStored: floor(D1_PLANS.free.databaseBytes / bytesPerStatement),
    },
    paid: {
      statementsPerMonth: floor(D1_PLANS.paid.rowsWrittenPerMonth / rowsWrittenPerStatement),
      queriesPerMonth: floor(D1_PLANS.paid.rowsReadPerMonth / rowsReadPerQuery),
      statementsStored: floor(D1_PLANS.paid.databaseBytes / bytesPerStatement),
    },
  };
}

const round = (n) => Math.round(n * 100) / 100;
