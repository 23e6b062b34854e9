// Rules over a request's statements, checked once each statement is valid on its own (validation/) and before
// anything is prepared, read or stored. A rule of an xAPI Profile (9274.1.1 5, "Profiles") would be added to
// STATEMENT_RULES; each returns the first issue it finds, with the path the client sees.
import type { XapiVersion } from "../../env";
import type { Issue } from "../../parsed";
import type { Statement } from "./statement";

export type StatementRequest = {
  version: XapiVersion;
  /** PUT's statementId parameter; undefined for POST. */
  statementId?: string;
  /** `statement` for a single statement, `statement[3]` in a batch. */
  path: (index: number) => string;
};

export type StatementRule = {
  name: string;
  check: (statements: readonly Statement[], request: StatementRequest) => Issue | undefined;
};

/** 1.0.3 Communication 2.1.1: the statementId parameter names the statement's id. */
const idMatchesStatementId: StatementRule = {
  name: "id matches statementId",
  check([statement], { statementId }) {
    if (statementId === undefined || statement?.id === undefined) return undefined;
    if (statement.id.toLowerCase() === statementId.toLowerCase()) return undefined;
    return { path: "statement.id", message: "the statement's id differs from the statementId parameter" };
  },
};

/** Two statements of one request may not share an id (9274.1.1 4.1.6.1; 1.0.3 SHOULD*); UUIDs ignore case. */
const uniqueIds: StatementRule = {
  name: "unique ids",
  check(statements) {
    const seen = new Set<string>();
    for (const [index, statement] of statements.entries()) {
      if (statement.id === undefined) continue;
      const id = statement.id.toLowerCase();
      if (seen.has(id)) return { path: `statement[${index}].id`, message: `the id ${id} appears more than once in this request` };
      seen.add(id);
    }
    return undefined;
  },
};

export const STATEMENT_RULES: readonly StatementRule[] = [idMatchesStatementId, uniqueIds];

/** The first issue any rule finds, in the order of STATEMENT_RULES. */
export function checkStatementRules(statements: readonly Statement[], request: StatementRequest): Issue | undefined {
  for (const rule of STATEMENT_RULES) {
    const issue = rule.check(statements, request);
    if (issue) return issue;
  }
  return undefined;
}
