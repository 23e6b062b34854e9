// Job kind "upgrade-backfill": moves what a deployment kept from before the storage change (legacy_* tables,
// ../../upgrade/legacy-rows.ts) into the new tables in bounded chunks, store by store, splits the runs
// migrations/0016 made over the statements stored before it, then drops the legacy tables once empty. One job for
// the whole deployment (store ALL_STORES); started by the cron while legacy tables or spanning runs remain
// (../../upgrade/start-backfill.ts) and by POST /admin/upgrade-backfill.
// Resumable without a cursor of its own: every chunk deletes the legacy rows it moved in the same transaction,
// so the rows left ARE the place, and a step repeated after a crash or deploy finds its chunk already gone.
// The cursor only says which database is being worked through.
import type { Bindings } from "../../env";
import { databaseNamed, databaseNames } from "../../db/store-databases";
import {
  backfillStore,
  deleteRollupChunk,
  dropLegacyTables,
  nonEmptyLegacyTables,
  legacyRowsBound,
  legacyTablesOf,
  nextLegacyStoreSql,
  ROWS_PER_CHUNK,
} from "../../statement-store/legacy-rows";
import { SPLIT_ROWS, splitSpanningRunsChunk } from "../../statement-store/run-split";
import type { JobKind, StepOutcome } from "../job-kind";

/** Rows per chunk, when not the defaults (tests move a few statements per chunk). */
export type BackfillParams = { chunkRows?: number } | null | undefined;

/**
 * `database`: index into upgradeDatabases(env); `started`: its rows were counted into the total; `phase`: what is
 * left there (each phase ends when its tables are empty, which stays true, so a repeated step is harmless).
 */
export type BackfillCursor = { database: number; started?: boolean; phase?: "stores" | "runs" | "rollups" | "drop" };

/**
 * The databases to upgrade, DB first. Every deployment from before the storage change had one, DB; databases added
 * later get the migrations fresh, so their legacy tables are empty (the job only drops them).
 */
export function upgradeDatabases(env: Bindings): D1Database[] {
  return databaseNames(env).map((name) => databaseNamed(env, name));
}

export const upgradeBackfillJob: JobKind = {
  async step(env, job, budget) {
    const cursor: BackfillCursor = { database: 0, ...(job.cursor as BackfillCursor | null) };
    const counts = { statementRefs: 0, indexRows: 0, rollupRows: 0, tablesDropped: 0, runSeqsSplit: 0 };
    const take = () => budget.take();
    const chunkRows = (job.params as BackfillParams)?.chunkRows;
    const rows = { refs: chunkRows, index: chunkRows };
    const databases = upgradeDatabases(env);
    let total = job.total;
    const outcome = (finished: boolean): StepOutcome => ({
      finished,
      cursor,
      counts,
      done: counts.statementRefs + counts.indexRows + counts.rollupRows,
      total,
      ...(finished ? { result: { databases: databases.length } } : {}),
    });
    while (cursor.database < databases.length) {
      const db = databases[cursor.database]!;
      if (!take()) return outcome(false);
      const tables = await legacyTablesOf(db);
      if (!cursor.started) {
        if (!take()) return outcome(false);
        total = (total ?? 0) + (await legacyRowsBound(db, tables));
        cursor.started = true;
      }
      const storeSql = nextLegacyStoreSql(tables);
      while ((cursor.phase ?? "stores") === "stores") {
        if (storeSql === undefined) break;
        if (!take()) return outcome(false);
        const next = await db.prepare(storeSql).first<{ store_id: string | null; refs: number }>();
        if (!next?.store_id) break;
        if (!(await backfillStore(db, tables, next.store_id, take, counts, { ...rows, noRefs: next.refs === 0 }))) {
          return outcome(false);
        }
      }
      // The runs migrations/0016 made over the statements stored before it, split into exact ones
      // (statement-store/run-split.ts): each chunk one transaction, so the runs left ARE the place.
      if (cursor.phase === undefined || cursor.phase === "stores") cursor.phase = "runs";
      while (cursor.phase === "runs") {
        if (!take()) return outcome(false);
        const seqs = await splitSpanningRunsChunk(db, chunkRows ?? SPLIT_ROWS);
        counts.runSeqsSplit += seqs;
        if (seqs === 0) break;
      }
      cursor.phase = cursor.phase === "drop" ? "drop" : "rollups";
      while (cursor.phase === "rollups" && tables.has("legacy_rollup_daily")) {
        if (!take()) return outcome(false);
        const n = await deleteRollupChunk(db, chunkRows);
        counts.rollupRows += n;
        if (n < (chunkRows ?? ROWS_PER_CHUNK)) break;
      }
      cursor.phase = "drop";
      // Checked again before the drop: a table with rows left (which the phases above rule out) sends the job
      // back to moving them rather than losing them.
      if (!budget.take(2)) return outcome(false);
      const left = await nonEmptyLegacyTables(db, [...tables]);
      if (left.length > 0) {
        cursor.phase = undefined;
        return outcome(false);
      }
      await dropLegacyTables(db, [...tables]);
      counts.tablesDropped += tables.size;
      cursor.database++;
      cursor.started = false;
      cursor.phase = undefined;
    }
    return outcome(true);
  },
};
