// A strict JSON reader for request bodies. JSON.parse silently keeps the last of two equal keys, but xAPI
// requires rejecting a statement that repeats a property (1.0.3 Data 2.2.s2.b2; 9274.1.1 4.2.1), and
// unpaired surrogates would not survive storage as UTF-8 unchanged. Syntax is checked by the native
// JSON.parse (fast, and iterative in V8, so deep input cannot overflow the stack); then one linear scan of
// the already-valid text finds repeated keys and excessive nesting. Strings are skipped with indexOf, so
// the scan costs a fraction of the parse; a body that passes (nearly all) is cleared by counting colons, and
// only one that does not is scanned again with key tracking, for the first problem's path.
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
  const numbers = MAYBE_OUT_OF_RANGE.test(text);
  // The common case, a body with nothing to report, is proved by the cheap count below; only a body it cannot
  // clear takes the full scan, which finds the first problem and its path.
  if (!passesQuickChecks(text, value, maxDepth, numbers)) {
    scanStructure(text, path, { maxDepth, uniqueKeys: true, numbers });
  }
  if (ESCAPED_SURROGATE.test(text)) rejectLoneSurrogates(value, path);
  return value;
}

/**
 * True when the well-formed `text` (parsed as `value`) nests at most `maxDepth` deep and repeats no key in any
 * object, without tracking keys: every key in the text is followed by the only `:` outside strings, and
 * JSON.parse keeps one property per distinct key, so the text repeats a key exactly when it has more colons than
 * the parsed value has properties. False also for a number literal that may be out of range: the full scan decides.
 */
function passesQuickChecks(text: string, value: unknown, maxDepth: number, numbers: boolean): boolean {
  let colons = 0;
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = closingQuote(text, i);
    } else if (c === 0x3a /* : */) {
      colons++;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) return false;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (numbers && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39))) {
      // MAYBE_OUT_OF_RANGE also matches inside strings (a UUID's "e123"), so most batches get here: only a
      // literal with an exponent or of 200+ characters can be out of range, and those go to the full scan.
      let end = i + 1;
      for (; end < length; end++) {
        const d = text.charCodeAt(end);
        if (d === 0x65 /* e */ || d === 0x45 /* E */) return false;
        if (!((d >= 0x30 && d <= 0x39) || d === 0x2e /* . */)) break;
      }
      if (end - i >= 200) return false;
      i = end - 1;
    }
  }
  return colons === countProperties(value);
}

/** Own properties of every object in a JSON.parse result (depth already bounded by the caller's scan). */
function countProperties(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let count = 0;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) count += countProperties(value[i]);
    return count;
  }
  const record = value as Record<string, unknown>;
  // JSON.parse makes plain objects: for-in sees exactly their own keys (none inherited are enumerable).
  for (const key in record) count += 1 + countProperties(record[key]);
  return count;
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
      const end = closingQuote(text, i);
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
/** The index of the quote closing the string that opens at `open` (the text already parsed as JSON, so there is one). */
function closingQuote(text: string, open: number): number {
  let end = text.indexOf('"', open + 1);
  while (isEscaped(text, end)) end = text.indexOf('"', end + 1);
  return end;
}

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
