// The query parameters of GET /statements without statementId/voidedStatementId (1.0.3 Communication 2.1.3
// table; 9274.1.1 4.1.6.1). Pure: no I/O, no clock. Every problem is a 400 naming the parameter
// (1.0.3 Communication 3.2.s3.b7-b8: unknown names and wrong-case names are rejected too). Values are checked
// by the statement validation module, like the same types inside statements (1.0.3 Data 2.2.s4.b4).
import type { XapiVersion } from "../../../env";
import { badRequest } from "../../../errors";
import { parseAgentParameter } from "../../agents/agent-parameter";
import { STATEMENT_FORMATS, type StatementFormat } from "../format";
import type { FilterKind } from "../../../statement-store/statement-index";
import { parseTimestampParameter } from "../../timestamp-parameter";
import { isIri, isUuid } from "../validation";

/** The largest page the LRS serves; `limit=0` or no limit means this (1.0.3 Communication 2.1.3 row 11). */
export const MAX_LIMIT = 500;


/** One equality filter answered by the query index (index_values + index_entries). */
export type IndexFilter = { kind: FilterKind; value: string };

export type StatementQuery = {
  filters: IndexFilter[];
  /** `since` (exclusive) and `until` (inclusive) in epoch milliseconds. */
  sinceMs?: number;
  untilMs?: number;
  limit: number;
  format: StatementFormat;
  attachments: boolean;
  ascending: boolean;
  /** The opaque continuation token of a `more` IRL, checked by cursor.ts. */
  cursor?: string;
};

export const QUERY_PARAMETERS = [
  "agent",
  "verb",
  "activity",
  "registration",
  "related_activities",
  "related_agents",
  "since",
  "until",
  "limit",
  "format",
  "attachments",
  "ascending",
  "cursor",
] as const;
type QueryParameter = (typeof QUERY_PARAMETERS)[number];

export function parseStatementQuery(entries: Iterable<[string, string]>, version: XapiVersion): StatementQuery {
  const values = new Map<QueryParameter, string>();
  for (const [name, value] of entries) {
    if (!(QUERY_PARAMETERS as readonly string[]).includes(name)) {
      const sameButCase = QUERY_PARAMETERS.find((known) => known.toLowerCase() === name.toLowerCase());
      throw badRequest(
        sameButCase
          ? `unknown parameter (names are case-sensitive; did you mean "${sameButCase}"?)`
          : "unknown parameter for a statement query",
        name,
      );
    }
    if (values.has(name as QueryParameter)) throw badRequest("the parameter is given more than once", name);
    values.set(name as QueryParameter, value);
  }

  const filters: IndexFilter[] = [];
  const relatedAgents = parseBoolean(values, "related_agents");
  const relatedActivities = parseBoolean(values, "related_activities");
  const agent = values.get("agent");
  if (agent !== undefined) {
    filters.push({ kind: relatedAgents ? "related_agent" : "agent", value: parseAgentParameter(agent, version).key });
  }
  const verb = values.get("verb");
  if (verb !== undefined) filters.push({ kind: "verb", value: parseIri(verb, "verb") });
  const activity = values.get("activity");
  if (activity !== undefined) {
    filters.push({ kind: relatedActivities ? "related_activity" : "activity", value: parseIri(activity, "activity") });
  }
  const registration = values.get("registration");
  if (registration !== undefined) {
    if (!isUuid(registration)) throw badRequest("must be a UUID", "registration");
    filters.push({ kind: "registration", value: registration.toLowerCase() });
  }

  const format = values.get("format") ?? "exact";
  if (!(STATEMENT_FORMATS as readonly string[]).includes(format)) {
    throw badRequest(`must be one of ${STATEMENT_FORMATS.join(", ")}`, "format");
  }
  const cursor = values.get("cursor");
  return {
    filters,
    sinceMs: parseTimestamp(values, "since", version),
    untilMs: parseTimestamp(values, "until", version),
    limit: parseLimit(values.get("limit")),
    format: format as StatementFormat,
    attachments: parseBoolean(values, "attachments"),
    ascending: parseBoolean(values, "ascending"),
    ...(cursor !== undefined ? { cursor } : {}),
  };
}

function parseIri(value: string, name: string): string {
  if (!isIri(value)) throw badRequest("must be an IRI with a scheme", name);
  return value;
}

// 1.0.3 Communication 2.1.3 note: booleans are the JSON literals `true` and `false`.
function parseBoolean(values: Map<QueryParameter, string>, name: QueryParameter): boolean {
  const value = values.get(name);
  if (value === undefined || value === "false") return false;
  if (value === "true") return true;
  throw badRequest('must be "true" or "false"', name);
}

function parseTimestamp(values: Map<QueryParameter, string>, name: QueryParameter, version: XapiVersion): number | undefined {
  const raw = values.get(name);
  return raw === undefined ? undefined : parseTimestampParameter(raw, version, name);
}

// Any non-negative integer is valid, however many digits; past MAX_LIMIT it is served at MAX_LIMIT.
function parseLimit(value: string | undefined): number {
  if (value === undefined) return MAX_LIMIT;
  if (!/^\d+$/.test(value)) throw badRequest("must be a non-negative integer", "limit");
  const limit = Number(value);
  return limit === 0 ? MAX_LIMIT : Math.min(limit, MAX_LIMIT);
}
