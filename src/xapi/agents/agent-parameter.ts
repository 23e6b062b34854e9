// The `agent` query parameter of the Statements, State, Agent Profile and Agents resources: the JSON of an
// Agent named by exactly one IFI (an identified Group too, for statement queries only), validated like an agent
// inside a statement (1.0.3 Communication 2.1.3, 2.3, 2.4, 2.6; 9274.1.1 4.1.6). Parsed strictly: a repeated
// key is a 400 like anywhere else.
import type { XapiVersion } from "../../env";
import { badRequest, orBadRequest } from "../../errors";
import { parseStrictJson } from "../../http/strict-json";
import { parseAgent, parseAgentOnly } from "../statements/validation";
import type { Actor } from "../statements/statement";
import { agentKey } from "./identifier";

export type AgentParameter = { agent: Actor; key: string };

/**
 * `allowGroup` false: the Agents, State and Agent Profile resources take an Agent only (1.0.3 Communication
 * 2.4.s2, 2.6 note "The "agent" parameter is an Agent Object and not a Group", 2.3 table).
 */
export function parseAgentParameter(raw: string, version: XapiVersion, allowGroup = true): AgentParameter {
  const name = "agent";
  let agent: unknown;
  try {
    agent = parseStrictJson(raw, name);
  } catch {
    throw badRequest(`must be the JSON of an Agent${allowGroup ? " or identified Group" : ""}`, name);
  }
  const parsed = orBadRequest(allowGroup ? parseAgent(agent, version, name) : parseAgentOnly(agent, name));
  const key = agentKey(parsed);
  if (key === undefined) throw badRequest("must identify an Agent by mbox, mbox_sha1sum, openid or account", name);
  return { agent: parsed, key };
}
