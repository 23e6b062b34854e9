// The `agent` query parameter: a JSON Agent or identified Group (1.0.3 Communication 2.1.3 row 3,
// Data 2.4.2; 9274.1.1 4.1.6.1). It is validated like an Agent inside a statement, but only as far as
// matching needs: exactly one well-formed inverse functional identifier; an anonymous Group matches nothing.
import { badRequest } from "../../../errors";
import type { AgentLike } from "../../agents/identifier";

const IFI_PROPERTIES = ["mbox", "mbox_sha1sum", "openid", "account"] as const;
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/;
const KNOWN_PROPERTIES = new Set(["objectType", "name", "member", ...IFI_PROPERTIES]);

export function parseAgentParameter(text: string): AgentLike {
  let agent: unknown;
  try {
    agent = JSON.parse(text);
  } catch {
    throw badRequest("must be a JSON Agent or identified Group", "agent");
  }
  if (!agent || typeof agent !== "object" || Array.isArray(agent)) {
    throw badRequest("must be a JSON object (an Agent or identified Group)", "agent");
  }
  const record = agent as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!KNOWN_PROPERTIES.has(key)) throw badRequest(`unknown property "${key}"`, "agent");
  }
  if (record.objectType !== undefined && record.objectType !== "Agent" && record.objectType !== "Group") {
    throw badRequest('objectType must be "Agent" or "Group"', "agent.objectType");
  }
  if (record.name !== undefined && typeof record.name !== "string") {
    throw badRequest("must be a string", "agent.name");
  }
  const present = IFI_PROPERTIES.filter((property) => record[property] !== undefined);
  if (present.length !== 1) {
    throw badRequest(
      present.length === 0
        ? "needs an inverse functional identifier (an anonymous Group cannot be matched)"
        : "must have exactly one inverse functional identifier",
      "agent",
    );
  }
  checkIdentifier(record, present[0]!);
  return record as AgentLike;
}

function checkIdentifier(agent: Record<string, unknown>, property: (typeof IFI_PROPERTIES)[number]): void {
  const value = agent[property];
  const path = `agent.${property}`;
  switch (property) {
    case "mbox":
      if (typeof value !== "string" || !/^mailto:[^\s@]+@[^\s@]+$/i.test(value)) {
        throw badRequest('must be a "mailto:" IRI of an email address', path);
      }
      return;
    case "mbox_sha1sum":
      if (typeof value !== "string" || !/^[0-9a-f]{40}$/i.test(value)) throw badRequest("must be a hex SHA-1", path);
      return;
    case "openid":
      if (typeof value !== "string" || !IRI.test(value)) throw badRequest("must be an absolute IRI", path);
      return;
    case "account": {
      const account = value as Record<string, unknown> | null;
      if (!account || typeof account !== "object" || Array.isArray(account)) {
        throw badRequest("must be an object with homePage and name", path);
      }
      for (const key of Object.keys(account)) {
        if (key !== "homePage" && key !== "name") throw badRequest(`unknown property "${key}"`, path);
      }
      if (typeof account.homePage !== "string" || !IRI.test(account.homePage)) {
        throw badRequest("must be an absolute IRI", `${path}.homePage`);
      }
      if (typeof account.name !== "string") throw badRequest("must be a string", `${path}.name`);
    }
  }
}
