// A stored statement row as a client sees it (shared with format.ts): `stored` merged back from its column,
// `timestamp` defaulted to `stored` (1.0.3 Data 2.4.7 SHOULD*, 9274.1.1 4.2.4.2 SHALL), and properties a
// 1.0.3 client cannot know removed: 9274.1.1 added context.contextAgents / contextGroups.
import type { XapiVersion } from "../../env";

export type StoredStatementRow = { statement: string; storedMs: number };

export function storedStatement(row: StoredStatementRow, version: XapiVersion): Record<string, unknown> {
  const statement = JSON.parse(row.statement) as Record<string, unknown>;
  const stored = new Date(row.storedMs).toISOString();
  const merged: Record<string, unknown> = { ...statement, timestamp: statement.timestamp ?? stored, stored };
  return version === "1.0.3" ? downgradeTo103(merged) : merged;
}

/** Drops 2.0-only properties from a statement (and its SubStatement) for a 1.0.3 client. */
export function downgradeTo103(statement: Record<string, unknown>): Record<string, unknown> {
  const out = { ...statement };
  if (isObject(out.context)) out.context = withoutContextAgents(out.context);
  if (isObject(out.object) && out.object.objectType === "SubStatement" && isObject(out.object.context)) {
    out.object = { ...out.object, context: withoutContextAgents(out.object.context) };
  }
  return out;
}

function withoutContextAgents(context: Record<string, unknown>): Record<string, unknown> {
  const { contextAgents: _agents, contextGroups: _groups, ...rest } = context;
  return rest;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
