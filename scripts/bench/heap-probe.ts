// The heap one request of each kind needs, measured by running the Worker's own code for it (bundled by
// scripts/bench/heap.mjs, run under `node --expose-gc`, one case per process). Production gives an isolate
// 128 MB shared by its concurrent requests (PLATFORM.md), so the largest accepted request of each kind must stay
// under 64 MiB. Method: after each stage the probe forces a full GC and reads heapUsed + arrayBuffers
// (Uint8Array bodies live outside the JS heap but count against the isolate) while holding exactly what the
// Worker holds at that point; a request's figure is the largest such live set minus the empty-process
// baseline. Node's V8 uses 8-byte pointers where workerd's uses 4-byte compressed ones, so object-heavy figures
// here overstate workerd's: the limits err on the safe side. Garbage made within a stage is not counted (V8
// collects it under pressure before failing an allocation).
import { serialize } from "node:v8";
import { assignedAuthority, defaultAuthority } from "../../src/auth/credentials";
import type { Principal } from "../../src/env";
import { collectBytes, decodeUtf8 } from "../../src/http/body";
import { parseStrictJson } from "../../src/http/strict-json";
import { mergeJsonDocuments, parseJsonObject } from "../../src/xapi/documents/json-merge";
import { declaredAttachments, requireAttachmentData } from "../../src/xapi/statements/attachments/declared-attachments";
import { requestLimits } from "../../src/http/request-limits";
import type { Bindings } from "../../src/env";
import { renderStatements } from "../../src/xapi/statements/format";
import { PAGE_TEXT_BUDGET } from "../../src/statement-store/query/sql";
import { acceptSingleStatement, acceptStatements, MAX_STATEMENT_BYTES } from "../../src/xapi/statements/record-statements";
import { insertStatements } from "../../src/statement-store/statement-rows";
import { makeStatement } from "./statements.mjs";

declare const gc: () => void;

type Stage = { stage: string; mib: number };
const stages: Stage[] = [];
let baseline = 0;

function liveBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

function mark(stage: string): void {
  stages.push({ stage, mib: Math.round(((liveBytes() - baseline) / 2 ** 20) * 10) / 10 });
}

const principal: Principal = {
  storeId: "default",
  credentialId: "bootstrap:bench",
  scopes: ["all"],
  authority: assignedAuthority(defaultAuthority("bench"), "http://127.0.0.1"),
};

/** The body as the runtime hands it over: a stream of 64 KiB chunks. */
async function* chunksOf(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += 65536) yield bytes.slice(i, i + 65536);
}

const encoder = new TextEncoder();

/**
 * A D1 binding that does what workerd's does with a batch before it leaves the isolate: serialize every
 * statement and its parameters into one JSON request body (workerd src/cloudflare/internal/d1-api.ts).
 * The probe marks the live set at that moment, the peak of the write.
 */
function serializingDb(): D1Database {
  const prepare = (sql: string) => ({
    sql,
    params: [] as unknown[],
    bind(...params: unknown[]) {
      return { ...this, params };
    },
  });
  return {
    prepare,
    async batch(statements: { sql: string; params: unknown[] }[]) {
      const body = JSON.stringify(statements.map((s) => ({ sql: s.sql, params: s.params })));
      mark(`D1 batch serialized (${statements.length} SQL statements, ${(body.length / 2 ** 20).toFixed(1)} MiB)`);
      return statements.map(() => ({ results: [{ through: Date.now() }], success: true, meta: {} }));
    },
  } as unknown as D1Database;
}

/** POST /statements with an application/json body, stage by stage as request.ts and routes.ts run it. */
async function postStatements(statements: unknown[]): Promise<number> {
  let wire: Uint8Array | undefined = encoder.encode(JSON.stringify(statements));
  const size = wire.byteLength;
  const chunks = chunksOf(wire);
  wire = undefined;
  // The body arrives from the network and becomes the Worker's as it is read: counted from there on.
  baseline = liveBytes() - size;
  let bytes: Uint8Array | undefined = await collectBytes(chunks, Infinity, "the request body");
  mark("body read");
  let text: string | undefined = decodeUtf8(bytes, "the request body");
  mark("body decoded (bytes still held)");
  bytes = undefined;
  let body: unknown = parseStrictJson(text, "statement");
  mark("parsed (text still held)");
  text = undefined;
  const prepared = acceptStatements(body, principal, "2.0.0");
  requireAttachmentData(declaredAttachments(body), new Set());
  mark("validated and prepared (parsed body still held)");
  body = undefined;
  await insertStatements(serializingDb(), principal.storeId, principal.credentialId, "2.0.0", prepared);
  return size;
}

/** PUT /statements?statementId=…: one statement. */
async function putStatement(statement: Record<string, unknown>): Promise<number> {
  const id = statement.id as string;
  const wire = encoder.encode(JSON.stringify(statement));
  baseline = liveBytes() - wire.byteLength;
  let bytes: Uint8Array | undefined = await collectBytes(chunksOf(wire), Infinity, "the request body");
  let text: string | undefined = decodeUtf8(bytes, "the request body");
  mark("body decoded (bytes still held)");
  bytes = undefined;
  let body: unknown = parseStrictJson(text, "statement");
  mark("parsed (text still held)");
  text = undefined;
  const prepared = acceptSingleStatement(body, principal, "2.0.0", id);
  mark("validated and prepared");
  body = undefined;
  await insertStatements(serializingDb(), principal.storeId, principal.credentialId, "2.0.0", prepared);
  return wire.byteLength;
}

/**
 * A JSON document POST: the Worker reads the body and parses it (it must be a JSON Object); the Durable Object
 * then holds the stored and the posted document and merges them (json-merge.ts) into a new body.
 */
async function postDocument(stored: Uint8Array, posted: Uint8Array): Promise<number> {
  baseline = liveBytes() - posted.byteLength;
  let bytes: Uint8Array | undefined = await collectBytes(chunksOf(posted), Infinity, "the request body");
  let object: unknown = parseJsonObject(bytes);
  mark(`Worker: body parsed to check it is an Object (${object ? "yes" : "no"})`);
  object = undefined;
  // The RPC to the Durable Object copies the body; in production the object runs in another isolate.
  bytes = undefined;
  const storedCopy = stored.slice();
  const postedCopy = posted.slice();
  baseline = liveBytes() - stored.byteLength - posted.byteLength; // the object's copies are the object's
  const merged = mergeJsonDocuments(
    { bytes: storedCopy, contentType: "application/json" },
    { bytes: postedCopy, contentType: "application/json" },
  );
  mark(`Durable Object: merged (${merged.ok ? `${(merged.bytes.byteLength / 2 ** 20).toFixed(1)} MiB` : merged.message})`);
  return posted.byteLength;
}

/** A document of another type: read as bytes, then copied into the RPC to the Durable Object (structured clone). */
async function putBinaryDocument(size: number): Promise<number> {
  const wire = new Uint8Array(size).fill(7);
  baseline = liveBytes() - size;
  const bytes = await collectBytes(chunksOf(wire), Infinity, "the request body");
  const message = serialize({ method: "PUT", body: bytes });
  mark(`Worker: body read and serialized for the RPC (${(message.byteLength / 2 ** 20).toFixed(1)} MiB)`);
  return bytes.byteLength;
}

/** The Durable Object's merge, with the parsed forms held the way mergeJsonDocuments holds them at its peak. */
async function mergePeak(stored: Uint8Array, posted: Uint8Array): Promise<number> {
  baseline = liveBytes() - stored.byteLength - posted.byteLength;
  const decoder = new TextDecoder();
  const existing = JSON.parse(decoder.decode(stored)) as Record<string, unknown>;
  const update = JSON.parse(decoder.decode(posted)) as Record<string, unknown>;
  mark("Durable Object: both documents parsed");
  const combined = { ...existing, ...update };
  const text = JSON.stringify(combined);
  mark("Durable Object: merged text (parsed forms still held)");
  const bytes = encoder.encode(text);
  mark(`Durable Object: merged bytes (${(bytes.byteLength / 2 ** 20).toFixed(1)} MiB)`);
  return posted.byteLength;
}

/** GET /statements page: rows as D1 returns them (text), parsed, rendered and serialized (query/handler.ts). */
async function getPage(rowTexts: string[]): Promise<number> {
  baseline = liveBytes() - rowTexts.reduce((n, t) => n + t.length, 0);
  const rows = rowTexts.map((statement, i) => ({ seq: i + 1, id: `id-${i}`, statement, storedMs: Date.now(), voided: false }));
  mark("D1 page rows");
  const statements = await renderStatements({} as D1Database, "default", rows, { format: "exact", version: "2.0.0" });
  mark("rendered");
  const body = JSON.stringify({ statements, more: "" });
  mark("serialized");
  const first = encoder.encode(body);
  mark("first multipart part encoded");
  return first.byteLength;
}

// ---- the cases -------------------------------------------------------------------------------------------

const minimal = (i: number) => ({
  id: crypto.randomUUID(),
  actor: { mbox: `mailto:learner${i}@example.edu` },
  verb: { id: "http://adlnet.gov/expapi/verbs/experienced" },
  object: { id: `https://courses.example.edu/unit/${i % 500}` },
});
const rich = (i: number) => makeStatement(i);

/** Statements of about `bytes` each whose extension holds the costliest JSON per byte: empty arrays. */
function dense(i: number, bytes: number) {
  const base = minimal(i);
  const count = Math.max(0, Math.floor((bytes - JSON.stringify(base).length - 120) / 3));
  return { ...base, result: { extensions: { "https://example.edu/ext/matrix": Array.from({ length: count }, () => []) } } };
}

/** As many statements of `make` as fit in `maxBytes` of JSON, at most `maxCount`. */
function fill(make: (i: number) => unknown, maxBytes: number, maxCount: number): unknown[] {
  const out: unknown[] = [];
  let size = 2;
  for (let i = 0; i < maxCount; i++) {
    const statement = make(i);
    const length = encoder.encode(JSON.stringify(statement)).byteLength + 1;
    if (size + length > maxBytes) break;
    out.push(statement);
    size += length;
  }
  return out;
}

/** A JSON document of about `bytes`: typical (string values) or the costliest per byte (empty arrays). */
function documentOf(bytes: number, shape: "typical" | "dense", prefix: string): Uint8Array {
  if (shape === "dense") {
    const count = Math.floor((bytes - 20) / 3);
    return encoder.encode(JSON.stringify({ [`${prefix}matrix`]: Array.from({ length: count }, () => []) }));
  }
  const entries: Record<string, string> = {};
  let size = 2;
  for (let i = 0; size < bytes - 100; i++) {
    const value = `suspend data ${i} `.repeat(4);
    entries[`${prefix}key${i}`] = value;
    size += value.length + `${prefix}key${i}`.length + 6;
  }
  return encoder.encode(JSON.stringify(entries));
}

/** `limits` prints the limits the Worker would apply with these vars (a JSON object of wrangler.toml [vars]). */
async function main(): Promise<void> {
  const [kind, varsJson = "{}"] = process.argv.slice(2);
  const limits = requestLimits(JSON.parse(varsJson) as Bindings);
  if (kind === "limits") {
    console.log(JSON.stringify({ ...limits, maxStatementBytes: MAX_STATEMENT_BYTES, pageTextBudget: PAGE_TEXT_BUDGET }));
    return;
  }
  const cap = limits.maxStatementsPerRequest;
  let requestBytes = 0;
  let statements: number | undefined;
  switch (kind) {
    case "post-minimal":
    case "post-rich":
    case "post-dense": {
      const make = kind === "post-minimal" ? minimal : kind === "post-rich" ? rich : (i: number) => dense(i, 64 * 1024);
      const batch = fill(make, limits.maxBodyBytes, cap);
      statements = batch.length;
      requestBytes = await postStatements(batch);
      break;
    }
    case "put-single":
      requestBytes = await putStatement(dense(0, Math.min(limits.maxBodyBytes, MAX_STATEMENT_BYTES) - 2_000) as Record<string, unknown>);
      statements = 1;
      break;
    case "document-post-typical":
    case "document-post-dense": {
      const shape = kind === "document-post-typical" ? "typical" : "dense";
      const size = limits.maxJsonDocumentBytes;
      requestBytes = await postDocument(documentOf(size, shape, "stored-"), documentOf(size, shape, "posted-"));
      await mergePeak(documentOf(size, shape, "stored-"), documentOf(size, shape, "posted-"));
      break;
    }
    case "document-put-binary":
      requestBytes = await putBinaryDocument(limits.maxDocumentBytes);
      break;
    case "get-page": {
      // The page stops at PAGE_TEXT_BUDGET characters, plus the row that crosses it (at most one statement).
      const rows: string[] = [];
      for (let size = 0, i = 0; size < PAGE_TEXT_BUDGET; i++) {
        const text = JSON.stringify(rich(i));
        rows.push(text);
        size += text.length;
      }
      rows.push(JSON.stringify(dense(0, MAX_STATEMENT_BYTES - 2_000)));
      statements = rows.length;
      requestBytes = await getPage(rows);
      break;
    }
    default:
      throw new Error(`unknown case ${kind}`);
  }
  const peak = stages.reduce((best, s) => (s.mib > best.mib ? s : best), stages[0]!);
  console.log(JSON.stringify({ kind, requestBytes, statements, peakMiB: peak.mib, peakStage: peak.stage, stages }));
}

await main();
