// Names for the identifiers the rollups count (verb IRIs, activity IRIs, agent keys), for the few rows a page
// shows: one D1 batch, each query a primary-key or index seek per identifier (json_each of at most ~50 ids).
import { VALUE_KIND } from "../statement-store/statement-index";
import { loadBodies } from "../statement-store/tiering/load-bodies";
import { isTiered, untieredSql } from "../statement-store/tiering/tiered-row";
import type { ViewerLocale } from "./viewer-locale";

type Db = D1Database;

export const NAMES_SQL = {
  // The verb's display as the newest statement with that verb sent it (a seek on the query index's dictionary, then
  // the newest of its rows); a tiered row answers with its pointer, and the display comes from its segment.
  verbs: `SELECT j.value AS id, (SELECT CASE WHEN ${untieredSql("s")} THEN s.statement -> '$.verb.display'
      ELSE s.statement END FROM index_values v
      CROSS JOIN index_entries e ON e.value_id = v.id
      CROSS JOIN statements s ON s.seq = e.seq
      WHERE v.store_id = ?1 AND v.kind = ${VALUE_KIND.verb} AND v.value = j.value
      ORDER BY e.seq DESC LIMIT 1) AS name
    FROM json_each(?2) j`,
  activities: `SELECT activity_id AS id, definition -> '$.name' AS name FROM activities
    WHERE store_id = ?1 AND activity_id IN (SELECT value FROM json_each(?2))`,
  learners: `SELECT agent_key AS id, names AS name FROM agents
    WHERE store_id = ?1 AND agent_key IN (SELECT value FROM json_each(?2))`,
};

export type NameRequest = { verbs?: readonly string[]; activities?: readonly string[]; learners?: readonly string[] };
export type Names = { verb(id: string): string; activity(id: string): string; learner(key: string): string };

type Row = { id: string; name: string | null };

/**
 * Looks the names up in one batch; identifiers without one read as a short form of themselves. `blobs` serves the
 * verbs whose newest statement is tiered (one ranged GET each: a page asks for at most ten verbs).
 */
export async function lookUpNames(
  db: Db,
  storeId: string,
  request: NameRequest,
  locale: ViewerLocale,
  blobs?: R2Bucket,
): Promise<Names> {
  const kinds = (["verbs", "activities", "learners"] as const).filter((k) => (request[k]?.length ?? 0) > 0);
  const results = kinds.length
    ? await db.batch<Row>(kinds.map((k) => db.prepare(NAMES_SQL[k]).bind(storeId, JSON.stringify(request[k]))))
    : [];
  const verbs = results[kinds.indexOf("verbs")];
  if (verbs && blobs) await displaysFromSegments(blobs, storeId, verbs.results);
  const found = Object.fromEntries(
    kinds.map((k, i) => [k, new Map((results[i]?.results ?? []).map((row) => [row.id, parse(row.name)]))]),
  ) as Partial<Record<(typeof kinds)[number], Map<string, unknown>>>;
  return {
    verb: (id) => locale.pick(found.verbs?.get(id)) ?? lastSegment(id),
    activity: (id) => locale.pick(found.activities?.get(id)) ?? id,
    learner: (key) => firstName(found.learners?.get(key)) ?? keyLabel(key),
  };
}

/** Replaces each tiered row's pointer by its body's `verb.display` (as JSON, like the SQL's `->`). */
async function displaysFromSegments(blobs: R2Bucket, storeId: string, rows: Row[]): Promise<void> {
  const tiered = rows.filter((row): row is Row & { name: string } => row.name !== null && isTiered(row.name));
  if (tiered.length === 0) return;
  const bodies = await loadBodies(blobs, storeId, tiered.map((row) => ({ statement: row.name })), tiered.length);
  bodies.rows.forEach((body, index) => {
    const display = (parse(body.statement) as { verb?: { display?: unknown } } | undefined)?.verb?.display;
    (tiered[index] as Row).name = display === undefined ? null : JSON.stringify(display);
  });
}

function parse(json: string | null): unknown {
  if (json === null) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}

const lastSegment = (iri: string) => iri.split(/[/#]/).filter(Boolean).pop() ?? iri;

/** The agents row keeps the names seen, oldest first (at most 20, src/statement-store/statement-rows.ts); the first stands for all. */
function firstName(names: unknown): string | undefined {
  if (!Array.isArray(names)) return undefined;
  const strings = names.filter((n): n is string => typeof n === "string" && n.trim() !== "");
  return strings[0];
}

/** mbox:mailto:ana@example.com → ana@example.com; account:<home> <name> → name; others as they are. */
function keyLabel(key: string): string {
  if (key.startsWith("mbox:")) return key.slice(5).replace(/^mailto:/i, "");
  if (key.startsWith("account:")) return key.slice(key.indexOf(" ") + 1) || key;
  if (key.startsWith("openid:")) return key.slice(7);
  if (key.startsWith("mbox_sha1sum:")) return `${key.slice(13, 21)}…`;
  return key;
}
