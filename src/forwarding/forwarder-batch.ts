// The next batch a forwarder delivers: statements past its position, in seq order, matching its filter, read
// with the statement query's own SQL (an index seek on the filter, or the store's seq range), voided statements
// included (a forwarder sends every statement it has not sent, voiding ones too, issue 15). The page and the
// store's head are read in one D1 batch (one transaction, one snapshot), so when the page holds every match up
// to the head the cursor can move to the head: a filter that matches nothing still leaves no lag behind.
import { env } from "cloudflare:workers";
import type { ForwarderRow } from "./forwarder-rows";
import { indexFilters, type ForwarderFilter } from "./forwarder-input";
import { rankByKind } from "../statement-store/query/selectivity";
import { buildStatementQuerySql } from "../statement-store/query/sql";
import { headSeqQuery } from "../statement-store/statement-log";
import { storedStatement } from "../xapi/statements/stored-statement";
import { loadAllBodies } from "../statement-store/tiering/load-bodies";
import { isTiered } from "../statement-store/tiering/tiered-row";

/**
 * Statement text per delivery (characters). Three bytes per character at worst stays under 3 MiB, the request
 * limit of this LRS as a destination (wrangler.toml LRS_MAX_BODY_BYTES), and keeps the Worker's memory bounded.
 */
export const BATCH_TEXT_BUDGET = 900_000;

export type Batch = {
  /** Statements as GET /statements returns them (format=exact), in seq order. */
  statements: Record<string, unknown>[];
  firstSeq: number;
  lastSeq: number;
  /** Where the cursor goes once this batch is delivered (past non-matching statements up to the head). */
  nextPosition: number;
  /** More matching statements wait after this batch. */
  hasMore: boolean;
};

/** Where a batch is read from: the forwarder's store, filter, size and position. */
export type BatchSource = Pick<ForwarderRow, "storeId" | "filter" | "batchSize" | "positionSeq">;

/** The two reads of a batch (the page and the store's head), to run in one D1 batch, possibly after a write. */
export function batchStatements(db: D1Database, source: BatchSource): D1PreparedStatement[] {
  const filters = rankByKind(indexFilters(JSON.parse(source.filter) as ForwarderFilter));
  const page = buildStatementQuerySql({
    storeId: source.storeId,
    filters,
    afterSeq: source.positionSeq,
    ascending: true,
    fetch: source.batchSize + 1,
    maxBytes: BATCH_TEXT_BUDGET,
    includeVoided: true,
  });
  return [
    db.prepare(page.sql).bind(...page.params),
    headSeqQuery(db, source.storeId),
  ];
}

type PageRow = { seq: number; storedMs: number; statement: string; matched: number };

/**
 * The batch from the results of batchStatements (in that order); undefined when the page holds tiered statements,
 * whose bodies only readBatch fetches (the caller reads the batch again with it).
 */
export function batchFrom(source: BatchSource, pageResult: D1Result, headResult: D1Result): Batch | undefined {
  const results = pageResult.results as PageRow[];
  if (results.some((row) => isTiered(row.statement))) return undefined;
  return assemble(source, results, headResult);
}

function assemble(source: BatchSource, results: PageRow[], headResult: D1Result, cut = false): Batch {
  const head = (headResult.results[0] as { head: number }).head;
  const rows = results.slice(0, source.batchSize);
  const hasMore = cut || (results[0]?.matched ?? 0) > rows.length;
  const lastSeq = rows.at(-1)?.seq ?? source.positionSeq;
  return {
    statements: rows.map((r) => storedStatement(r)),
    firstSeq: rows[0]?.seq ?? source.positionSeq,
    lastSeq,
    nextPosition: hasMore ? lastSeq : Math.max(lastSeq, head, source.positionSeq),
    hasMore,
  };
}

export async function readBatch(db: D1Database, source: BatchSource): Promise<Batch> {
  const [page, head] = await db.batch(batchStatements(db, source));
  const rows = (page!.results as PageRow[]).slice(0, source.batchSize);
  if (!rows.some((row) => isTiered(row.statement))) return assemble(source, page!.results as PageRow[], head!);
  // Tiered bodies from R2 (src/statement-store/tiering; the Worker's env, as a Durable Object has no request).
  // The SQL measured the rows' pointers, not their bodies: the text budget is applied again to the bodies.
  const bodies = await loadAllBodies((env as unknown as { BLOBS: R2Bucket }).BLOBS, source.storeId, rows);
  let text = 0;
  const kept = bodies.filter((row, index) => (text += row.statement.length) <= BATCH_TEXT_BUDGET || index === 0);
  const cut = kept.length < rows.length;
  return assemble(source, cut ? kept : (page!.results as PageRow[]).map((row, i) => bodies[i] ?? row), head!, cut);
}
