// The size limits of request bodies, each answered with 413 above it, and advertised by the About resource.
// Production gives an isolate 128 MB shared by the requests running in it (error 1102 kills them all), so the
// largest accepted request of each kind must stay under 64 MiB of heap: two fit in one isolate. The defaults
// are what `npm run bench -- --heap-only` measured to fit (scripts/bench/heap-probe.ts says how; "Heap per
// request" in its report): parsing, validating, preparing and batching statements costs up to ~17x the body
// (statements packed with empty arrays: 52 MiB at 3 MiB), or ~4.5-5 KiB per statement for the smallest
// statements whatever their bytes; a JSON merge up to ~33x one document (two parsed at once). The [vars] in
// wrangler.toml override the byte limits; anything missing or invalid falls back to the default.
import type { Bindings } from "../env";

const MiB = 1024 * 1024;

/** Statements in one PUT/POST (JSON or multipart): 10,000 minimal statements measured at 44-51 MiB. */
export const MAX_STATEMENTS_PER_REQUEST = 10_000;

export type RequestLimits = {
  /** An application/json statements body, and the statement part of a multipart request (LRS_MAX_BODY_BYTES). */
  maxBodyBytes: number;
  maxStatementsPerRequest: number;
  /** A whole multipart/mixed statements request; attachment parts stream to R2 (LRS_MAX_REQUEST_BYTES). */
  maxRequestBytes: number;
  /** One attachment's content (LRS_MAX_ATTACHMENT_BYTES). */
  maxAttachmentBytes: number;
  /** A document of any other type, held as bytes only (LRS_MAX_DOCUMENT_BYTES). */
  maxDocumentBytes: number;
  /**
   * An application/json document, and the result of a JSON merge: parsed in the Worker, and a merge holds the
   * stored and the posted document parsed at once in the Durable Object (LRS_MAX_JSON_DOCUMENT_BYTES).
   */
  maxJsonDocumentBytes: number;
};

export const DEFAULT_LIMITS: RequestLimits = {
  maxBodyBytes: 3 * MiB,
  maxStatementsPerRequest: MAX_STATEMENTS_PER_REQUEST,
  maxRequestBytes: 100 * MiB,
  maxAttachmentBytes: 64 * MiB,
  maxDocumentBytes: 16 * MiB,
  maxJsonDocumentBytes: 1 * MiB,
};

export function requestLimits(env: Bindings): RequestLimits {
  const vars = env as unknown as Record<string, unknown>;
  return {
    maxBodyBytes: positive(vars.LRS_MAX_BODY_BYTES, DEFAULT_LIMITS.maxBodyBytes),
    maxStatementsPerRequest: MAX_STATEMENTS_PER_REQUEST,
    maxRequestBytes: positive(vars.LRS_MAX_REQUEST_BYTES, DEFAULT_LIMITS.maxRequestBytes),
    maxAttachmentBytes: positive(vars.LRS_MAX_ATTACHMENT_BYTES, DEFAULT_LIMITS.maxAttachmentBytes),
    maxDocumentBytes: positive(vars.LRS_MAX_DOCUMENT_BYTES, DEFAULT_LIMITS.maxDocumentBytes),
    maxJsonDocumentBytes: positive(vars.LRS_MAX_JSON_DOCUMENT_BYTES, DEFAULT_LIMITS.maxJsonDocumentBytes),
  };
}

function positive(value: unknown, fallback: number): number {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : fallback;
}
