// The canonical Activity definitions the statement insert merges (activities table; statement-rows.ts
// UPSERT_ACTIVITIES_SQL), as the readers need them: the Activities resource, `format=canonical`, the console's names.

// D1 allows 100 bound parameters per statement: the store id plus at most 99 activity ids.
const IDS_PER_LOOKUP = 90;

/** The stored definition of one activity, as JSON text; undefined when the store has none. */
export async function findDefinition(db: D1Database, storeId: string, activityId: string): Promise<string | undefined> {
  const row = await db
    .prepare("SELECT definition FROM activities WHERE store_id = ? AND activity_id = ? LIMIT 1")
    .bind(storeId, activityId)
    .first<{ definition: string }>();
  return row?.definition;
}

/** The stored definitions (JSON text) of the activities among `ids` the store knows: one D1 batch. */
export async function findDefinitions(db: D1Database, storeId: string, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (ids.length === 0) return found;
  const lookups: D1PreparedStatement[] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_LOOKUP) {
    const chunk = ids.slice(start, start + IDS_PER_LOOKUP);
    lookups.push(
      db
        .prepare(`SELECT activity_id, definition FROM activities WHERE store_id = ? AND activity_id IN (${chunk.map(() => "?").join(",")})`)
        .bind(storeId, ...chunk),
    );
  }
  const answers = await db.batch<{ activity_id: string; definition: string }>(lookups);
  for (const row of answers.flatMap((answer) => answer.results)) found.set(row.activity_id, row.definition);
  return found;
}

/** ?1 store, ?2 JSON array of activity IRIs: `{ id, name }`, `name` the definition's name map as JSON. */
export const ACTIVITY_NAMES_SQL = `SELECT activity_id AS id, definition -> '$.name' AS name FROM activities
    WHERE store_id = ?1 AND activity_id IN (SELECT value FROM json_each(?2))`;

/** How many activities the store knows, as a statement for the caller's batch: `{ n }`. */
export function activityCountQuery(db: D1Database, storeId: string): D1PreparedStatement {
  return db.prepare("SELECT COUNT(*) AS n FROM activities WHERE store_id = ?").bind(storeId);
}
