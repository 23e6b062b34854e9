// Activities, as statement object and in contextActivities (1.0.3 Data 2.4.4.1; 9274.1.1 4.2.2.3).
import { invalid } from "./issues";
import { INTERACTION_KEYS, validateInteraction } from "./interaction";
import { validateExtensions, validateIri, validateLanguageMap } from "./primitives";
import { allowOnlyKeys, at, optional, requireObject } from "./shape";

const ACTIVITY_KEYS = new Set(["objectType", "id", "definition"]);
const DEFINITION_KEYS = new Set(["name", "description", "type", "moreInfo", "extensions", ...INTERACTION_KEYS]);

/** An Activity: `objectType` absent or "Activity", an IRI `id`, an optional definition. */
export function validateActivity(value: unknown, path: string): void {
  const activity = requireObject(value, path);
  if (activity.objectType !== undefined && activity.objectType !== "Activity") {
    throw invalid('must be "Activity"', at(path, "objectType"));
  }
  allowOnlyKeys(activity, ACTIVITY_KEYS, path, "an Activity");
  if (activity.id === undefined) throw invalid("is required", at(path, "id"));
  validateIri(activity.id, at(path, "id"));
  optional(activity, "definition", path, validateActivityDefinition);
}

export function validateActivityDefinition(value: unknown, path: string): void {
  const definition = requireObject(value, path);
  allowOnlyKeys(definition, DEFINITION_KEYS, path, "an Activity definition");
  optional(definition, "name", path, validateLanguageMap);
  optional(definition, "description", path, validateLanguageMap);
  optional(definition, "type", path, validateIri);
  optional(definition, "moreInfo", path, validateIri);
  optional(definition, "extensions", path, validateExtensions);
  validateInteraction(definition, path);
}
