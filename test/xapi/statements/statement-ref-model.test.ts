// The StatementRef filter rule checked against a model (1.0.3 Communication 2.1.3 "Filter Conditions for
// StatementRefs", 2.1.4.s1): random statements from small pools, a third of them StatementRefs (to earlier, later,
// missing and each other's ids, so chains and cycles occur), some voided, posted in random batches; then random
// filter combinations, each followed through every `more` page, must return exactly what the model says, in order.
// The model: a statement meets a filter when it, or a statement its StatementRef chain reaches, meets that filter
// itself; every filter must be met; voided statements never appear.
import { beforeAll, describe, expect, it } from "vitest";
import { xapi } from "../../helpers";
import type { Json } from "./fixtures";

/** A small deterministic PRNG (mulberry32), so a failure reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUN = crypto.randomUUID().slice(0, 8);
const AGENTS = ["a", "b", "c", "d"].map((n) => ({ mbox: `mailto:${n}-${RUN}@example.com` }));
const VERBS = ["x", "y", "z"].map((n) => `http://example.com/verbs/${n}-${RUN}`);
const ACTIVITIES = ["p", "q", "r", "s"].map((n) => `http://example.com/activities/${n}-${RUN}`);
const REGISTRATIONS = [crypto.randomUUID(), crypto.randomUUID()];
const VOIDED = "http://adlnet.gov/expapi/verbs/voided";

type Model = {
  id: string;
  agents: Set<string>;
  relatedAgents: Set<string>;
  activity?: string;
  relatedActivities: Set<string>;
  verb: string;
  registration?: string;
  ref?: string;
  voids?: string;
};
type Filter = { agent?: number; verb?: number; activity?: number; registration?: number; relatedAgents?: boolean; relatedActivities?: boolean };

const next = random(20261129);
const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
const ids = Array.from({ length: 90 }, () => crypto.randomUUID());
const stored: Model[] = [];
const order: string[] = [];

function build(i: number): { json: Json; model: Model } {
  const id = ids[i]!;
  const actor = pick(AGENTS);
  const verb = pick(VERBS);
  const roll = next();
  const model: Model = { id, agents: new Set([actor.mbox]), relatedAgents: new Set([actor.mbox]), relatedActivities: new Set(), verb };
  const json: Json = { id, actor, verb: { id: verb } };
  if (roll < 0.3) {
    // A StatementRef to any id of the run (earlier, later, itself never), or to one never stored.
    const target = next() < 0.15 ? crypto.randomUUID() : pick(ids.filter((other) => other !== id));
    json.object = { objectType: "StatementRef", id: target };
    model.ref = target;
  } else if (roll < 0.38 && stored.some((s) => !s.voids)) {
    // Voiding an earlier statement (not a voiding one: voiding those voids nothing).
    const target = pick(stored.filter((s) => !s.voids && s.verb !== VOIDED)).id;
    json.verb = { id: VOIDED };
    json.object = { objectType: "StatementRef", id: target };
    model.verb = VOIDED;
    model.ref = target;
    model.voids = target;
  } else if (roll < 0.48) {
    const object = pick(AGENTS);
    json.object = { objectType: "Agent", ...object };
    model.agents.add(object.mbox);
    model.relatedAgents.add(object.mbox);
  } else {
    const activity = pick(ACTIVITIES);
    json.object = { id: activity };
    model.activity = activity;
    model.relatedActivities.add(activity);
  }
  const context: Json = {};
  if (next() < 0.5) {
    context.registration = pick(REGISTRATIONS);
    model.registration = context.registration as string;
  }
  if (next() < 0.4) {
    const instructor = pick(AGENTS);
    context.instructor = instructor;
    model.relatedAgents.add(instructor.mbox);
  }
  if (next() < 0.4) {
    const parent = pick(ACTIVITIES);
    context.contextActivities = { parent: [{ id: parent }] };
    model.relatedActivities.add(parent);
  }
  if (Object.keys(context).length > 0) json.context = context;
  return { json, model };
}

function meetsItself(s: Model, f: Filter): boolean {
  if (f.agent !== undefined && !(f.relatedAgents ? s.relatedAgents : s.agents).has(AGENTS[f.agent]!.mbox)) return false;
  if (f.verb !== undefined && s.verb !== VERBS[f.verb]) return false;
  if (f.activity !== undefined) {
    const activity = ACTIVITIES[f.activity]!;
    if (f.relatedActivities ? !s.relatedActivities.has(activity) : s.activity !== activity) return false;
  }
  if (f.registration !== undefined && s.registration !== REGISTRATIONS[f.registration]) return false;
  return true;
}

/** Each filter on its own, met by the statement or by one its chain reaches. */
function meets(s: Model, f: Filter, byId: Map<string, Model>): boolean {
  const chain: Model[] = [];
  const seen = new Set<string>();
  for (let at: Model | undefined = s; at && !seen.has(at.id); at = at.ref ? byId.get(at.ref) : undefined) {
    seen.add(at.id);
    chain.push(at);
  }
  const parts: Filter[] = [];
  if (f.agent !== undefined) parts.push({ agent: f.agent, relatedAgents: f.relatedAgents });
  if (f.verb !== undefined) parts.push({ verb: f.verb });
  if (f.activity !== undefined) parts.push({ activity: f.activity, relatedActivities: f.relatedActivities });
  if (f.registration !== undefined) parts.push({ registration: f.registration });
  return parts.every((part) => chain.some((member) => meetsItself(member, part)));
}

function expected(f: Filter, ascending: boolean): string[] {
  const byId = new Map(stored.map((s) => [s.id, s]));
  const voided = new Set(stored.filter((s) => s.voids && byId.get(s.voids)?.verb !== VOIDED).map((s) => s.voids!));
  const matching = order.filter((id) => !voided.has(id) && meets(byId.get(id)!, f, byId));
  return ascending ? matching : matching.reverse();
}

async function actual(f: Filter, ascending: boolean, limit: number): Promise<string[]> {
  const params: Record<string, string> = { limit: String(limit), ascending: String(ascending) };
  if (f.agent !== undefined) params.agent = JSON.stringify(AGENTS[f.agent]);
  if (f.verb !== undefined) params.verb = VERBS[f.verb]!;
  if (f.activity !== undefined) params.activity = ACTIVITIES[f.activity]!;
  if (f.registration !== undefined) params.registration = REGISTRATIONS[f.registration]!;
  if (f.relatedAgents) params.related_agents = "true";
  if (f.relatedActivities) params.related_activities = "true";
  const seen: string[] = [];
  let path: string | undefined = `/statements?${new URLSearchParams(params)}`;
  for (let page = 0; path && page < 100; page++) {
    const res = await xapi(path.replace(/^\/xapi/, ""), { version: "2.0.0" });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { statements: { id: string }[]; more: string };
    expect(body.statements.length).toBeLessThanOrEqual(limit);
    seen.push(...body.statements.map((s) => s.id));
    path = body.more || undefined;
  }
  return seen;
}

beforeAll(async () => {
  for (let i = 0; i < ids.length; ) {
    const size = 1 + Math.floor(next() * 12);
    const batch = [];
    for (let j = 0; j < size && i < ids.length; j++, i++) {
      const { json, model } = build(i);
      batch.push(json);
      stored.push(model);
      order.push(model.id);
    }
    const res = await xapi("/statements", { method: "POST", json: batch, version: "2.0.0" });
    expect(res.status, await res.text()).toBe(200);
  }
}, 60_000);

describe("StatementRef filters against the model", () => {
  const cases: { filter: Filter; ascending: boolean; limit: number }[] = [];
  for (let n = 0; n < 40; n++) {
    const filter: Filter = {};
    if (next() < 0.6) filter.agent = Math.floor(next() * AGENTS.length);
    if (next() < 0.4) filter.verb = Math.floor(next() * VERBS.length);
    if (next() < 0.5) filter.activity = Math.floor(next() * ACTIVITIES.length);
    if (next() < 0.25) filter.registration = Math.floor(next() * REGISTRATIONS.length);
    if (Object.keys(filter).length === 0) filter.verb = Math.floor(next() * VERBS.length);
    filter.relatedAgents = next() < 0.5;
    filter.relatedActivities = next() < 0.5;
    cases.push({ filter, ascending: next() < 0.5, limit: 1 + Math.floor(next() * 7) });
  }

  it.each(cases)("%j", async ({ filter, ascending, limit }) => {
    expect(await actual(filter, ascending, limit)).toEqual(expected(filter, ascending));
  });

  it("the run holds chains, missing targets, voided statements and matches only through a chain", () => {
    const byId = new Map(stored.map((s) => [s.id, s]));
    const throughChain = cases.flatMap(({ filter }) =>
      expected(filter, true).filter((id) => !meetsItself(byId.get(id)!, filter)),
    );
    expect(throughChain.length).toBeGreaterThan(10);
    expect(stored.filter((s) => s.ref && byId.get(s.ref)?.ref).length).toBeGreaterThan(0);
    expect(stored.filter((s) => s.ref && !byId.has(s.ref)).length).toBeGreaterThan(0);
    expect(stored.filter((s) => s.voids).length).toBeGreaterThan(0);
  });
});
