// Who an erasure is about, as the set of agent keys (agents/identifier.ts) the store may hold for that person.
// An mbox is matched case-insensitively (mailto:Ann@Example.com is the same mailbox as mailto:ann@example.com
// for practically every mail system), and by mbox_sha1sum, the SHA-1 of the mailto IRI (1.0.3 Data 2.4.2.3;
// 9274.1.1 "mbox_sha1sum"), of the address as given, lower-cased, and as each variant found was written.
// Other identifiers (openid, account, an mbox_sha1sum given directly) are matched exactly.
// Variants are found by seeks on the case-insensitive agent_key indexes of agents and documents (schema.ts):
// every statement mention except authority adds an agents row, so the statements' variants are among them.
import { toHex } from "../auth/secrets";
import { agentKey, type AgentLike } from "../xapi/agents/identifier";

/** Case variants looked up per erasure; far above any real address's spellings, and a fixed read bound. */
const MAX_VARIANTS = 64;

// UNION ALL and INDEXED BY: for a UNION or a DISTINCT SQLite prefers an index in binary key order, walking
// every row of the store instead of seeking the case-insensitive index (the erasure tests check the plan).
export const CASE_VARIANTS_SQL = `
SELECT * FROM (SELECT agent_key FROM agents WHERE store_id = ?1 AND agent_key = ?2 COLLATE NOCASE LIMIT ?3)
UNION ALL
SELECT * FROM (SELECT DISTINCT agent_key FROM documents INDEXED BY documents_store_agent_nocase
  WHERE store_id = ?1 AND agent_key = ?2 COLLATE NOCASE LIMIT ?3)`;

/** The agent keys to erase for `agent` (one D1 call for an mbox, none otherwise). */
export async function erasureKeys(db: D1Database, storeId: string, agent: AgentLike): Promise<string[]> {
  const key = agentKey(agent);
  if (key === undefined) return [];
  if (typeof agent.mbox !== "string") return [key];
  const { results } = await db
    .prepare(CASE_VARIANTS_SQL)
    .bind(storeId, key, MAX_VARIANTS)
    .all<{ agent_key: string }>();
  const mboxes = new Set([agent.mbox, agent.mbox.toLowerCase()]);
  for (const row of results) mboxes.add(row.agent_key.slice("mbox:".length));
  const keys = new Set<string>();
  for (const mbox of mboxes) {
    keys.add(`mbox:${mbox}`);
    keys.add(`mbox_sha1sum:${await sha1Hex(mbox)}`);
  }
  return [...keys].sort();
}

async function sha1Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text))));
}
