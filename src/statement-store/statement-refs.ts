// StatementRef targets (1.0.3 Communication 2.1.3 "Filter Conditions for StatementRefs"; 9274.1.1 4.1.6.1): a
// statement whose object is a StatementRef gets one statement_refs row (statement-rows.ts), whatever its target
// holds, and queries follow those rows at query time (query/sql.ts), so either side may arrive first and writing a
// referring statement costs O(1) rows.
import type { Statement } from "../xapi/statements/statement";

/** The id of the statement this one's object refers to (lower-cased), if its object is a StatementRef. */
export function statementRefTarget({ object }: Statement): string | undefined {
  return object.objectType === "StatementRef" ? object.id.toLowerCase() : undefined;
}
