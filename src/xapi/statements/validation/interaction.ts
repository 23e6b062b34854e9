// Interaction activities: interactionType, correctResponsesPattern and the interaction component lists
// (1.0.3 Data 2.4.4.1 "Interaction Activities"; 9274.1.1 4.2.2.3). Characterstring parameters such as
// {case_matters=true} inside patterns are deliberately not validated (9274.1.1 4.2.2.3).
import { invalid } from "./issues";
import { validateLanguageMap } from "./primitives";
import { allowOnlyKeys, at, type JsonObject, optional, requireArray, requireObject, requireString } from "./shape";

const INTERACTION_TYPES = new Set([
  "true-false",
  "choice",
  "fill-in",
  "long-fill-in",
  "matching",
  "performance",
  "sequencing",
  "likert",
  "numeric",
  "other",
]);

/** Which component lists each interactionType supports (the "Interaction Components" table). */
const LISTS_FOR_TYPE: Record<string, readonly string[]> = {
  choice: ["choices"],
  sequencing: ["choices"],
  likert: ["scale"],
  matching: ["source", "target"],
  performance: ["steps"],
};
export const COMPONENT_LISTS = ["choices", "scale", "source", "target", "steps"] as const;
export const INTERACTION_KEYS = ["interactionType", "correctResponsesPattern", ...COMPONENT_LISTS] as const;
const COMPONENT_KEYS = new Set(["id", "description"]);

/** Checks the interaction properties of an Activity definition (`path` is the definition's path). */
export function validateInteraction(definition: JsonObject, path: string): void {
  const type = definition.interactionType;
  if (type === undefined) {
    // An interaction activity needs a valid interactionType (1.0.3 Data 2.4.4.1.s13.b1; 9274.1.1 4.2.4.2).
    const used = INTERACTION_KEYS.find((key) => definition[key] !== undefined);
    if (used) throw invalid(`is required when ${used} is present`, at(path, "interactionType"));
    return;
  }
  const typePath = at(path, "interactionType");
  requireString(type, typePath);
  if (!INTERACTION_TYPES.has(type as string)) {
    throw invalid(`must be one of ${[...INTERACTION_TYPES].join(", ")}`, typePath);
  }
  optional(definition, "correctResponsesPattern", path, validateResponsePatterns);
  const supported = LISTS_FOR_TYPE[type as string] ?? [];
  for (const list of COMPONENT_LISTS) {
    if (definition[list] === undefined) continue;
    // Lists that do not fit the interactionType are refused (allowed by 1.0.3 Data 2.4.4.1.s13.b3).
    if (!supported.includes(list)) throw invalid(`is not used by a ${type} interaction`, at(path, list));
    validateComponents(definition[list], at(path, list));
  }
}

function validateResponsePatterns(value: unknown, path: string): void {
  const patterns = requireArray(value, path);
  for (let i = 0; i < patterns.length; i++) requireString(patterns[i], at(path, i));
}

/** Components `{id, description?}` whose ids are unique within the list (1.0.3 Data 2.4.4.1.s16.b1). */
function validateComponents(value: unknown, path: string): void {
  const components = requireArray(value, path);
  const seen = new Set<string>();
  for (let i = 0; i < components.length; i++) {
    const componentPath = at(path, i);
    const component = requireObject(components[i], componentPath);
    allowOnlyKeys(component, COMPONENT_KEYS, componentPath, "an interaction component");
    if (component.id === undefined) throw invalid("is required", at(componentPath, "id"));
    const id = requireString(component.id, at(componentPath, "id"));
    if (seen.has(id)) throw invalid(`repeats the id "${id}" within this list`, at(componentPath, "id"));
    seen.add(id);
    optional(component, "description", componentPath, validateLanguageMap);
  }
}
