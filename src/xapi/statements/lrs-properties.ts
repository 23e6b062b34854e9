// Properties the LRS sets on every statement it accepts (1.0.3 Data 2.4.1, 2.4.8-2.4.10; 9274.1.1 4.2.4.2),
// and the normal forms it stores. `stored` is not written into the JSON: the statements.stored_ms column is
// the truth and is merged back on read (stored-statement.ts), as is `timestamp` when the client sent none.
import type { XapiVersion } from "../../env";
import type { Json } from "../../json";
import type { Actor, RecordedStatement, Statement } from "./statement";

/** The version recorded when a client sends none: 1.0.3 Data 2.4.10 says "1.0.0", 9274.1.1 4.2.4.3 "2.0.0". */
export function defaultStatementVersion(version: XapiVersion): string {
  return version === "1.0.3" ? "1.0.0" : "2.0.0";
}

export type LrsPropertyOptions = {
  /** The id from PUT's `statementId`, used when the body carries none. */
  statementId?: string;
  /** The credential's authority; it always replaces a submitted one (1.0.3 Data 2.4.9 "SHOULD overwrite"). */
  authority: Json;
  version: XapiVersion;
};

/** A copy of a valid statement with id, authority and version set and `stored` removed. */
export function assignLrsProperties(statement: Statement, options: LrsPropertyOptions): RecordedStatement {
  const out = normalizedBody(statement, true);
  const id = (out.id as string | undefined) ?? options.statementId ?? crypto.randomUUID();
  // Assigned in place, so a property the client sent keeps its position and a new one follows the others.
  // UUIDs compare case-insensitively; one spelling keeps the unique index and lookups exact.
  out.id = id.toLowerCase();
  // The credential's authority was checked when it was set (admin/agent-input.ts, by the same IFI rule).
  out.authority = options.authority as Actor;
  out.version = (out.version as string | undefined) ?? defaultStatementVersion(options.version);
  return out as RecordedStatement;
}

/**
 * The stored form of a Statement (`topLevel`, without `stored`) or SubStatement body, copied in one pass (this
 * runs for every statement ingested): properties in the order sent, `timestamp` moved last.
 */
function normalizedBody(statement: Json, topLevel: boolean): Json {
  const out: Json = {};
  for (const key in statement) {
    if (key === "timestamp" || (topLevel && key === "stored")) continue;
    out[key] = statement[key];
  }
  // `"timestamp": null` reads as absent: the 2.0 suite sends it and expects `stored` to be filled in.
  const timestamp = statement.timestamp;
  if (typeof timestamp === "string") out.timestamp = inUtc(timestamp);
  // 1.0.3 Data 2.4.6.2: a single Activity is accepted as a contextActivities value, but the LRS returns
  // every value as an array, so it is stored as one.
  const context = out.context as Json | undefined;
  const activities = context?.contextActivities;
  if (activities && typeof activities === "object" && !Array.isArray(activities)) {
    const arrays: Json = {};
    for (const [name, value] of Object.entries(activities)) arrays[name] = Array.isArray(value) ? value : [value];
    out.context = { ...context, contextActivities: arrays };
  }
  const object = out.object as Json | undefined;
  if (object?.objectType === "SubStatement") out.object = normalizedBody(object, false);
  return out;
}

/**
 * 9274.1.1 4.2.7: the LRS converts timestamps to UTC (1.0.3 Data 4.5: SHOULD* return UTC, MAY change the zone).
 * A timestamp already in `Z` form is kept as sent, digits beyond milliseconds included.
 */
function inUtc(timestamp: string): string {
  if (/z$/i.test(timestamp)) return timestamp;
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : new Date(ms).toISOString();
}
