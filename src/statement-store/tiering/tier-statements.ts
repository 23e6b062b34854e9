// Moving a store's old statement bodies to R2 (a job step, src/jobs/kinds/statement-tiering.ts): the next run of
// untiered statements stored before the cutoff becomes one segment object (./segments.ts), and the rows keep a
// pointer and their rollup keys (./tiered-row.ts). The object is written first, then ONE D1 batch records the
// segment and rewrites the rows, only if every row of the run is still there and untiered (an erasure or another
// tiering run meanwhile makes the batch change nothing, and the object is deleted; a crash in between leaves an
// object no row names, which the segment sweep removes: ./segment-sweep.ts).
// Only statements the rollup aggregator's cursor (rollup_cursors) has passed are tiered: src/rollups and the
// console's display names read statement JSON in SQL, and must meet whole statements when they first count them.
import { CURSOR } from "../rollups/aggregate";
import type { StepBudget } from "../../jobs/step-budget";
import { firstSeqStoredAfter } from "../stored-order";
import { WALK_MAX_SEQ, walkFrom, walkOrder } from "../store-walk";
import { buildSegment, putSegment, reserveSegmentId, segmentKey } from "./segments";
import { TIERED_KEYS_SQL } from "../rollups/statement-keys";
import { type SegmentPointer, untieredSql } from "./tiered-row";

/** Statements per segment: small enough that the batch's JSON parameter stays far under D1's 2,000,000 bytes. */
const SEGMENT_STATEMENTS = 500;
/** Bytes per segment at most (a run is cut before the statement that would pass it; never below one). */
const SEGMENT_BYTES = 8 * 1024 * 1024;

export type TieringCursor = { afterSeq: number };
export type TieringStep = { finished: boolean; cursor: TieringCursor; tiered: number; segments: number };

/** The seq after which a fresh run starts: the end of the store's newest segment. */
export const START_SQL = "SELECT coalesce(max(last_seq), 0) AS seq FROM statement_segments WHERE store_id = ?";

export async function tierStatements(
  db: D1Database,
  blobs: R2Bucket,
  storeId: string,
  cutoffMs: number,
  cursor: TieringCursor | null,
  budget: StepBudget,
  segmentStatements = SEGMENT_STATEMENTS,
): Promise<TieringStep> {
  let place = cursor;
  const outcome = { tiered: 0, segments: 0 };
  if (place === null) {
    if (!budget.take()) return { finished: false, cursor: { afterSeq: 0 }, ...outcome };
    place = { afterSeq: (await db.prepare(START_SQL).bind(storeId).first<{ seq: number }>())?.seq ?? 0 };
  }
  // A run: read (1), the id (1), put (1), batch (1), and the delete when the batch changed nothing (1).
  while (budget.take(5)) {
    const run = await readRun(db, storeId, cutoffMs, place.afterSeq, segmentStatements);
    if (run.length === 0) return { finished: true, cursor: place, ...outcome };
    const tiered = await writeSegment(db, blobs, storeId, run);
    // Nothing tiered: the rows changed under us (erasure, another run); the next step reads them again.
    if (tiered === 0) return { finished: false, cursor: place, ...outcome };
    outcome.tiered += tiered;
    outcome.segments++;
    place = { afterSeq: run[run.length - 1]!.seq };
  }
  return { finished: false, cursor: place, ...outcome };
}

type RunRow = { seq: number; statement: string };

async function readRun(db: D1Database, storeId: string, cutoffMs: number, afterSeq: number, limit: number): Promise<RunRow[]> {
  const before = firstSeqStoredAfter(storeId, cutoffMs);
  // Its positional parameters follow ?1-?3.
  let n = 4;
  const beforeSql = before.sql.replace(/\?/g, () => `?${n++}`);
  const { results } = await db
    .prepare(
      // Up to the aggregator's cursor (counted statements only) and before the cutoff, searched once.
      `WITH edge(seq) AS MATERIALIZED (SELECT min(${CURSOR}, coalesce(${beforeSql}, ${WALK_MAX_SEQ}) - 1))
       SELECT s.seq AS seq, s.statement AS statement ${walkFrom({ store: "?1", from: "?2 + 1", through: "(SELECT seq FROM edge)" })}
         AND ${untieredSql("s")} ORDER BY ${walkOrder()} LIMIT ?3`,
    )
    .bind(storeId, afterSeq, limit, ...before.params)
    .all<RunRow>();
  let bytes = 0;
  const run: RunRow[] = [];
  for (const row of results) {
    bytes += row.statement.length * 3;
    if (run.length > 0 && bytes > SEGMENT_BYTES) break;
    run.push(row);
  }
  return run;
}

/** The segment object, then the one batch; the statements tiered (0 when the batch found the run changed). */
async function writeSegment(db: D1Database, blobs: R2Bucket, storeId: string, run: readonly RunRow[]): Promise<number> {
  const segment = await reserveSegmentId(db);
  const { bytes, pointers } = buildSegment(segment, run.map((row) => ({ seq: row.seq, body: row.statement })));
  await putSegment(blobs, storeId, segment, bytes);
  const columns = pointersJson(pointers);
  const [inserted] = await db.batch([
    db.prepare(INSERT_SEGMENT_SQL).bind(
      segment, storeId, segmentKey(storeId, segment), run[0]!.seq, run[run.length - 1]!.seq, run.length,
      bytes.byteLength, Date.now(), columns,
    ),
    db.prepare(POINT_ROWS_SQL).bind(storeId, columns, segment),
  ]);
  if ((inserted!.meta.changes ?? 0) === 1) return run.length;
  await blobs.delete(segmentKey(storeId, segment));
  return 0;
}

// ?1 id ?2 store ?3 key ?4 first ?5 last ?6 count ?7 bytes ?8 now ?9 JSON [[seq, pointer], ...]: recorded only when
// every row of the run is still there and untiered.
const INSERT_SEGMENT_SQL = `
INSERT INTO statement_segments (id, store_id, r2_key, first_seq, last_seq, statements, bytes, rewrite, created_ms)
SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, 0, ?8
WHERE (SELECT count(*) FROM statements AS s NOT INDEXED WHERE s.store_id = ?2 AND s.seq IN (SELECT value ->> 0 FROM json_each(?9))
  AND ${untieredSql("s")}) = ?6`;

// ?1 store ?2 JSON [[seq, [segment, offset, length]], ...] ?3 segment: the rows point at the segment only once it
// is recorded, and keep their rollup keys, computed here from the body they still hold (./tiered-row.ts).
// The unary + keeps SQLite from walking the store's statements (an index on store_id) with json_each probed for
// each: a run's rows are found by rowid from json_each instead (500 seeks, not a pass over the store: at
// 1,000,000 statements that pass never ended, and D1 stops a statement at 30 s).
export const POINT_ROWS_SQL = `
UPDATE statements AS s SET statement = json_object('$segment', j.value -> '$[1]', 'k', ${TIERED_KEYS_SQL}), verb_id = ''
FROM json_each(?2) AS j
WHERE s.seq = j.value ->> 0 AND +s.store_id = ?1
  AND EXISTS (SELECT 1 FROM statement_segments WHERE id = ?3)`;

// The same rows moved to another segment (an erasure's rewrite, ./segment-rewrite.ts): only the pointer changes
// (json_set keeps `$segment` first, so the row still reads as tiered).
export const REPOINT_ROWS_SQL = `
UPDATE statements AS s SET statement = json_set(s.statement, '$."$segment"', j.value -> '$[1]')
FROM json_each(?2) AS j
WHERE s.seq = j.value ->> 0 AND +s.store_id = ?1
  AND EXISTS (SELECT 1 FROM statement_segments WHERE id = ?3)`;

/** ?2 of POINT_ROWS_SQL and REPOINT_ROWS_SQL. */
export function pointersJson(pointers: ReadonlyMap<number, SegmentPointer>): string {
  return JSON.stringify([...pointers].map(([seq, p]) => [seq, [p.segment, p.offset, p.length]]));
}
