// The context of a statement (1.0.3 Data 2.4.6; 9274.1.1 4.2.2.5, which adds contextAgents and contextGroups).
import type { XapiVersion } from "../../../env";
import { invalid } from "./issues";
import { validateActivity } from "./activity";
import { validateActor, validateAgentOnly, validateGroup } from "./agent";
import { validateExtensions, validateIri, validateLanguageTag, validateStatementRef, validateUuid } from "./primitives";
import { allowOnlyKeys, at, type JsonObject, optional, requireArray, requireObject, requireString } from "./shape";

const KEYS_1_0_3 = [
  "registration",
  "instructor",
  "team",
  "contextActivities",
  "revision",
  "platform",
  "language",
  "statement",
  "extensions",
];
const CONTEXT_KEYS: Record<XapiVersion, ReadonlySet<string>> = {
  "1.0.3": new Set(KEYS_1_0_3),
  "2.0.0": new Set([...KEYS_1_0_3, "contextAgents", "contextGroups"]),
};
const CONTEXT_ACTIVITY_KEYS = new Set(["parent", "grouping", "category", "other"]);
const CONTEXT_AGENT_KEYS = new Set(["objectType", "agent", "relevantTypes"]);
const CONTEXT_GROUP_KEYS = new Set(["objectType", "group", "relevantTypes"]);

/** `objectIsActivity`: revision and platform only make sense about an Activity (1.0.3 Data 2.4.6.s4.b1-b2). */
export function validateContext(value: unknown, version: XapiVersion, path: string, objectIsActivity: boolean): void {
  const context = requireObject(value, path);
  allowOnlyKeys(context, CONTEXT_KEYS[version], path, `a context (xAPI ${version})`);
  optional(context, "registration", path, validateUuid);
  optional(context, "instructor", path, validateActor);
  optional(context, "team", path, validateGroup);
  optional(context, "contextActivities", path, validateContextActivities);
  for (const key of ["revision", "platform"]) {
    if (context[key] === undefined) continue;
    requireString(context[key], at(path, key));
    if (!objectIsActivity) {
      throw invalid("is only allowed when the statement's object is an Activity", at(path, key));
    }
  }
  optional(context, "language", path, validateLanguageTag);
  optional(context, "statement", path, validateStatementRef);
  optional(context, "extensions", path, validateExtensions);
  optional(context, "contextAgents", path, validateContextAgents);
  optional(context, "contextGroups", path, validateContextGroups);
}

/** Keys parent/grouping/category/other; each an Activity or an array of Activities (Data 2.4.6.2). */
function validateContextActivities(value: unknown, path: string): void {
  const contextActivities = requireObject(value, path);
  allowOnlyKeys(contextActivities, CONTEXT_ACTIVITY_KEYS, path, "contextActivities");
  for (const key in contextActivities) {
    const entry = contextActivities[key];
    const entryPath = at(path, key);
    if (!Array.isArray(entry)) {
      validateActivity(entry, entryPath);
      continue;
    }
    for (let i = 0; i < entry.length; i++) validateActivity(entry[i], at(entryPath, i));
  }
}

function validateContextAgents(value: unknown, path: string): void {
  const items = requireArray(value, path);
  for (let i = 0; i < items.length; i++) {
    const item = requireContextEntry(items[i], at(path, i), "contextAgent", CONTEXT_AGENT_KEYS);
    if (item.agent === undefined) throw invalid("is required", at(at(path, i), "agent"));
    validateAgentOnly(item.agent, at(at(path, i), "agent"));
  }
}

function validateContextGroups(value: unknown, path: string): void {
  const items = requireArray(value, path);
  for (let i = 0; i < items.length; i++) {
    const item = requireContextEntry(items[i], at(path, i), "contextGroup", CONTEXT_GROUP_KEYS);
    if (item.group === undefined) throw invalid("is required", at(at(path, i), "group"));
    validateGroup(item.group, at(at(path, i), "group"));
  }
}

/** The shared part of contextAgent and contextGroup objects: objectType and relevantTypes (1 or more IRIs). */
function requireContextEntry(value: unknown, path: string, objectType: string, keys: ReadonlySet<string>): JsonObject {
  const entry = requireObject(value, path);
  allowOnlyKeys(entry, keys, path, `a ${objectType}`);
  if (entry.objectType !== objectType) {
    const problem = entry.objectType === undefined ? "is required" : `must be "${objectType}"`;
    throw invalid(problem, at(path, "objectType"));
  }
  if (entry.relevantTypes !== undefined) {
    const typesPath = at(path, "relevantTypes");
    const types = requireArray(entry.relevantTypes, typesPath);
    if (types.length === 0) throw invalid("must hold at least one IRI when present", typesPath);
    for (let i = 0; i < types.length; i++) validateIri(types[i], at(typesPath, i));
  }
  return entry;
}
