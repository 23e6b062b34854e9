// The body of "create a forwarder" (issue 15), one set of rules for the admin API, the CLI and the console.
// Pure: no I/O. Destinations must be https:// unless LRS_FORWARD_ALLOW_HTTP=1 (local development and tests), so
// a tenant cannot aim the Worker at plain-HTTP services. The filter takes the statement query's parameters and
// is checked by the statement query parser itself, so a filter GET /statements refuses is refused here too.
import { z } from "zod";
import { XapiError } from "../errors";
import type { Issue, Parsed } from "../parsed";
import { parseStatementQuery } from "../xapi/statements/query/parameters";
import type { IndexFilter } from "../xapi/statements/query/parameters";

export const DEFAULT_BATCH_SIZE = 100;
/** A webhook body of 1,000 statements stays well under a receiver's usual 10 MB limit for typical statements. */
export const MAX_BATCH_SIZE = 1000;
/** Three days: a destination down for a day must not fail its forwarder by default. */
export const DEFAULT_FAILING_AFTER_SECONDS = 3 * 86400;
const MAX_FAILING_AFTER_SECONDS = 90 * 86400;

export type ForwarderFilter = {
  verb?: string;
  activity?: string;
  agent?: Record<string, unknown>;
  registration?: string;
  related_activities?: boolean;
  related_agents?: boolean;
};

export type ForwarderInput =
  | { kind: "webhook"; url: string; filter: ForwarderFilter; batchSize: number; failingAfterSeconds: number }
  | {
      kind: "xapi";
      endpoint: string;
      key: string;
      secret: string;
      version: "1.0.3" | "2.0.0";
      filter: ForwarderFilter;
      batchSize: number;
      failingAfterSeconds: number;
    };

const filterSchema = z.strictObject({
  verb: z.string().optional(),
  activity: z.string().optional(),
  agent: z.record(z.string(), z.unknown()).optional(),
  registration: z.string().optional(),
  related_activities: z.boolean().optional(),
  related_agents: z.boolean().optional(),
});

const common = {
  filter: filterSchema.optional(),
  batchSize: z.int().min(1).max(MAX_BATCH_SIZE).optional(),
  failingAfterSeconds: z.int().min(60).max(MAX_FAILING_AFTER_SECONDS).optional(),
};

/** The create body as a zod schema (the OpenAPI document is generated from it); parseForwarderInput adds the URL and filter rules. */
export const forwarderInputSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("webhook"), url: z.string().max(2000), ...common }),
  z.strictObject({
    kind: z.literal("xapi"),
    endpoint: z.string().max(2000),
    key: z.string().min(1).max(500),
    secret: z.string().min(1).max(500),
    version: z.enum(["1.0.3", "2.0.0"]).optional(),
    ...common,
  }),
]);

export type InputOptions = { allowHttp: boolean };

/** True when the environment allows plain-HTTP destinations (LRS_FORWARD_ALLOW_HTTP=1). */
export function allowsHttp(env: { LRS_FORWARD_ALLOW_HTTP?: string }): boolean {
  return env.LRS_FORWARD_ALLOW_HTTP === "1";
}

export function parseForwarderInput(value: unknown, options: InputOptions): Parsed<ForwarderInput> {
  const parsed = forwarderInputSchema.safeParse(value);
  if (!parsed.success) {
    return { ok: false, issues: parsed.error.issues.map((i) => ({ path: issuePath(i).join("."), message: i.message })) };
  }
  const body = parsed.data;
  const issues: Issue[] = [];
  const address = body.kind === "webhook" ? body.url : body.endpoint;
  const addressIssue = destinationIssue(address, options);
  if (addressIssue) issues.push({ path: body.kind === "webhook" ? "url" : "endpoint", message: addressIssue });
  const filter = body.filter ?? {};
  const filterIssue = filterProblem(filter);
  if (filterIssue) issues.push(filterIssue);
  if (issues.length > 0) return { ok: false, issues };
  const batchSize = body.batchSize ?? DEFAULT_BATCH_SIZE;
  const failingAfterSeconds = body.failingAfterSeconds ?? DEFAULT_FAILING_AFTER_SECONDS;
  if (body.kind === "webhook") {
    return { ok: true, value: { kind: "webhook", url: body.url, filter, batchSize, failingAfterSeconds } };
  }
  return {
    ok: true,
    value: {
      kind: "xapi",
      endpoint: body.endpoint.replace(/\/+$/, ""),
      key: body.key,
      secret: body.secret,
      version: body.version ?? "2.0.0",
      filter,
      batchSize,
      failingAfterSeconds,
    },
  };
}

/** Zod reports an unknown key on its object; the 400 names the key itself (as src/admin/admin-input.ts does). */
const issuePath = (issue: z.core.$ZodIssue): PropertyKey[] =>
  issue.code === "unrecognized_keys" ? [...issue.path, issue.keys[0]!] : issue.path;

function destinationIssue(address: string, options: InputOptions): string | undefined {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return "must be an absolute https:// URL";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && options.allowHttp) return undefined;
  return options.allowHttp ? "must be an http:// or https:// URL" : "must be an https:// URL (plain http needs LRS_FORWARD_ALLOW_HTTP=1)";
}

/** The filter as statement query parameters (the names and value forms GET /statements takes). */
function filterEntries(filter: ForwarderFilter): [string, string][] {
  const entries: [string, string][] = [];
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    entries.push([name, typeof value === "string" ? value : JSON.stringify(value)]);
  }
  return entries;
}

function filterProblem(filter: ForwarderFilter): Issue | undefined {
  try {
    indexFilters(filter);
    return undefined;
  } catch (error) {
    if (!(error instanceof XapiError)) throw error;
    const message = error.path ? error.message.slice(error.path.length + 2) : error.message;
    return { path: error.path ? `filter.${error.path}` : "filter", message };
  }
}

/** The index filters a stored forwarder filter means (as GET /statements would read them); throws on a bad one. */
export function indexFilters(filter: ForwarderFilter): IndexFilter[] {
  // Agents are parsed under 2.0.0 rules, the superset (an identified Group is a valid filter in both).
  return parseStatementQuery(filterEntries(filter), "2.0.0").filters;
}
