// The query parameters of the three document resources, per kind and method (1.0.3 Communication 2.3, 2.6,
// 2.7; 9274.1.1 4.1.6.2/5/6). A request names either one document (its id parameter present) or a set: the
// id list of a GET, or (State only) the delete-all of a DELETE. Missing, repeated, malformed or unknown
// parameters (case included) are 400s (1.0.3 Communication 3.2.s3.b7–b8; 9274.1.1 4.1.5).
import type { XapiVersion } from "../../env";
import { badRequest } from "../../errors";
import { type DocumentAddress, type DocumentKind, type DocumentSet, ID_PARAMETER } from "./document-address";
import { parseAgentParameter } from "../agents/agent-parameter";
import { parseActivityIdParameter, parseRegistrationParameter, parseSinceParameter } from "./parameter-values";

export type DocumentRequest =
  | { target: "document"; address: DocumentAddress }
  | { target: "set"; set: DocumentSet; sinceMs?: number };

type Method = "GET" | "PUT" | "POST" | "DELETE";

const CONTEXT_PARAMETERS: Record<DocumentKind, string[]> = {
  state: ["activityId", "agent", "registration"],
  activity_profile: ["activityId"],
  agent_profile: ["agent"],
};

export function parseDocumentRequest(
  kind: DocumentKind,
  method: Method,
  query: URLSearchParams,
  storeId: string,
  version: XapiVersion,
): DocumentRequest {
  const idName = ID_PARAMETER[kind];
  const single =
    method === "PUT" || method === "POST" || query.has(idName) || (kind !== "state" && method === "DELETE");
  // `since` belongs to the id list only; with a document id it is "Not Allowed" (9274.1.1 4.1.6.2).
  const allowed = new Set(CONTEXT_PARAMETERS[kind]);
  if (single) allowed.add(idName);
  else if (method === "GET") allowed.add("since");
  const values = readParameters(query, allowed);

  const set: DocumentSet = {
    storeId,
    kind,
    activityId: kind === "agent_profile" ? "" : parseActivityIdParameter(required(values, "activityId")),
    // An Agent, never a Group (1.0.3 Communication 2.6 note, 2.3 table): a Group's documents go under an
    // Agent object carrying the Group's IFI.
    agentKey: kind === "activity_profile" ? "" : parseAgentParameter(required(values, "agent"), version, false).key,
    registration: values.has("registration") ? parseRegistrationParameter(values.get("registration")!) : undefined,
  };
  if (single) {
    const documentId = required(values, idName);
    return { target: "document", address: { ...set, registration: set.registration ?? "", documentId } };
  }
  const since = values.get("since");
  return { target: "set", set, sinceMs: since === undefined ? undefined : parseSinceParameter(since, version) };
}

/** The query as a map; a parameter not in `allowed` (case matters) or given twice is a 400. */
export function readParameters(query: URLSearchParams, allowed: ReadonlySet<string>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [name, value] of query) {
    if (!allowed.has(name)) throw badRequest("is not a parameter of this request", name);
    if (values.has(name)) throw badRequest("must be given once", name);
    values.set(name, value);
  }
  return values;
}

export function required(values: Map<string, string>, name: string): string {
  const value = values.get(name);
  if (value === undefined || value === "") throw badRequest("is required", name);
  return value;
}
