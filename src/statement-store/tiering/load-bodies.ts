// The one seam between statement readers and tiered bodies: rows read from `statements` whose column holds a
// pointer (./tiered-row.ts) get their body back from the R2 segment, with ranged GETs, one per run of nearby
// bodies in a segment, in parallel. Every read is bounded (PLATFORM.md: at most 45 D1/R2/DO calls per request):
// the rows are served in order until the next one would need a read past `maxReads`, and the caller ends its
// page there (a query's `more` continues after the last row served; an LRS may return fewer statements than
// `limit`, 1.0.3 Communication 2.1.3 row 11). The first row is always served (one read).
import { bodyAt, readSegmentRange } from "./segments";
import { isTiered, pointerOf, type SegmentPointer } from "./tiered-row";

/** R2 GETs for the bodies of one page: with a page's 32 attachment GETs and its D1 calls, still under 45. */
export const SEGMENT_READS_PER_PAGE = 8;
/**
 * The same for a request without attachments (no attachment GETs): with its few D1 calls, still under 45 (a POST
 * re-sending tiered statements compares them with their bodies in up to this many segments). Query pages read
 * fewer, for latency (../query/statement-page.ts SEGMENT_READS_PER_QUERY_PAGE).
 */
export const SEGMENT_READS_PER_PLAIN_PAGE = 32;
/** Bodies closer than this in a segment share one ranged GET (reading the gap is cheaper than another call). */
const MERGE_GAP = 64 * 1024;
/** No single ranged GET longer than this (memory: two requests must fit one isolate's 128 MB). */
const MAX_RANGE = 4 * 1024 * 1024;

type Range = { segment: number; start: number; end: number };
export type BodyRows<Row> = { rows: Row[]; complete: boolean };

export async function loadBodies<Row extends { statement: string }>(
  blobs: R2Bucket,
  storeId: string,
  rows: readonly Row[],
  maxReads = SEGMENT_READS_PER_PAGE,
  /**
   * Body bytes served at most (the row that crosses it still comes): the page's SQL measured a tiered row by its
   * pointer, so the page's text budget (query/sql.ts PAGE_TEXT_BUDGET) is applied again here to the bodies.
   */
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<BodyRows<Row>> {
  const ranges: Range[] = [];
  const pointers: (SegmentPointer | undefined)[] = [];
  let served = rows.length;
  let bytes = 0;
  for (const [index, row] of rows.entries()) {
    const pointer = isTiered(row.statement) ? pointerOf(row.statement) : undefined;
    if (index > 0 && bytes >= maxBytes) {
      served = index;
      break;
    }
    bytes += pointer ? pointer.length : row.statement.length;
    if (pointer && !cover(ranges, pointer)) {
      if (ranges.length >= maxReads && index > 0) {
        served = index;
        break;
      }
      ranges.push({ segment: pointer.segment, start: pointer.offset, end: pointer.offset + pointer.length });
    }
    pointers.push(pointer);
  }
  const read = await Promise.all(
    ranges.map((range) => readSegmentRange(blobs, storeId, range.segment, range.start, range.end - range.start)),
  );
  const out = rows.slice(0, served).map((row, index) => {
    const pointer = pointers[index];
    if (!pointer) return row;
    const at = ranges.findIndex((r) => r.segment === pointer.segment && r.start <= pointer.offset && pointer.offset + pointer.length <= r.end);
    return { ...row, statement: bodyAt(read[at]!, ranges[at]!.start, pointer) };
  });
  return { rows: out, complete: served === rows.length };
}

/** Every body of `rows`, for work that must have them all (a job step's rows, one statement). */
export async function loadAllBodies<Row extends { statement: string }>(
  blobs: R2Bucket,
  storeId: string,
  rows: readonly Row[],
): Promise<Row[]> {
  return (await loadBodies(blobs, storeId, rows, Number.POSITIVE_INFINITY)).rows;
}

/** The distinct ranged GETs `rows` need (a job step reserves them in its budget first). */
export function readsNeeded(rows: readonly { statement: string }[]): number {
  const ranges: Range[] = [];
  for (const row of rows) {
    if (!isTiered(row.statement)) continue;
    const pointer = pointerOf(row.statement);
    if (!cover(ranges, pointer)) ranges.push({ segment: pointer.segment, start: pointer.offset, end: pointer.offset + pointer.length });
  }
  return ranges.length;
}

/** Widens a range of the same segment to take in `pointer` when it is near enough; false when none is. */
function cover(ranges: Range[], pointer: SegmentPointer): boolean {
  const start = pointer.offset;
  const end = pointer.offset + pointer.length;
  for (const range of ranges) {
    if (range.segment !== pointer.segment) continue;
    const low = Math.min(range.start, start);
    const high = Math.max(range.end, end);
    if (start <= range.end + MERGE_GAP && end >= range.start - MERGE_GAP && high - low <= MAX_RANGE) {
      range.start = low;
      range.end = high;
      return true;
    }
  }
  return false;
}
