// Job kind "statement-export": every statement of the store that GET /statements returns (voided ones left
// out), as of the job's start, written to one R2 object as NDJSON or CSV, for a download link
// (GET /admin/stores/:storeId/jobs/:jobId/download, and the console's job page).
// R2 multipart parts must all be the same size but the last (PLATFORM.md), so each step uploads whole
// PART_BYTES slices and keeps what is left over in a carry object for the next step: the job row stays small
// and a step never holds more than two parts in memory.
import { z } from "zod";
import { statementCsvHeader, statementCsvRow } from "../../shared/statement-csv.mjs";
import { storedStatement } from "../../xapi/statements/stored-statement";
import { loadAllBodies, readsNeeded } from "../../statement-store/tiering/load-bodies";
import { headSeq, unvoidedStatementsAfter } from "../../statement-store/statement-log";
import { storeDatabase } from "../../db/store-databases";
import type { Bindings } from "../../env";
import type { JobContext, JobKind } from "../job-kind";
import type { StepBudget } from "../step-budget";

export const exportFormat = z.enum(["ndjson", "csv"]);
export type ExportFormat = z.infer<typeof exportFormat>;
export type StatementExportParams = { format: ExportFormat };

const PART_BYTES = 5 * 1024 * 1024;
/** Rows per read: statements are at most a few KB as a rule, so a read is about one part at most. */
const ROWS_PER_READ = 200;

type Cursor = { key: string; uploadId: string; parts: R2UploadedPart[]; afterSeq: number; high: number; carried: boolean };

/** Where a store's export files live in R2 (store deletion and erasure remove them). */
export const exportPrefix = (storeId: string) => `exports/${storeId}/`;
export const exportKey = (storeId: string, jobId: string, format: ExportFormat) => `${exportPrefix(storeId)}${jobId}.${format}`;
const carryKey = (cursor: Cursor) => `${cursor.key}.carry`;

export const statementExportJob: JobKind = {
  startable: true,
  async step(env, job, budget) {
    const format = (job.params as Partial<StatementExportParams>).format ?? "ndjson";
    const cursor = (job.cursor as Cursor | null) ?? (await begin(env, job, format, budget));
    if (!cursor) return { finished: false };
    let buffer: Uint8Array = new Uint8Array(0);
    if (cursor.carried && budget.take()) buffer = await readCarry(env.BLOBS, cursor);
    const encoder = new TextEncoder();
    let exported = 0;
    let finished = false;
    // Calls kept back for the end of the step: the carry write, or the last part and the completion.
    while (budget.left > 3 && budget.take()) {
      const db = await storeDatabase(env, job.storeId);
      const results = await unvoidedStatementsAfter(db, job.storeId, cursor.afterSeq, cursor.high, ROWS_PER_READ);
      // Tiered bodies (src/statement-store/tiering): their ranged GETs come out of the budget, keeping the end's.
      const reads = readsNeeded(results);
      if (reads > 0 && (budget.left - reads <= 3 || !budget.take(reads))) break;
      const rows = await loadAllBodies(env.BLOBS, job.storeId, results);
      const lines = rows.map((row) => {
        const statement = storedStatement({ statement: row.statement, storedMs: row.stored_ms });
        return format === "csv" ? statementCsvRow(statement) : `${JSON.stringify(statement)}\n`;
      });
      buffer = concat(buffer, encoder.encode(lines.join("")));
      exported += results.length;
      if (results.length > 0) cursor.afterSeq = results.at(-1)!.seq;
      buffer = await uploadWholeParts(env.BLOBS, cursor, buffer, budget);
      if (results.length < ROWS_PER_READ) {
        finished = true;
        break;
      }
    }
    if (!finished) {
      await env.BLOBS.put(carryKey(cursor), buffer);
      return { finished: false, cursor: { ...cursor, carried: true }, counts: { statements: exported }, done: exported };
    }
    const upload = env.BLOBS.resumeMultipartUpload(cursor.key, cursor.uploadId);
    let bytes: number;
    if (cursor.parts.length === 0) {
      // Smaller than one part: a plain object (the unused multipart upload is aborted).
      await upload.abort();
      bytes = (await env.BLOBS.put(cursor.key, buffer, { httpMetadata: { contentType: contentTypeOf(format) } }))!.size;
    } else {
      if (buffer.byteLength > 0) cursor.parts.push(await upload.uploadPart(cursor.parts.length + 1, buffer));
      bytes = (await upload.complete(cursor.parts)).size;
    }
    if (cursor.carried) await env.BLOBS.delete(carryKey(cursor));
    return {
      finished: true,
      cursor: null,
      counts: { statements: exported },
      done: exported,
      result: { format, key: cursor.key, bytes },
    };
  },
};

/** The first step: the snapshot's last seq, the multipart upload, and the CSV header as the first bytes. */
async function begin(env: Bindings, job: JobContext, format: ExportFormat, budget: StepBudget): Promise<Cursor | undefined> {
  if (!budget.take(3)) return undefined;
  const high = await headSeq(await storeDatabase(env, job.storeId), job.storeId);
  const key = exportKey(job.storeId, job.id, format);
  const upload = await env.BLOBS.createMultipartUpload(key, { httpMetadata: { contentType: contentTypeOf(format) } });
  const cursor: Cursor = { key, uploadId: upload.uploadId, parts: [], afterSeq: 0, high, carried: format === "csv" };
  if (format === "csv") await env.BLOBS.put(carryKey(cursor), statementCsvHeader());
  return cursor;
}

export function contentTypeOf(format: ExportFormat): string {
  return format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
}

async function readCarry(blobs: R2Bucket, cursor: Cursor): Promise<Uint8Array> {
  const object = await blobs.get(carryKey(cursor));
  return object ? new Uint8Array(await object.arrayBuffer()) : new Uint8Array(0);
}

/** Uploads the whole PART_BYTES slices `buffer` holds, one R2 call each, as the budget allows; returns the rest. */
async function uploadWholeParts(blobs: R2Bucket, cursor: Cursor, buffer: Uint8Array, budget: StepBudget): Promise<Uint8Array> {
  const upload = blobs.resumeMultipartUpload(cursor.key, cursor.uploadId);
  let offset = 0;
  for (; buffer.byteLength - offset >= PART_BYTES && budget.left > 3 && budget.take(); offset += PART_BYTES) {
    cursor.parts.push(await upload.uploadPart(cursor.parts.length + 1, buffer.slice(offset, offset + PART_BYTES)));
  }
  return buffer.slice(offset);
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const joined = new Uint8Array(a.byteLength + b.byteLength);
  joined.set(a);
  joined.set(b, a.byteLength);
  return joined;
}
