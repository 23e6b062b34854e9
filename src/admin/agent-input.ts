// Agents given to the admin API (a credential's authority, the subject of an erasure): a plain JSON object
// with exactly one inverse functional identifier (1.0.3 Data 2.4.2.3; 9274.1.1 "Inverse Functional Identifier").
// The identifier is checked by the statements' own rule, so an authority the admin API accepts is one a
// statement would accept too.
import { z } from "zod";
import { agentKey } from "../xapi/agents/identifier";
import { parseIfis } from "../xapi/statements/validation";

const IFI_PROPERTIES = ["mbox", "mbox_sha1sum", "openid", "account"] as const;

type Problem = { message: string; path: string[] };

function identifierProblem(agent: Record<string, unknown>): Problem | undefined {
  const present = IFI_PROPERTIES.filter((name) => agent[name] !== undefined);
  if (present.length !== 1) return { message: "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account", path: [] };
  const identifier = parseIfis(agent, "");
  if (!identifier.ok) {
    const [issue] = identifier.issues;
    return { message: issue!.message, path: issue!.path ? [issue!.path] : [] };
  }
  if (agentKey(agent) === undefined) return { message: `${present[0]} is malformed`, path: [present[0]!] };
  return undefined;
}

/** An Agent (or, for erasure, an identified Group) with one IFI; other properties are kept as sent. */
export function agentSchema(allowGroup: boolean) {
  return z
    .record(z.string(), z.unknown())
    .superRefine((agent, context) => {
      const type = agent.objectType;
      if (type !== undefined && type !== "Agent" && !(allowGroup && type === "Group")) {
        context.addIssue({ code: "custom", message: `objectType must be "Agent"${allowGroup ? ' or "Group"' : ""}` });
      }
      const problem = identifierProblem(agent);
      if (problem) context.addIssue({ code: "custom", message: problem.message, path: problem.path });
    });
}
