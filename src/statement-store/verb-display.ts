// A verb's display as the newest statement with that verb sent it, for the console's names
// (src/console/display-names.ts): a seek on the query index's dictionary, then the newest of its rows.
import { VALUE_KIND } from "./statement-index";
import { loadBodies } from "./tiering/load-bodies";
import { isTiered, untieredSql } from "./tiering/tiered-row";

/**
 * ?1 store, ?2 JSON array of verb IRIs: `{ id, name }` per IRI, `name` the display as JSON; a tiered row answers
 * with its pointer instead (displaysFromSegments replaces it).
 */
export const VERB_DISPLAY_SQL = `SELECT j.value AS id, (SELECT CASE WHEN ${untieredSql("s")} THEN s.statement -> '$.verb.display'
      ELSE s.statement END FROM index_values v
      CROSS JOIN index_entries e ON e.value_id = v.id
      CROSS JOIN statements s ON s.seq = e.seq
      WHERE v.store_id = ?1 AND v.kind = ${VALUE_KIND.verb} AND v.value = j.value
      ORDER BY e.seq DESC LIMIT 1) AS name
    FROM json_each(?2) j`;

type Row = { id: string; name: string | null };

/** Replaces each tiered row's pointer by its body's `verb.display` (as JSON, like the SQL's `->`): one ranged GET each. */
export async function displaysFromSegments(blobs: R2Bucket, storeId: string, rows: Row[]): Promise<void> {
  const tiered = rows.filter((row): row is Row & { name: string } => row.name !== null && isTiered(row.name));
  if (tiered.length === 0) return;
  const bodies = await loadBodies(blobs, storeId, tiered.map((row) => ({ statement: row.name })), tiered.length);
  bodies.rows.forEach((body, index) => {
    const display = (parsed(body.statement) as { verb?: { display?: unknown } } | undefined)?.verb?.display;
    (tiered[index] as Row).name = display === undefined ? null : JSON.stringify(display);
  });
}

function parsed(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
