// What a document write asks of the DocumentWriter (src/durable/document-writer.ts) and what it answers. The
// answer is a domain outcome: a refusal says which document rule the write broke, never an HTTP status; the
// routes map refusals to statuses in one place (routes.ts refusalError).
import type { DocumentAddress, DocumentSet } from "./document-address";
import type { Conditions, UnconditionalPutRule } from "./preconditions";

export type WriteCommand =
  | {
      method: "PUT" | "POST";
      address: DocumentAddress;
      body: Uint8Array;
      contentType: string;
      conditions: Conditions;
      unconditionalPut: UnconditionalPutRule;
    }
  | { method: "DELETE"; address: DocumentAddress; conditions: Conditions }
  | { method: "DELETE_SET"; set: DocumentSet };

/** Why a write was not done; nothing was changed. */
export type WriteRefusal =
  /** If-Match / If-None-Match does not hold for the current document (RFC 7232 §3.1–3.2). */
  | { kind: "precondition-failed"; header: "If-Match" | "If-None-Match" }
  /** A PUT with neither header over an existing document where the rule forbids it (UnconditionalPutRule). */
  | { kind: "exists-without-precondition" }
  /** A PUT with neither header creating a document where the rule requires one (1.0.3 profiles). */
  | { kind: "precondition-required" }
  /** A POST whose stored or posted document is not a JSON Object to merge (json-merge.ts says why). */
  | { kind: "not-mergeable"; reason: string }
  /**
   * A JSON merge whose stored document or result is over LRS_MAX_JSON_DOCUMENT_BYTES: a merge holds both
   * documents parsed at once, and its result is the next merge's stored document (http/request-limits.ts).
   */
  | { kind: "too-large"; document: "stored" | "merged"; limit: number };

export type WriteOutcome =
  | { ok: true; etag?: string; updatedMs?: number; bookmark?: string }
  | { ok: false; refusal: WriteRefusal };

/** The refusal of conditions that do not hold, naming the header that decided it (If-Match is checked first). */
export function preconditionRefusal(conditions: Conditions): WriteRefusal {
  return { kind: "precondition-failed", header: conditions.ifMatch !== undefined ? "If-Match" : "If-None-Match" };
}
