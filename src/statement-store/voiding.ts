// Voiding (1.0.3 Data 2.3.2; 9274.1.1 4.2.5): a statement with verb `voided` and a StatementRef object voids
// its target. A statement counts as voided only when it is not itself a voiding statement, so voiding a
// voiding statement is accepted and voids nothing. The target may arrive before, after or in the same batch
// as the voiding statement, so `markVoided` runs after every insert over both directions.
import type { Statement } from "../xapi/statements/statement";

export const VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided";

/** The id of the statement this one voids (lower-cased), or undefined when it is not a voiding statement. */
export function voidedTargetId({ verb, object }: Statement): string | undefined {
  if (verb.id !== VOIDED_VERB || object.objectType !== "StatementRef") return undefined;
  return object.id.toLowerCase();
}

/**
 * SQL setting voided=1 on every non-voiding statement among the candidate ids (?2: JSON array of the batch's
 * ids and of the ids its voiding statements target) that a stored voiding statement targets.
 * The lookup goes through statement_refs (indexed by target) rather than an unindexed scan of voids_id.
 */
export const MARK_VOIDED_SQL = `
UPDATE statements SET voided = 1
WHERE store_id = ?1 AND voided = 0 AND voids_id IS NULL
  AND id IN (SELECT value FROM json_each(?2))
  AND EXISTS (
    SELECT 1 FROM statement_refs r JOIN statements v ON v.seq = r.seq
    WHERE r.store_id = ?1 AND r.target_id = statements.id AND v.voids_id = statements.id
  )`;
