// An Agent's or identified Group's inverse functional identifier (1.0.3 Data 2.4.2.3; 9274.1.1 "Inverse
// Functional Identifier") as one string key, so every place that matches agents (query filters, documents,
// the Agents resource, erasure) compares the same thing. Exactly one IFI is present on a valid agent.
export type AgentLike = {
  mbox?: unknown;
  mbox_sha1sum?: unknown;
  openid?: unknown;
  account?: { homePage?: unknown; name?: unknown } | unknown;
};

/** `mbox:mailto:a@b`, `mbox_sha1sum:<hex>`, `openid:<iri>`, `account:<homePage> <name>`; undefined without an IFI. */
export function agentKey(agent: AgentLike): string | undefined {
  if (typeof agent.mbox === "string") return `mbox:${agent.mbox}`;
  if (typeof agent.mbox_sha1sum === "string") return `mbox_sha1sum:${agent.mbox_sha1sum.toLowerCase()}`;
  if (typeof agent.openid === "string") return `openid:${agent.openid}`;
  const account = agent.account as { homePage?: unknown; name?: unknown } | undefined;
  if (account && typeof account.homePage === "string" && typeof account.name === "string") {
    return `account:${account.homePage} ${account.name}`;
  }
  return undefined;
}

/** The IFI part of an agent only (for Person objects and `format=ids`). */
export function agentIdentifier(agent: AgentLike): Record<string, unknown> {
  if (agent.mbox !== undefined) return { mbox: agent.mbox };
  if (agent.mbox_sha1sum !== undefined) return { mbox_sha1sum: agent.mbox_sha1sum };
  if (agent.openid !== undefined) return { openid: agent.openid };
  if (agent.account !== undefined) return { account: agent.account };
  return {};
}
