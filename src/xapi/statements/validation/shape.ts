// JSON shape checks shared by every statement part: JSON types, null, and the allowed keys of an object.
// Each throws Invalid (issues.ts) for the first problem with the path of the offending value (1.0.3 Data 2.2;
// 9274.1.1 4.2.1: wrong types, nulls outside extensions and properties the spec does not define are rejected).
import { invalid } from "./issues";
import { isObject, type Json } from "../../../json";

export type JsonObject = Json;

const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

// Every checked property's path is built whether or not it is reported, so the suffix of a key (`.mbox`,
// `["en-US"]`) is worked out once per key. The keys seen are the spec's and the language tags in use; the
// bound keeps a body of made-up keys from growing the isolate's memory.
const SEGMENTS = new Map<string, { plain: boolean; suffix: string }>();
const MAX_SEGMENTS = 1_000;

function segmentOf(key: string): { plain: boolean; suffix: string } {
  let segment = SEGMENTS.get(key);
  if (segment === undefined) {
    const plain = PLAIN_KEY.test(key);
    segment = { plain, suffix: plain ? `.${key}` : `[${JSON.stringify(key)}]` };
    if (SEGMENTS.size < MAX_SEGMENTS) SEGMENTS.set(key, segment);
  }
  return segment;
}

/** `statement.actor` + `mbox` -> `statement.actor.mbox`; odd keys are quoted: `extensions["not an iri"]`. */
export function at(path: string, key: string | number): string {
  if (typeof key === "number") return `${path}[${key}]`;
  const segment = segmentOf(key);
  if (path) return path + segment.suffix;
  return segment.plain ? key : segment.suffix;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function wrongType(value: unknown, expected: string, path: string): never {
  if (value === null) throw invalid("must not be null", path);
  throw invalid(`must be ${expected}, not ${describe(value)}`, path);
}

export function requireObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) wrongType(value, "an object", path);
  return value;
}

export function requireArray(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) wrongType(value, "an array", path);
  return value;
}

export function requireString(value: unknown, path: string): string {
  if (typeof value !== "string") wrongType(value, "a string", path);
  return value;
}

export function requireBoolean(value: unknown, path: string): boolean {
  if (typeof value !== "boolean") wrongType(value, "a boolean", path);
  return value;
}

export function requireNumber(value: unknown, path: string): number {
  if (typeof value !== "number") wrongType(value, "a number", path);
  // 1e400 parses to Infinity, which no store or serializer keeps.
  if (!Number.isFinite(value)) throw invalid("must be a finite number", path);
  return value;
}

/**
 * Rejects keys the spec does not define in this position, including a defined key in the wrong case
 * (`Actor`, `mBox`: keys are case-sensitive, 1.0.3 Data 2.2.s4.b1.b5).
 */
export function allowOnlyKeys(object: JsonObject, allowed: ReadonlySet<string>, path: string, what: string): void {
  for (const key in object) {
    if (allowed.has(key)) continue;
    const lower = key.toLowerCase();
    const meant = [...allowed].find((candidate) => candidate.toLowerCase() === lower);
    throw invalid(
      meant ? `is not a property of ${what} (keys are case-sensitive: "${meant}")` : `is not a property of ${what}`,
      at(path, key),
    );
  }
}

/** Calls `check` for each present (not undefined) property; null is caught by the type checks. */
export function optional(
  object: JsonObject,
  key: string,
  path: string,
  check: (value: unknown, path: string) => unknown,
): void {
  const value = object[key];
  if (value !== undefined) check(value, at(path, key));
}
