// What a statement contributes to the query index (schema.ts statement_index), the Activities resource and
// the Agents resource. Pure: the rows are computed here and written in bulk by statement-rows.ts.
// Filter semantics: 1.0.3 Communication 2.1.3 (agent, verb, activity, registration, related_agents,
// related_activities); 9274.1.1 4.1.6.1 adds contextAgents / contextGroups to related_agents.
import { XapiError } from "../../errors";
import { agentIdentifier, agentKey } from "../agents/identifier";
import type { Activity, Actor, RecordedStatement, Statement, SubStatement } from "./statement";

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
  actor(value: Actor | undefined, usage: string, direct: boolean, remember = true): void {
    if (!value) return;
    const key = agentKey(value);
    if (key) {
      if (direct) this.add("agent", key, usage);
      this.add("related_agent", key, usage);
      if (remember) {
        const name = value.name;
        this.agents.push({ key, identifier: agentIdentifier(value), ...(name ? { name } : {}) });
      }
    }
    if (value.objectType === "Group") {
      for (const member of value.member ?? []) this.actor(member, `${usage}.member`, direct, remember);
    }
  }

  activity(value: Activity, usage: string, direct: boolean): void {
    if (direct) this.add("activity", value.id, usage);
    this.add("related_activity", value.id, usage);
    this.activities.push({ id: value.id, definition: value.definition ?? {} });
  }

  rows(): IndexRow[] {
    return [...this.usages.values()].map(({ kind, value, usage }) => ({ kind, value, usage: [...usage].join(",") }));
  }
}

/** Read from the statement as stored (lrs-properties.ts): valid, with its authority set. */
export function statementFacts(statement: RecordedStatement): StatementFacts {
  const facts = new FactCollector();
  facts.add("verb", statement.verb.id, "verb");
  collectBody(facts, statement, "", true);
  facts.actor(statement.authority, "authority", false, false);
  return { index: facts.rows(), activities: facts.activities, agents: facts.agents };
}

/** actor, object and context of a statement or (with prefix "substatement.") of its SubStatement. */
function collectBody(facts: FactCollector, statement: Statement | SubStatement, prefix: string, direct: boolean): void {
  facts.actor(statement.actor, `${prefix}actor`, direct);
  const object = statement.object;
  switch (object.objectType) {
    case undefined:
    case "Activity":
      facts.activity(object, `${prefix}object`, direct);
      break;
    case "Agent":
    case "Group":
      facts.actor(object, `${prefix}object`, direct);
      break;
    case "SubStatement":
      collectBody(facts, object, "substatement.", false);
      break;
  }
  const context = statement.context;
  if (!context) return;
  if (!prefix && context.registration !== undefined) {
    facts.add("registration", context.registration.toLowerCase(), "context.registration");
  }
  facts.actor(context.instructor, `${prefix}context.instructor`, false);
  facts.actor(context.team, `${prefix}context.team`, false);
  for (const entry of context.contextAgents ?? []) facts.actor(entry.agent, `${prefix}context.contextAgents`, false);
  for (const entry of context.contextGroups ?? []) facts.actor(entry.group, `${prefix}context.contextGroups`, false);
  for (const [name, list] of Object.entries(context.contextActivities ?? {})) {
    // 1.0.3 Data 2.4.6.2: a single Activity object is accepted where an array is expected (stored as an array).
    for (const activity of Array.isArray(list) ? list : [list]) {
      facts.activity(activity, `${prefix}context.contextActivities.${name}`, false);
    }
  }
}

// Bounded rows: a statement's index entries travel to D1 as ONE JSON value (statement-rows.ts groups them per statement,
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
