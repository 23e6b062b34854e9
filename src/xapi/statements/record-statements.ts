// The write pipeline of the Statements resource (1.0.3 Communication 2.1.1-2.1.2; 9274.1.1 4.1.6.1):
// set LRS properties, refuse duplicate ids in one request, compare against statements already stored under
// the same ids, and insert the rest in one atomic batch. A concurrent request that inserts one of the same
// ids first makes our batch fail on the unique index; we then re-run the comparison, so the loser gets an
// identical no-op or a conflict, never a 500.
import type { Principal, XapiVersion } from "../../env";
import { badRequest } from "../../errors";
import { sameStatement } from "./comparison";
import { attachmentRowsStatements } from "./attachments/attachment-rows";
import type { StoredAttachment } from "./attachments/attachment-store";
import { assignLrsProperties } from "./lrs-properties";
import { statementFacts } from "./statement-index";
import { statementRefTarget } from "./statement-refs";
import { findStatementsByIds, insertStatements, isDuplicateIdError, type PreparedStatement } from "./store";
import { voidedTargetId } from "./voiding";

export type RecordOutcome =
  | { ok: true; ids: string[] }
  | { ok: false; conflict: { id: string; index: number } };

const MAX_ATTEMPTS = 4;

/** Prepares validated statements for storage; 400 when two share an id (9274.1.1 4.1.6.1, 1.0.3 SHOULD*). */
export function prepareStatements(
  statements: readonly Record<string, unknown>[],
  principal: Principal,
  version: XapiVersion,
  statementId?: string,
): PreparedStatement[] {
  const seen = new Set<string>();
  return statements.map((raw, index) => {
    const statement = assignLrsProperties(raw, { statementId, authority: principal.authority, version });
    const id = statement.id as string;
    if (seen.has(id)) throw badRequest(`the id ${id} appears more than once in this request`, `statement[${index}].id`);
    seen.add(id);
    const context = statement.context as Record<string, unknown> | undefined;
    const registration = typeof context?.registration === "string" ? context.registration.toLowerCase() : undefined;
    return {
      id,
      statement,
      verbId: String((statement.verb as Record<string, unknown>).id),
      registration,
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
  attachments: readonly StoredAttachment[] = [],
): Promise<RecordOutcome> {
  const ids = prepared.map((s) => s.id);
  for (let attempt = 1; ; attempt++) {
    const stored = new Map((await findStatementsByIds(db, principal.storeId, ids)).map((row) => [row.id, row]));
    const fresh: PreparedStatement[] = [];
    for (const [index, candidate] of prepared.entries()) {
      const existing = stored.get(candidate.id);
      if (!existing) fresh.push(candidate);
      else if (!sameStatement(JSON.parse(existing.statement), candidate.statement, version)) {
        return { ok: false, conflict: { id: candidate.id, index } };
      }
    }
    if (fresh.length === 0) return { ok: true, ids };
    try {
      // Attachment rows and links commit with the statements that use them (attachments/attachment-rows.ts).
      const attachmentRows = attachmentRowsStatements(db, principal.storeId, attachments, fresh);
      await insertStatements(db, principal.storeId, principal.credentialId, version, fresh, attachmentRows);
      return { ok: true, ids };
    } catch (error) {
      if (!isDuplicateIdError(error) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
