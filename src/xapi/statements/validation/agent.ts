// Agents and Groups: as actor, as object, instructor, team, authority, context agents/groups, and as the
// `agent` parameter of queries and documents (1.0.3 Data 2.4.2; 9274.1.1 4.2.2.1).
import type { XapiVersion } from "../../../env";
import { invalid } from "./issues";
import type { Actor, Agent, Group } from "../statement";
import { validateIri, validateMailto, validateSha1Hex } from "./primitives";
import { allowOnlyKeys, at, type JsonObject, optional, requireArray, requireObject, requireString } from "./shape";

const IFIS = ["mbox", "mbox_sha1sum", "openid", "account"] as const;
const AGENT_KEYS = new Set(["objectType", "name", ...IFIS]);
const GROUP_KEYS = new Set(["objectType", "name", "member", ...IFIS]);
const ACCOUNT_KEYS = new Set(["homePage", "name"]);

/** How many inverse functional identifiers are present (1.0.3 Data 2.4.2.3). */
function countIfis(agent: JsonObject): number {
  let count = 0;
  for (const ifi of IFIS) if (agent[ifi] !== undefined) count++;
  return count;
}

/** The format of each inverse functional identifier present (1.0.3 Data 2.4.2.3); shared with the admin API. */
export function validateIfis(agent: JsonObject, path: string): void {
  optional(agent, "mbox", path, validateMailto);
  optional(agent, "mbox_sha1sum", path, validateSha1Hex);
  optional(agent, "openid", path, validateIri);
  optional(agent, "account", path, validateAccount);
}

function validateAccount(value: unknown, path: string): void {
  const account = requireObject(value, path);
  allowOnlyKeys(account, ACCOUNT_KEYS, path, "an account");
  if (account.homePage === undefined) throw invalid("is required", at(path, "homePage"));
  validateIri(account.homePage, at(path, "homePage"));
  if (account.name === undefined) throw invalid("is required", at(path, "name"));
  requireString(account.name, at(path, "name"));
}

/** An Agent: `objectType` absent or "Agent", exactly one IFI (1.0.3 Data 2.4.2.1; 9274.1.1 4.2.2.1). */
export function validateAgentOnly(value: unknown, path: string): Agent {
  const agent = requireObject(value, path);
  if (agent.objectType !== undefined && agent.objectType !== "Agent") {
    throw invalid('must be "Agent"', at(path, "objectType"));
  }
  allowOnlyKeys(agent, AGENT_KEYS, path, "an Agent");
  optional(agent, "name", path, requireString);
  if (countIfis(agent) !== 1) {
    throw invalid("an Agent must have exactly one of mbox, mbox_sha1sum, openid, account", path);
  }
  validateIfis(agent, path);
  return agent as Agent;
}

/**
 * A Group: `objectType` "Group"; identified (exactly one IFI, `member` optional) or anonymous (no IFI,
 * `member` required). Members are Agents, never Groups (1.0.3 Data 2.4.2.2; 9274.1.1 4.2.2.1, 4.2.4.2).
 */
export function validateGroup(value: unknown, path: string): Group {
  const group = requireObject(value, path);
  if (group.objectType !== "Group") {
    throw invalid(group.objectType === undefined ? "is required" : 'must be "Group"', at(path, "objectType"));
  }
  allowOnlyKeys(group, GROUP_KEYS, path, "a Group");
  optional(group, "name", path, requireString);
  const ifis = countIfis(group);
  if (ifis > 1) throw invalid("a Group must have at most one of mbox, mbox_sha1sum, openid, account", path);
  validateIfis(group, path);
  if (group.member === undefined) {
    if (ifis === 0) {
      throw invalid("an anonymous Group (one without an identifier) requires member", at(path, "member"));
    }
    return group as Group;
  }
  const members = requireArray(group.member, at(path, "member"));
  if (ifis === 0 && members.length === 0) {
    throw invalid("an anonymous Group must have at least one member", at(path, "member"));
  }
  for (let i = 0; i < members.length; i++) {
    const memberPath = at(at(path, "member"), i);
    const member = requireObject(members[i], memberPath);
    if (member.objectType === "Group") {
      throw invalid("a Group's members must be Agents, not Groups", at(memberPath, "objectType"));
    }
    validateAgentOnly(member, memberPath);
  }
  return group as Group;
}

/** An actor: an Agent, or a Group when `objectType` says so. */
export function validateActor(value: unknown, path: string): Actor {
  const actor = requireObject(value, path);
  if (actor.objectType === "Group") return validateGroup(actor, path);
  if (actor.objectType !== undefined && actor.objectType !== "Agent") {
    throw invalid('must be "Agent" or "Group"', at(path, "objectType"));
  }
  return validateAgentOnly(actor, path);
}

/**
 * The `agent` parameter of queries and document resources: an Agent, or an identified Group — something
 * one IFI names (1.0.3 Communication 2.1.3, 2.3, 2.6; 9274.1.1 4.1.6). The version is for future rules.
 */
export function validateAgent(value: unknown, version: XapiVersion, path: string): Actor {
  void version;
  const agent = requireObject(value, path);
  if (agent.objectType !== "Group") return validateAgentOnly(agent, path);
  const group = validateGroup(agent, path);
  if (countIfis(agent) !== 1) throw invalid("must be an Agent or an identified Group", path);
  return group;
}

/**
 * `authority`: an Agent, or a Group of exactly two Agents (an OAuth application and its user;
 * 1.0.3 Data 2.4.9.s3.b1; the 2.0 suite keeps the rule).
 */
export function validateAuthority(value: unknown, path: string): Actor {
  const authority = requireObject(value, path);
  if (authority.objectType !== "Group") return validateAgentOnly(authority, path);
  const group = validateGroup(authority, path);
  if (countIfis(authority) !== 0 || group.member?.length !== 2) {
    throw invalid("an authority Group must be an anonymous Group of exactly two Agents", path);
  }
  return group;
}
