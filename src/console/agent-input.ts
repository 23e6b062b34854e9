// Agents as people type them into the console: the JSON of an Agent, an e-mail address, a mailto: IRI, or an
// agent key as the rollups and links carry it (agents/identifier.ts agentKey).
type Agent = Record<string, unknown>;

/** The Agent an agent key names (the inverse of agentKey); undefined for anything else. */
export function agentFromKey(key: string): Agent | undefined {
  const colon = key.indexOf(":");
  if (colon < 0) return undefined;
  const [kind, value] = [key.slice(0, colon), key.slice(colon + 1)];
  if (!value) return undefined;
  if (kind === "mbox") return { objectType: "Agent", mbox: value };
  if (kind === "mbox_sha1sum") return { objectType: "Agent", mbox_sha1sum: value };
  if (kind === "openid") return { objectType: "Agent", openid: value };
  if (kind === "account") {
    // IRIs hold no spaces, so the first space ends the home page.
    const space = value.indexOf(" ");
    if (space <= 0) return undefined;
    return { objectType: "Agent", account: { homePage: value.slice(0, space), name: value.slice(space + 1) } };
  }
  return undefined;
}

/** The xAPI `agent` parameter (JSON) for what was typed; the text unchanged when it is none of the known forms. */
export function agentParameter(typed: string): string {
  const text = typed.trim();
  if (text.startsWith("{")) return text;
  if (/^mailto:/i.test(text)) return JSON.stringify({ mbox: text });
  if (/^[^\s:@]+@[^\s@]+$/.test(text)) return JSON.stringify({ mbox: `mailto:${text}` });
  const fromKey = agentFromKey(text);
  return fromKey ? JSON.stringify(fromKey) : text;
}
