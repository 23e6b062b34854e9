// Names for the identifiers the rollups count (verb IRIs, activity IRIs, agent keys), for the few rows a page
// shows: one D1 batch, each query a primary-key or index seek per identifier (json_each of at most ~50 ids).
import { ACTIVITY_NAMES_SQL } from "../statement-store/activity-definitions";
import { LEARNER_NAMES_SQL } from "../statement-store/agent-names";
import { displaysFromSegments, VERB_DISPLAY_SQL } from "../statement-store/verb-display";
import type { ViewerLocale } from "./viewer-locale";

type Db = D1Database;

export const NAMES_SQL = {
  verbs: VERB_DISPLAY_SQL,
  activities: ACTIVITY_NAMES_SQL,
  learners: LEARNER_NAMES_SQL,
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
