// The names each agent identifier was seen with (agents table; statement-rows.ts UPSERT_AGENTS_SQL keeps at most
// MAX_AGENT_NAMES, oldest first), as the readers need them: the Agents resource, the console, erasure.

/** The names seen for one agent key (JSON array text); undefined when the store has never seen it. */
export async function findAgentNames(db: D1Database, storeId: string, key: string): Promise<string | undefined> {
  const row = await db
    .prepare("SELECT names FROM agents WHERE store_id = ? AND agent_key = ? LIMIT 1")
    .bind(storeId, key)
    .first<{ names: string }>();
  return row?.names;
}

/** ?1 store, ?2 JSON array of agent keys: `{ id, name }`, `name` the JSON array of names seen. */
export const LEARNER_NAMES_SQL = `SELECT agent_key AS id, names AS name FROM agents
    WHERE store_id = ?1 AND agent_key IN (SELECT value FROM json_each(?2))`;

/** ?1 store, ?2 JSON array of agent keys: how many of them the store has rows for. */
export const AGENTS_KNOWN_SQL = `
SELECT COUNT(*) AS n FROM agents WHERE store_id = ?1 AND agent_key IN (SELECT value FROM json_each(?2))`;

/** Forgets the agent keys (`keys`: a JSON array), as a statement for the caller's batch. */
export function deleteAgentsQuery(db: D1Database, storeId: string, keys: string): D1PreparedStatement {
  return db.prepare("DELETE FROM agents WHERE store_id = ? AND agent_key IN (SELECT value FROM json_each(?))").bind(storeId, keys);
}

/** How many agent identifiers the store knows, as a statement for the caller's batch: `{ n }`. */
export function agentCountQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare("SELECT COUNT(*) AS n FROM agents WHERE store_id = ?").bind(storeId);
}
