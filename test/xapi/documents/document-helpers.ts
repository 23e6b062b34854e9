// Fixtures for the document resource tests: resource paths, parameters, and credentials of other stores.
import { env } from "cloudflare:workers";
import { hashSecret } from "../../../src/auth/secrets";
import { basic } from "../../helpers";

export const PATHS = {
  state: "/activities/state",
  activity_profile: "/activities/profile",
  agent_profile: "/agents/profile",
} as const;
export type Kind = keyof typeof PATHS;
export const KINDS = Object.keys(PATHS) as Kind[];

export const ACTIVITY = "http://www.example.com/activities/doc-test";

export function agentFor(name: string): Record<string, unknown> {
  return { objectType: "Agent", account: { homePage: "http://www.example.com/agents", name } };
}

/** The parameters naming one document of a kind, with unique values so tests do not collide. */
export function documentParams(kind: Kind, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const id = crypto.randomUUID();
  const base: Record<string, unknown> =
    kind === "state"
      ? { activityId: `${ACTIVITY}/${id}`, agent: agentFor(`learner-${id}`), stateId: `state-${id}` }
      : kind === "activity_profile"
        ? { activityId: `${ACTIVITY}/${id}`, profileId: `profile-${id}` }
        : { agent: agentFor(`learner-${id}`), profileId: `profile-${id}` };
  return { ...base, ...overrides };
}

/** `path?query` with objects as JSON, like the conformance suite sends them; undefined values are left out. */
export function url(kind: Kind, params: Record<string, unknown>): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined) continue;
    query.set(name, typeof value === "object" ? JSON.stringify(value) : String(value));
  }
  return `${PATHS[kind]}?${query}`;
}

export function without(params: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const copy = { ...params };
  for (const name of names) delete copy[name];
  return copy;
}

export function idName(kind: Kind): "stateId" | "profileId" {
  return kind === "state" ? "stateId" : "profileId";
}

/** Creates a credential (and its store) directly in D1 and returns its Authorization header. */
export async function credentialFor(storeId: string, scopes: string[]): Promise<string> {
  const key = `key-${crypto.randomUUID()}`;
  const secret = `secret-${crypto.randomUUID()}`;
  const now = Date.now();
  await env.DB.prepare("INSERT OR IGNORE INTO stores (id, name, created_at) VALUES (?, ?, ?)").bind(storeId, storeId, now).run();
  await env.DB.prepare(
    "INSERT INTO credentials (id, store_id, name, key, secret_hash, scopes, authority, disabled, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?)",
  )
    .bind(key, storeId, key, key, await hashSecret(secret), JSON.stringify(scopes), JSON.stringify(agentFor(key)), now)
    .run();
  return basic(key, secret);
}
