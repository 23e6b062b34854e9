// `format=canonical` (1.0.3 Communication 2.1.3 row 12 and 2.1.3.s4; 9274.1.1 4.1.6.1): every Activity
// carries the store's canonical definition (the activities table, merged from accepted statements), and each
// language map in Activities and Verb displays keeps one language, chosen per map by Accept-Language.
// Agents and Groups stay exactly as received.
import { filterLanguageMap, type LanguageRange } from "./accept-language";
import { type Json, isObject } from "../../../json";
import { findDefinitions } from "../../../statement-store/activity-definitions";


const INTERACTION_COMPONENTS = ["choices", "scale", "source", "target", "steps"] as const;

export async function renderCanonical(
  db: D1Database,
  storeId: string,
  statements: Json[],
  ranges: readonly LanguageRange[],
): Promise<Json[]> {
  const activities: Json[] = [];
  const verbs: Json[] = [];
  for (const statement of statements) collectFromStatement(statement, activities, verbs);
  const definitions = await loadDefinitions(db, storeId, [...new Set(activities.map((a) => String(a.id)))]);
  for (const activity of activities) {
    const canonical = definitions.get(String(activity.id));
    if (canonical && Object.keys(canonical).length > 0) activity.definition = canonical;
    if (isObject(activity.definition)) activity.definition = filterDefinition(activity.definition, ranges);
  }
  for (const verb of verbs) {
    if (isObject(verb.display)) verb.display = filterLanguageMap(verb.display, ranges);
  }
  return statements;
}

/** Gathers, in place, the Activity and Verb objects of a Statement or SubStatement (they are mutated later). */
function collectFromStatement(statement: Json, activities: Json[], verbs: Json[]): void {
  if (isObject(statement.verb)) verbs.push(statement.verb);
  const object = statement.object;
  if (isObject(object)) {
    if (object.objectType === "SubStatement") collectFromStatement(object, activities, verbs);
    else if (object.objectType === undefined || object.objectType === "Activity") activities.push(object);
  }
  const context = statement.context;
  if (isObject(context) && isObject(context.contextActivities)) {
    for (const value of Object.values(context.contextActivities)) {
      for (const activity of Array.isArray(value) ? value : [value]) {
        if (isObject(activity)) activities.push(activity);
      }
    }
  }
}

// One D1 batch for every chunk: a page of statements may name thousands of activities, and a query per
// chunk would pass Free's 50 D1 queries per request (a batch counts as one).
async function loadDefinitions(db: D1Database, storeId: string, ids: string[]): Promise<Map<string, Json>> {
  const found = new Map<string, Json>();
  for (const [id, text] of await findDefinitions(db, storeId, ids)) {
    try {
      const definition = JSON.parse(text) as unknown;
      if (isObject(definition)) found.set(id, definition);
    } catch {
      // A definition that cannot be read is skipped: the statement's own definition is still served.
    }
  }
  return found;
}

function filterDefinition(definition: Json, ranges: readonly LanguageRange[]): Json {
  const out: Json = { ...definition };
  if ("name" in out) out.name = filterLanguageMap(out.name, ranges);
  if ("description" in out) out.description = filterLanguageMap(out.description, ranges);
  for (const component of INTERACTION_COMPONENTS) {
    const list = out[component];
    if (!Array.isArray(list)) continue;
    out[component] = list.map((item) =>
      isObject(item) && "description" in item ? { ...item, description: filterLanguageMap(item.description, ranges) } : item,
    );
  }
  return out;
}
