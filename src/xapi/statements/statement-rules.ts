// Rules over a request's statements, checked once each statement is valid on its own (validation/) and before
// anything is prepared, read or stored. A rule of an xAPI Profile (9274.1.1 5, "Profiles") would be added to
// STATEMENT_RULES; each returns the first issue it finds, with the path the client sees.
import type { LaunchBinding, XapiVersion } from "../../env";
import type { Issue } from "../../parsed";
import { agentKey } from "../agents/identifier";
import type { Activity, ContextActivities, Statement } from "./statement";
import { voidedTargetId } from "../../statement-store/voiding";

export type StatementRequest = {
  version: XapiVersion;
  /** PUT's statementId parameter; undefined for POST. */
  statementId?: string;
  /** `statement` for a single statement, `statement[3]` in a batch. */
  path: (index: number) => string;
  /** The request's launch token binding (src/auth/launch-tokens), when it came with one. */
  launch?: LaunchBinding;
};

export type StatementRule = {
  name: string;
  /** 400 by default; 403 for a rule about what the credential may write. */
  status?: 403;
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

/**
 * With a launch token, statements are the bound learner's (issue 16): the actor is the bound agent (by IFI, as
 * agents are matched everywhere), the registration the bound one, and the bound activity is the object or one
 * of the context activities (a course also reports on its parts). Voiding is refused: its target may be a
 * statement the token cannot even read.
 */
const launchBinding: StatementRule = {
  name: "launch token binding",
  status: 403,
  check(statements, { launch, path }) {
    if (!launch) return undefined;
    for (const [index, statement] of statements.entries()) {
      if (agentKey(statement.actor) !== launch.actorKey) {
        return { path: `${path(index)}.actor`, message: "must be the actor the launch token is bound to" };
      }
      const registration = statement.context?.registration?.toLowerCase();
      if (launch.registration !== undefined && registration !== launch.registration) {
        return { path: `${path(index)}.context.registration`, message: "must be the registration the launch token is bound to" };
      }
      if (voidedTargetId(statement) !== undefined) {
        return { path: `${path(index)}.verb.id`, message: "a launch token may not void statements" };
      }
      if (launch.activityId !== undefined && !namesActivity(statement, launch.activityId)) {
        return { path: `${path(index)}.object.id`, message: "must be the launch token's activity, or have it among the context activities" };
      }
    }
    return undefined;
  },
};

function namesActivity(statement: Statement, activityId: string): boolean {
  const object = statement.object as { objectType?: string; id?: string };
  if ((object.objectType === undefined || object.objectType === "Activity") && object.id === activityId) return true;
  const lists: ContextActivities = statement.context?.contextActivities ?? {};
  return Object.values(lists).some((value) =>
    (Array.isArray(value) ? value : [value as Activity]).some((activity) => activity?.id === activityId),
  );
}

export const STATEMENT_RULES: readonly StatementRule[] = [idMatchesStatementId, uniqueIds, launchBinding];

/** The first issue any rule finds, in the order of STATEMENT_RULES, with the status its rule answers with. */
export function checkStatementRules(
  statements: readonly Statement[],
  request: StatementRequest,
): (Issue & { status: 400 | 403 }) | undefined {
  for (const rule of STATEMENT_RULES) {
    const issue = rule.check(statements, request);
    if (issue) return { ...issue, status: rule.status ?? 400 };
  }
  return undefined;
}
