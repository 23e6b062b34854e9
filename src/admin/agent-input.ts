// Agents given to the admin API (a credential's authority, the subject of an erasure): a plain JSON object
// with exactly one inverse functional identifier (1.0.3 Data 2.4.2.3; 9274.1.1 "Inverse Functional Identifier").
import { z } from "zod";
import { agentKey } from "../xapi/agents/identifier";

const IFI_PROPERTIES = ["mbox", "mbox_sha1sum", "openid", "account"] as const;

function identifierProblem(agent: Record<string, unknown>): string | undefined {
  const present = IFI_PROPERTIES.filter((name) => agent[name] !== undefined);
  if (present.length !== 1) return "an Agent needs exactly one of mbox, mbox_sha1sum, openid, account";
  if (agentKey(agent) === undefined) return `${present[0]} is malformed`;
  if (typeof agent.mbox === "string" && !/^mailto:[^@\s]+@[^@\s]+$/.test(agent.mbox)) {
    return "mbox must be a mailto: IRI";
  }
  if (typeof agent.mbox_sha1sum === "string" && !/^[0-9a-fA-F]{40}$/.test(agent.mbox_sha1sum)) {
    return "mbox_sha1sum must be 40 hexadecimal digits";
  }
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
      if (problem) context.addIssue({ code: "custom", message: problem });
    });
}
