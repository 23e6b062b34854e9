// The local D1 database's size once its write-ahead log is folded in, and (optionally) where the bytes go, table by
// table and index by index. d1Bytes (d1-cost.mjs) leaves the WAL out, which reads low by up to 4 MB while the LRS
// runs; so this is read after the LRS has stopped: with nothing else holding the file, `PRAGMA
// wal_checkpoint(TRUNCATE)` copies every committed page into the main file and empties the log. Needs node:sqlite
// (Node 22) or the sqlite3 CLI; without either the WAL's size is added instead (an upper bound: a page written
// twice is in the log twice). Never opened while workerd runs: its SQLite may not share our locks.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { d1Bytes, d1Files } from "./d1-cost.mjs";

/** A way to run SQL on a database file: node:sqlite when this Node has it, else the sqlite3 CLI, else undefined. */
export async function sqliteRunner() {
  try {
    const { DatabaseSync } = await import("node:sqlite");
    return {
      tool: "node:sqlite",
      all(file, sql) {
        const db = new DatabaseSync(file);
        try {
          return db.prepare(sql).all();
        } finally {
          db.close();
        }
      },
    };
  } catch {}
  const probe = spawnSync("sqlite3", ["-version"], { encoding: "utf8" });
  if (probe.status !== 0) return undefined;
  return {
    tool: `sqlite3 ${probe.stdout.split(" ")[0]}`,
    all(file, sql) {
      const run = spawnSync("sqlite3", ["-json", file, sql], { encoding: "utf8", maxBuffer: 64 * 2 ** 20 });
      if (run.status !== 0) throw new Error(`sqlite3: ${run.stderr.trim()}`);
      return run.stdout.trim() ? JSON.parse(run.stdout) : [];
    },
  };
}

const walBytes = (files) => files.reduce((sum, file) => sum + sizeOf(`${file}-wal`), 0);

function sizeOf(path) {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/**
 * {bytes, walHandling, tables?} of the D1 databases under a stopped LRS's state dir. `tables` (when SQLite is at
 * hand and has the dbstat table) maps each table and index to its bytes and entries, largest first.
 */
export async function d1Footprint(stateDir) {
  const files = d1Files(stateDir);
  const sqlite = await sqliteRunner();
  if (!sqlite) {
    return { bytes: d1Bytes(stateDir) + walBytes(files), walHandling: "no SQLite to checkpoint with: the WAL's size is added (an upper bound)" };
  }
  for (const file of files) sqlite.all(file, "PRAGMA wal_checkpoint(TRUNCATE)");
  const left = walBytes(files);
  const footprint = {
    bytes: d1Bytes(stateDir) + left,
    walHandling: `LRS stopped, then PRAGMA wal_checkpoint(TRUNCATE) with ${sqlite.tool}${left ? ` (${left} bytes of WAL left, added)` : ""}`,
  };
  try {
    footprint.tables = breakdown(sqlite, files);
  } catch (error) {
    footprint.tablesUnavailable = String(error.message ?? error).split("\n")[0]; // e.g. SQLite built without dbstat
  }
  return footprint;
}

/**
 * {name: {type, table, bytes, entries}} over every file, largest first, for whatever tables the schema has.
 * Entries are a b-tree's records: a rowid table keeps its rows in leaf cells only, while an index (and a WITHOUT
 * ROWID table, stored as one) holds a distinct record in every cell, interior ones included (SQLite file format,
 * "B-tree Pages"). Each entry was at least one D1 row written when it was inserted.
 */
function breakdown(sqlite, files) {
  const entries = new Map();
  for (const file of files) {
    const schema = new Map(sqlite.all(file, "SELECT name, type, tbl_name, sql FROM sqlite_schema").map((row) => [row.name, row]));
    for (const { name, pagetype, cells, bytes } of sqlite.all(file, "SELECT name, pagetype, SUM(ncell) AS cells, SUM(pgsize) AS bytes FROM dbstat GROUP BY name, pagetype")) {
      const known = schema.get(name);
      const entry = entries.get(name) ?? { type: known?.type ?? "table", table: known?.tbl_name ?? name, bytes: 0, entries: 0 };
      const rowidTable = entry.type === "table" && !/without\s+rowid/i.test(known?.sql ?? "");
      entry.bytes += Number(bytes);
      if (pagetype === "leaf" || (pagetype === "internal" && !rowidTable)) entry.entries += Number(cells);
      entries.set(name, entry);
    }
  }
  return Object.fromEntries([...entries].sort(([, a], [, b]) => b.bytes - a.bytes));
}

/**
 * The same once free pages are dropped (`VACUUM INTO` a copy; the LRS's own files are left as they are): what a
 * store holds at steady state after a change that empties pages in place, such as tiering statement bodies
 * (SQLite reuses freed pages for new rows but never shrinks the file by itself). Undefined without SQLite.
 */
export async function compactedFootprint(stateDir) {
  const sqlite = await sqliteRunner();
  if (!sqlite) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "d1-compacted-"));
  try {
    const copies = d1Files(stateDir).map((file, i) => {
      const copy = join(dir, `${i}.sqlite`);
      sqlite.all(file, `VACUUM INTO '${copy.replaceAll("'", "''")}'`);
      return copy;
    });
    return { bytes: copies.reduce((sum, file) => sum + sizeOf(file), 0), tables: breakdown(sqlite, copies) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
