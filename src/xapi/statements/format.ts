// The `format` parameter of statement GETs (1.0.3 Communication 2.1.3 table row 12; 9274.1.1 4.1.6.1):
// `exact` as received, `ids` with agents, groups, activities and verbs cut down to what identifies them,
// `canonical` with the store's Activity definitions and one language per language map.
import type { XapiVersion } from "../../env";
import { agentIdentifier } from "../agents/identifier";
import { renderCanonical } from "./query/canonical";
import { parseAcceptLanguage } from "./query/accept-language";
import { storedStatement, type StoredStatementRow } from "./stored-statement";
import { type Json, isObject } from "../../json";

export const STATEMENT_FORMATS = ["exact", "ids", "canonical"] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];


export type RenderOptions = { format: StatementFormat; version: XapiVersion; acceptLanguage?: string };

/** The statements of `rows` (in their order) as the client asked to see them; reads only the activities table. */
export async function renderStatements(
  db: D1Database,
  storeId: string,
  rows: readonly StoredStatementRow[],
  options: RenderOptions,
): Promise<Json[]> {
  // Served as stored whatever options.version is (1.0.3 Communication 3.3.s5.b1: no conversion to a prior format).
  const statements = rows.map((row) => storedStatement(row));
  if (options.format === "ids") return statements.map(formatStatementIds);
  if (options.format === "canonical") {
    return renderCanonical(db, storeId, statements, parseAcceptLanguage(options.acceptLanguage));
  }
  return statements;
}


/** `ids` for a Statement or SubStatement: everything else (result, timestamp, attachments...) stays. */
export function formatStatementIds(statement: Json): Json {
  const out: Json = { ...statement };
  if ("actor" in statement) out.actor = agentIds(statement.actor);
  if (isObject(statement.verb)) out.verb = { id: statement.verb.id };
  if ("object" in statement) out.object = objectIds(statement.object);
  if ("authority" in statement) out.authority = agentIds(statement.authority);
  if (isObject(statement.context)) out.context = contextIds(statement.context);
  return out;
}

/**
 * An Agent or identified Group becomes its objectType plus IFI; an anonymous Group keeps only its members'
 * identifiers ("the minimum information needed to identify each member"). The suites expect an identified
 * Group to lose its member list.
 */
function agentIds(agent: unknown): unknown {
  if (!isObject(agent)) return agent;
  const out: Json = {};
  if (agent.objectType !== undefined) out.objectType = agent.objectType;
  const identifier = agentIdentifier(agent);
  Object.assign(out, identifier);
  if (Object.keys(identifier).length === 0 && Array.isArray(agent.member)) out.member = agent.member.map(agentIds);
  return out;
}

/** An Activity is identified by its id alone (the suites count exactly one key, objectType dropped). */
function activityIds(activity: unknown): unknown {
  return isObject(activity) ? { id: activity.id } : activity;
}

function objectIds(object: unknown): unknown {
  if (!isObject(object)) return object;
  switch (object.objectType) {
    case "Agent":
    case "Group":
      return agentIds(object);
    case "SubStatement":
      return formatStatementIds(object);
    case "StatementRef":
      return object;
    default:
      return activityIds(object);
  }
}

function contextIds(context: Json): Json {
  const out: Json = { ...context };
  if ("instructor" in context) out.instructor = agentIds(context.instructor);
  if ("team" in context) out.team = agentIds(context.team);
  if (isObject(context.contextActivities)) {
    const activities: Json = {};
    for (const [key, value] of Object.entries(context.contextActivities)) {
      activities[key] = Array.isArray(value) ? value.map(activityIds) : activityIds(value);
    }
    out.contextActivities = activities;
  }
  // 9274.1.1 context agents and groups keep their relevantTypes; only the agent/group is reduced.
  if (Array.isArray(context.contextAgents)) {
    out.contextAgents = context.contextAgents.map((entry) =>
      isObject(entry) ? { ...entry, agent: agentIds(entry.agent) } : entry,
    );
  }
  if (Array.isArray(context.contextGroups)) {
    out.contextGroups = context.contextGroups.map((entry) =>
      isObject(entry) ? { ...entry, group: agentIds(entry.group) } : entry,
    );
  }
  return out;
}
