// JSON as the LRS reads it: an object is a string-keyed record, never null or an array. One definition for
// the statement code, the rollups and the console.

export type Json = Record<string, unknown>;

export function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
