// A strict JSON reader for request bodies. JSON.parse silently keeps the last of two equal keys, but xAPI
// requires rejecting a statement that repeats a property (1.0.3 Data 2.2.s2.b2; 9274.1.1 4.2.1), and
// unpaired surrogates would not survive storage as UTF-8 unchanged. Syntax is checked by the native
// JSON.parse (fast, and iterative in V8, so deep input cannot overflow the stack); then one linear scan of
// the already-valid text finds repeated keys and excessive nesting. Strings are skipped with indexOf, so
// the scan costs a fraction of the parse.
import { badRequest, XapiError } from "../errors";

export const DEFAULT_MAX_DEPTH = 128;

// A JSON number whose value is beyond an IEEE 754 double (1e400 reads as Infinity and is written back as null;
// 1e-400 reads as 0) cannot be kept as sent, so it is refused rather than stored changed. Only a literal with
// an exponent of three or more digits, or a run of 200+ digits, can be out of range: other texts skip the check.
const MAYBE_OUT_OF_RANGE = /[eE][+-]?\d{3}|\d{200}/;
const NUMBER_TOKEN = /-?(\d+)(?:\.(\d+))?(?:[eE][+-]?\d+)?/y;
export const OUT_OF_RANGE_MESSAGE =
  "is a number outside the range of an IEEE 754 double, so it could not be stored as sent; send it as a string";

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

// Keys seen in an object: an array while small (most xAPI objects have a handful of keys), a Set past that.
type Frame = { object: boolean; keys: string[] | Set<string>; key: string; index: number };
const SMALL_OBJECT = 16;

/**
 * Parses `text`, rejecting (400) malformed JSON, a key repeated in any object, nesting deeper than
 * `maxDepth`, and unpaired UTF-16 surrogates. `path` prefixes the reported path, e.g. `statement`
 * gives `statement[3].actor.mbox`.
 */
export function parseStrictJson(text: string, path = "", maxDepth = DEFAULT_MAX_DEPTH): unknown {
  if (LONE_SURROGATE.test(text)) throw badRequest("the JSON text contains an unpaired surrogate", path || undefined);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw badRequest(`malformed JSON: ${String((error as Error).message).slice(0, 160)}`, path || undefined);
  }
  scanStructure(text, path, { maxDepth, uniqueKeys: true, numbers: MAYBE_OUT_OF_RANGE.test(text) });
  if (ESCAPED_SURROGATE.test(text)) rejectLoneSurrogates(value, path);
  return value;
}

/**
 * The path of the first number in well-formed JSON `text` that a double cannot hold, or undefined. For texts
 * read with plain JSON.parse that are about to be re-serialized (document merges).
 */
export function findOutOfRangeNumber(text: string, path = ""): string | undefined {
  if (!MAYBE_OUT_OF_RANGE.test(text)) return undefined;
  try {
    // Only the number check is on, so an XapiError here can only be an out-of-range number.
    scanStructure(text, path, { maxDepth: Infinity, uniqueKeys: false, numbers: true });
  } catch (error) {
    if (error instanceof XapiError) return error.path ?? path;
    throw error;
  }
  return undefined;
}

/** The number literal at `start` (known to be one), and whether a double holds it: finite, and 0 only for 0. */
function readNumber(text: string, start: number): { end: number; inRange: boolean } {
  NUMBER_TOKEN.lastIndex = start;
  const match = NUMBER_TOKEN.exec(text)!;
  const value = Number(match[0]);
  const zeroLiteral = !/[1-9]/.test(match[1]!) && !/[1-9]/.test(match[2] ?? "");
  return { end: start + match[0].length, inRange: Number.isFinite(value) && (value !== 0 || zeroLiteral) };
}

type ScanChecks = { maxDepth: number; uniqueKeys: boolean; numbers: boolean };

/**
 * Walks well-formed JSON text tracking containers; throws on nesting deeper than `maxDepth`, a repeated key
 * (`uniqueKeys`) and a number a double cannot hold (`numbers`).
 */
function scanStructure(text: string, root: string, { maxDepth, uniqueKeys, numbers }: ScanChecks): void {
  const stack: Frame[] = [];
  let top: Frame | undefined;
  let expectKey = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = text.indexOf('"', i + 1);
      while (isEscaped(text, end)) end = text.indexOf('"', end + 1);
      if (expectKey && top) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (uniqueKeys) {
          if (hasKey(top.keys, key)) {
            throw badRequest("repeats a key already present in this object", pathOf(root, stack, key));
          }
          if (Array.isArray(top.keys)) {
            top.keys.push(key);
            if (top.keys.length > SMALL_OBJECT) top.keys = new Set(top.keys);
          } else {
            top.keys.add(key);
          }
        }
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (stack.length >= maxDepth) {
        throw badRequest(`nests deeper than ${maxDepth} levels`, pathOf(root, stack, undefined));
      }
      top = { object: c === 0x7b, keys: [], key: "", index: 0 };
      stack.push(top);
      expectKey = top.object;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
      top = stack[stack.length - 1];
      expectKey = false;
    } else if (c === 0x2c /* , */ && top) {
      if (top.object) expectKey = true;
      else top.index++;
    } else if (numbers && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39))) {
      const { end, inRange } = readNumber(text, i);
      if (!inRange) throw badRequest(OUT_OF_RANGE_MESSAGE, pathOf(root, stack, undefined) || undefined);
      i = end - 1;
    }
  }
}

function hasKey(keys: string[] | Set<string>, key: string): boolean {
  return Array.isArray(keys) ? keys.includes(key) : keys.has(key);
}

/** A quote at `index` is escaped when an odd number of backslashes precede it. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  for (let k = index - 1; text.charCodeAt(k) === 0x5c; k--) backslashes++;
  return backslashes % 2 === 1;
}

function pathOf(root: string, stack: Frame[], lastKey: string | undefined): string {
  let path = root;
  for (let level = 0; level < stack.length; level++) {
    const frame = stack[level]!;
    const isLast = level === stack.length - 1;
    if (frame.object) {
      path = appendKey(path, isLast && lastKey !== undefined ? lastKey : frame.key);
    } else {
      path = `${path}[${frame.index}]`;
    }
  }
  return path;
}

function appendKey(path: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return path ? `${path}.${key}` : key;
  return `${path}[${JSON.stringify(key)}]`;
}

/** Only reached when the text escapes a surrogate: find a decoded key or string left unpaired. */
function rejectLoneSurrogates(value: unknown, path: string): void {
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) throw badRequest("contains an unpaired surrogate escape", path || undefined);
  } else if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) rejectLoneSurrogates(value[i], `${path}[${i}]`);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const itemPath = appendKey(path, key);
      if (LONE_SURROGATE.test(key)) throw badRequest("has a key with an unpaired surrogate escape", itemPath);
      rejectLoneSurrogates(item, itemPath);
    }
  }
}
