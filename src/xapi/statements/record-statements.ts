// The write pipeline of the Statements resource (1.0.3 Communication 2.1.1-2.1.2; 9274.1.1 4.1.6.1):
// set LRS properties, refuse duplicate ids in one request, insert in one atomic batch. When an id is already
// stored (by an earlier or a concurrent request) the unique index refuses the batch; we then compare against
// what is stored (comparison.ts) and insert only the new statements, so a re-send is an identical no-op or a
// conflict, never a 500.
import type { LaunchBinding, Principal, XapiVersion } from "../../env";
import { withD1Retry } from "../../db/transient-errors";
import { badRequest, orBadRequest, XapiError } from "../../errors";
import { isObject, type Json } from "../../json";
import { sameStatement } from "./comparison";
import { derivedStatements } from "../../statement-store/derived-writes";
import { attachmentRowsStatements } from "./attachments/attachment-rows";
import type { StoredAttachment } from "./attachments/attachment-blobs";
import { assignLrsProperties } from "./lrs-properties";
import { assertIndexRowsFit, statementFacts } from "../../statement-store/statement-index";
import { statementRefTarget } from "../../statement-store/statement-refs";
import { findStatementsByIds, insertStatements, isDuplicateIdError, type PreparedStatement } from "../../statement-store/statement-rows";
import type { Statement, ValidStatements } from "./statement";
import { checkStatementRules } from "./statement-rules";
import { parseStatement } from "./validation";
import { voidedTargetId } from "../../statement-store/voiding";
import { loadBodies, SEGMENT_READS_PER_PAGE, SEGMENT_READS_PER_PLAIN_PAGE } from "../../statement-store/tiering/load-bodies";

export type RecordOutcome =
  /** consistentThrough: read in the write's own batch, when there was a write. */
  | { ok: true; ids: string[]; consistentThrough?: string }
  | { ok: false; conflict: { id: string; index: number } };

const MAX_ATTEMPTS = 4;

// One statement travels as one JSON value bound to D1 (limit ~2 MB, escaping may double it) and is one row
// (limit 2 MB): larger statements are refused with 413 (1.0.3 Communication 3.2 "413 Request Entity Too Large").
export const MAX_STATEMENT_BYTES = 800_000;
const encoder = new TextEncoder();

/**
 * Steps 2-3 of ingest.ts for PUT (`statementId`: one statement object, whose id, when it has one, is the
 * parameter) or POST (one statement or an array): each statement valid under `version`, then the request rules.
 */
export function validateStatements(
  body: unknown,
  version: XapiVersion,
  statementId?: string,
  launch?: LaunchBinding,
): ValidStatements {
  if (statementId !== undefined && !isObject(body)) {
    throw badRequest("PUT /statements takes a single statement object", "statement");
  }
  const isBatch = Array.isArray(body);
  const values = isBatch ? (body as unknown[]) : [body];
  const path = (i: number) => (isBatch ? `statement[${i}]` : "statement");
  const statements = values.map((value, i) => orBadRequest(parseStatement(value, version, path(i))));
  const issue = checkStatementRules(statements, { version, statementId, path, launch });
  if (issue) throw new XapiError(issue.status, issue.message, issue.path);
  return { statements, path };
}

/** Step 4 of ingest.ts: the statements prepared for storage; 413 when one is past a row bound. */
export function prepareValidStatements(
  { statements, path }: ValidStatements,
  principal: Principal,
  version: XapiVersion,
  statementId?: string,
): PreparedStatement[] {
  const prepared = prepareStatements(statements, principal, version, statementId);
  assertIndexRowsFit(prepared, path);
  return prepared;
}

/** PUT's body validated and prepared (steps 2-4 at once, for the benches). */
export function acceptSingleStatement(
  body: unknown,
  principal: Principal,
  version: XapiVersion,
  statementId: string,
): PreparedStatement[] {
  return prepareValidStatements(validateStatements(body, version, statementId), principal, version, statementId);
}

/** POST's body validated and prepared (steps 2-4 at once, for the benches). */
export function acceptStatements(body: unknown, principal: Principal, version: XapiVersion): PreparedStatement[] {
  return prepareValidStatements(validateStatements(body, version), principal, version);
}

/**
 * Prepares valid statements (statement-rules.ts passed: no two share an id) for storage: LRS properties, the
 * stored JSON (413 past MAX_STATEMENT_BYTES) and what is derived from it.
 */
export function prepareStatements(
  statements: readonly Json[],
  principal: Principal,
  version: XapiVersion,
  statementId?: string,
): PreparedStatement[] {
  return statements.map((valid, index) => {
    // Json for the bench's raw-insert route, which prepares statements it generated valid; the routes pass
    // parseStatement's values.
    const statement = assignLrsProperties(valid as Statement, { statementId, authority: principal.authority, version });
    const id = statement.id;
    const json = JSON.stringify(statement);
    if (json.length > MAX_STATEMENT_BYTES / 3 && encoder.encode(json).byteLength > MAX_STATEMENT_BYTES) {
      throw new XapiError(413, `a statement may hold at most ${MAX_STATEMENT_BYTES} bytes of JSON`, `statement[${index}]`);
    }
    return {
      id,
      statement,
      json,
      verbId: statement.verb.id,
      voidsId: voidedTargetId(statement),
      refTarget: statementRefTarget(statement),
      facts: statementFacts(statement),
    };
  });
}

export async function recordStatements(
  db: D1Database,
  principal: Principal,
  version: XapiVersion,
  prepared: readonly PreparedStatement[],
  attachments: readonly StoredAttachment[],
  /** Where tiered statement bodies live (./tiering), for comparing a re-sent id with a tiered statement. */
  blobs: R2Bucket,
): Promise<RecordOutcome> {
  const ids = prepared.map((s) => s.id);
  if (ids.length === 0) return { ok: true, ids };
  // Optimistic first attempt: new ids are the common case, and the unique index refuses the whole batch
  // if any id is already stored, so the lookup round trip is only paid when there is something to compare.
  let fresh: readonly PreparedStatement[] = prepared;
  for (let attempt = 1; ; attempt++) {
    try {
      // Derived writes (derived-writes.ts) and the attachment rows and links (attachments/attachment-rows.ts)
      // commit with the statements they follow.
      const derived = derivedStatements(db, principal.storeId, fresh);
      const attachmentRows = attachmentRowsStatements(db, principal.storeId, attachments, fresh);
      const alongside = { beforeVoiding: derived.beforeVoiding, after: [...derived.afterVoiding, ...attachmentRows] };
      // A transient D1 error is retried (src/db/transient-errors.ts): when the lost batch had in fact committed,
      // the retry is refused as duplicate ids and the comparison below finds the same statements, a no-op.
      const written = await withD1Retry(() =>
        insertStatements(db, principal.storeId, principal.credentialId, version, fresh, alongside),
      );
      return { ok: true, ids, consistentThrough: written.consistentThrough };
    } catch (error) {
      if (!isDuplicateIdError(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
    // R2 reads the comparison may make: a request that wrote attachment contents has spent up to 32 R2 calls
    // already (attachments/upload-budget.ts), one without has all of a plain page's (PLATFORM.md: 45 in all).
    const reads = attachments.length > 0 ? SEGMENT_READS_PER_PAGE : SEGMENT_READS_PER_PLAIN_PAGE;
    const compared = await compareWithStored(db, blobs, principal.storeId, version, prepared, reads);
    if (!compared.ok) return compared;
    if (compared.fresh.length === 0) return { ok: true, ids };
    fresh = compared.fresh;
  }
}

/** Splits `prepared` into statements not stored yet, or finds one stored differently (a conflict). */
async function compareWithStored(
  db: D1Database,
  blobs: R2Bucket,
  storeId: string,
  version: XapiVersion,
  prepared: readonly PreparedStatement[],
  maxReads: number,
): Promise<{ ok: true; fresh: PreparedStatement[] } | Extract<RecordOutcome, { ok: false }>> {
  const found = await withD1Retry(() => findStatementsByIds(db, storeId, prepared.map((s) => s.id)));
  // Re-sent statements were usually stored together, so their tiered bodies sit in a few segments; a batch whose
  // comparison needs more reads than a request may make is refused (nothing is written).
  const bodies = await loadBodies(blobs, storeId, found, maxReads);
  if (!bodies.complete) throw badRequest("too many re-sent statements stored long ago for one request; send fewer at a time", "id");
  const rows = bodies.rows;
  const stored = new Map(rows.map((row) => [row.id, row]));
  const fresh: PreparedStatement[] = [];
  for (const [index, candidate] of prepared.entries()) {
    const existing = stored.get(candidate.id);
    if (!existing) fresh.push(candidate);
    else if (!sameStatement(JSON.parse(existing.statement), candidate.statement, version)) {
      return { ok: false, conflict: { id: candidate.id, index } };
    }
  }
  return { ok: true, fresh };
}
