// What a statement contributes to the query index (schema.ts index_values + index_entries), the Activities resource
// and the Agents resource. Pure: the rows are computed here and written in bulk by statement-rows.ts.
// Filter semantics: 1.0.3 Communication 2.1.3 (agent, verb, activity, registration, related_agents,
// related_activities); 9274.1.1 4.1.6.1 adds contextAgents / contextGroups to related_agents.
import { XapiError } from "../errors";
import { agentIdentifier, agentKey } from "../xapi/agents/identifier";
import type { Activity, Actor, RecordedStatement, Statement, SubStatement } from "../xapi/statements/statement";

/** What a query filters on (one per filter parameter). */
export type FilterKind = "agent" | "related_agent" | "activity" | "related_activity" | "verb" | "registration";

/** What the dictionary holds (index_values.kind): an agent key, an activity IRI, a verb IRI or a registration. */
export const VALUE_KIND = { agent: 1, activity: 2, verb: 3, registration: 4 } as const;
export type ValueKind = (typeof VALUE_KIND)[keyof typeof VALUE_KIND];

/**
 * Where a statement names a value (index_entries.roles, a bit set): one row per (statement, value) whatever the
 * number of places, instead of one per filter kind.
 */
export const ROLE = {
  /** actor or object (or a member of a Group there): the plain `agent` and `activity` filters. */
  direct: 1,
  /** anywhere but `authority`: what an agent erasure removes. */
  mentioned: 2,
  /** the authority. */
  authority: 4,
} as const;

/** The dictionary kind a filter seeks and the roles a row must have (0: any row, the related_* filters). */
export function filterTarget(kind: FilterKind): { valueKind: ValueKind; roles: number } {
  switch (kind) {
    case "agent":
      return { valueKind: VALUE_KIND.agent, roles: ROLE.direct };
    case "related_agent":
      return { valueKind: VALUE_KIND.agent, roles: 0 };
    case "activity":
      return { valueKind: VALUE_KIND.activity, roles: ROLE.direct };
    case "related_activity":
      return { valueKind: VALUE_KIND.activity, roles: 0 };
    case "verb":
      return { valueKind: VALUE_KIND.verb, roles: 0 };
    case "registration":
      return { valueKind: VALUE_KIND.registration, roles: 0 };
  }
}

/** `usage`: the first place the value was found (e.g. `context.contextActivities.parent`), only to name a 413. */
export type IndexRow = { kind: ValueKind; value: string; roles: number; usage: string };
export type ActivitySeen = { id: string; definition: Record<string, unknown> };
export type AgentSeen = { key: string; identifier: Record<string, unknown>; name?: string };

export type StatementFacts = { index: IndexRow[]; activities: ActivitySeen[]; agents: AgentSeen[] };

class FactCollector {
  private readonly rowsByKey = new Map<string, IndexRow>();
  readonly activities: ActivitySeen[] = [];
  readonly agents: AgentSeen[] = [];

  add(kind: ValueKind, value: string, roles: number, usage: string): void {
    const key = `${kind}\n${value}`;
    const row = this.rowsByKey.get(key);
    if (row) row.roles |= roles;
    else this.rowsByKey.set(key, { kind, value, roles, usage });
  }

  /** An Agent or Group; `direct` marks actor/object, which the plain `agent` filter matches. */
  actor(value: Actor | undefined, usage: string, direct: boolean, remember = true): void {
    if (!value) return;
    const key = agentKey(value);
    if (key) {
      const roles = /^authority(\.|$)/.test(usage) ? ROLE.authority : ROLE.mentioned | (direct ? ROLE.direct : 0);
      this.add(VALUE_KIND.agent, key, roles, usage);
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
    this.add(VALUE_KIND.activity, value.id, ROLE.mentioned | (direct ? ROLE.direct : 0), usage);
    this.activities.push({ id: value.id, definition: value.definition ?? {} });
  }

  rows(): IndexRow[] {
    return [...this.rowsByKey.values()];
  }
}

/** Read from the statement as stored (lrs-properties.ts): valid, with its authority set. */
export function statementFacts(statement: RecordedStatement): StatementFacts {
  const facts = new FactCollector();
  facts.add(VALUE_KIND.verb, statement.verb.id, ROLE.direct | ROLE.mentioned, "verb");
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
    facts.add(VALUE_KIND.registration, context.registration.toLowerCase(), ROLE.direct | ROLE.mentioned, "context.registration");
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
  for (const row of facts.index) upper += row.value.length * 6 + 12;
  if (upper <= MAX_INDEX_BYTES) return undefined;
  let total = encoder.encode(JSON.stringify(id)).byteLength + 4;
  const byUsage = new Map<string, number>();
  for (const row of facts.index) {
    const bytes = encoder.encode(JSON.stringify([row.kind, row.value, row.roles])).byteLength + 1;
    total += bytes;
    byUsage.set(row.usage, (byUsage.get(row.usage) ?? 0) + bytes);
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
