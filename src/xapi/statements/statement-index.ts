// What a statement contributes to the query index (schema.ts statement_index), the Activities resource and
// the Agents resource. Pure: the rows are computed here and written in bulk by store.ts.
// Filter semantics: 1.0.3 Communication 2.1.3 (agent, verb, activity, registration, related_agents,
// related_activities); 9274.1.1 4.1.6.1 adds contextAgents / contextGroups to related_agents.
import { XapiError } from "../../errors";
import { agentIdentifier, agentKey } from "../agents/identifier";
import { type Json, isObject } from "../../json";

export type IndexKind = "agent" | "related_agent" | "activity" | "related_activity" | "verb" | "registration";
export type IndexRow = { kind: IndexKind; value: string; usage: string };
export type ActivitySeen = { id: string; definition: Record<string, unknown> };
export type AgentSeen = { key: string; identifier: Record<string, unknown>; name?: string };

export type StatementFacts = { index: IndexRow[]; activities: ActivitySeen[]; agents: AgentSeen[] };

class FactCollector {
  private readonly usages = new Map<string, { kind: IndexKind; value: string; usage: Set<string> }>();
  readonly activities: ActivitySeen[] = [];
  readonly agents: AgentSeen[] = [];

  add(kind: IndexKind, value: string, usage: string): void {
    const key = `${kind}\n${value}`;
    const entry = this.usages.get(key) ?? { kind, value, usage: new Set<string>() };
    entry.usage.add(usage);
    this.usages.set(key, entry);
  }

  /** An Agent or Group; `direct` marks actor/object, which the plain `agent` filter matches. */
  actor(value: unknown, usage: string, direct: boolean, remember = true): void {
    if (!isObject(value)) return;
    const key = agentKey(value);
    if (key) {
      if (direct) this.add("agent", key, usage);
      this.add("related_agent", key, usage);
      if (remember) {
        const name = typeof value.name === "string" ? value.name : undefined;
        this.agents.push({ key, identifier: agentIdentifier(value), ...(name ? { name } : {}) });
      }
    }
    if (Array.isArray(value.member)) {
      for (const member of value.member) this.actor(member, `${usage}.member`, direct, remember);
    }
  }

  activity(value: unknown, usage: string, direct: boolean): void {
    if (!isObject(value) || typeof value.id !== "string") return;
    if (direct) this.add("activity", value.id, usage);
    this.add("related_activity", value.id, usage);
    this.activities.push({ id: value.id, definition: isObject(value.definition) ? value.definition : {} });
  }

  rows(): IndexRow[] {
    return [...this.usages.values()].map(({ kind, value, usage }) => ({ kind, value, usage: [...usage].join(",") }));
  }
}

export function statementFacts(statement: Json): StatementFacts {
  const facts = new FactCollector();
  if (isObject(statement.verb) && typeof statement.verb.id === "string") facts.add("verb", statement.verb.id, "verb");
  collectBody(facts, statement, "", true);
  facts.actor(statement.authority, "authority", false, false);
  return { index: facts.rows(), activities: facts.activities, agents: facts.agents };
}

/** actor, object and context of a statement or (with prefix "substatement.") of its SubStatement. */
function collectBody(facts: FactCollector, statement: Json, prefix: string, direct: boolean): void {
  facts.actor(statement.actor, `${prefix}actor`, direct);
  const object = statement.object;
  if (isObject(object)) {
    const type = object.objectType ?? "Activity";
    if (type === "Activity") facts.activity(object, `${prefix}object`, direct);
    else if (type === "Agent" || type === "Group") facts.actor(object, `${prefix}object`, direct);
    else if (type === "SubStatement" && !prefix) collectBody(facts, object, "substatement.", false);
  }
  const context = statement.context;
  if (!isObject(context)) return;
  if (!prefix && typeof context.registration === "string") {
    facts.add("registration", context.registration.toLowerCase(), "context.registration");
  }
  facts.actor(context.instructor, `${prefix}context.instructor`, false);
  facts.actor(context.team, `${prefix}context.team`, false);
  for (const entry of asArray(context.contextAgents)) {
    if (isObject(entry)) facts.actor(entry.agent, `${prefix}context.contextAgents`, false);
  }
  for (const entry of asArray(context.contextGroups)) {
    if (isObject(entry)) facts.actor(entry.group, `${prefix}context.contextGroups`, false);
  }
  if (isObject(context.contextActivities)) {
    for (const [name, list] of Object.entries(context.contextActivities)) {
      // 1.0.3 Data 2.4.6.2: a single Activity object is accepted where an array is expected.
      for (const activity of asArray(list)) {
        facts.activity(activity, `${prefix}context.contextActivities.${name}`, false);
      }
    }
  }
}

// Bounded rows: a statement's index entries travel to D1 as ONE JSON value (store.ts groups them per statement,
// and chunkJsonArrays never splits a row), and D1 refuses a bound value over 2,000,000 bytes. A statement whose
// entries would exceed MAX_INDEX_BYTES (the chunk size, so the value stays under 1 MB) is refused with a 413
// naming the property that contributed most of them, e.g. `context.contextActivities.parent` (about 16,000
// short activity ids; ordinary statements hold a few dozen at most).
export const MAX_INDEX_BYTES = 900_000;
const encoder = new TextEncoder();

/** The property (a usage, e.g. `context.contextActivities.parent`) to blame when `id`'s index row is too large. */
export function oversizeIndexProperty(id: string, facts: StatementFacts): string | undefined {
  // A cheap upper bound first (a UTF-16 unit is at most 6 bytes as escaped JSON), so ordinary statements (a few
  // dozen short rows) skip the exact count on the ingest path.
  let upper = id.length * 6 + 8;
  for (const row of facts.index) upper += (row.kind.length + row.value.length + row.usage.length) * 6 + 12;
  if (upper <= MAX_INDEX_BYTES) return undefined;
  let total = encoder.encode(JSON.stringify(id)).byteLength + 4;
  const byUsage = new Map<string, number>();
  for (const row of facts.index) {
    const bytes = encoder.encode(JSON.stringify([row.kind, row.value, row.usage])).byteLength + 1;
    total += bytes;
    const usage = row.usage.split(",")[0]!;
    byUsage.set(usage, (byUsage.get(usage) ?? 0) + bytes);
  }
  if (total <= MAX_INDEX_BYTES) return undefined;
  return [...byUsage.entries()].reduce((a, b) => (b[1] > a[1] ? b : a))[0];
}

/** 413 for the first of `statements` whose index row is too large; `where(i)` is its path (e.g. `statement[2]`). */
export function assertIndexRowsFit(
  statements: readonly { id: string; facts: StatementFacts }[],
  where: (index: number) => string,
): void {
  statements.forEach(({ id, facts }, index) => {
    const property = oversizeIndexProperty(id, facts);
    if (property === undefined) return;
    const message = `a statement's query index entries may hold at most ${MAX_INDEX_BYTES} bytes (too many distinct activities or agents)`;
    throw new XapiError(413, message, `${where(index)}.${property}`);
  });
}

function asArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}
