// Statement comparison for a re-sent id (1.0.3 Data 2.3.1 "Statement Comparison Requirements";
// 9274.1.1 4.2 "Statement Immutability"): differences the LRS could have caused, or that the spec lists as
// not part of the statement, are ignored; every other difference counts, serialization included.
import type { XapiVersion } from "../../env";
import { type Json, isObject } from "../../json";

/** True when `a` and `b` are the same statement by the comparison rules of `version`. */
export function sameStatement(a: Json, b: Json, version: XapiVersion): boolean {
  const left = canonicalJson(comparable(a, version));
  const right = canonicalJson(comparable(b, version));
  // 9274.1.1 4.2 lists "Case (upper vs. lower)" among what equivalence does not consider, without exceptions;
  // 1.0.3 Data 2.3.1.b7 only exempts case-insensitive values (lower-cased one by one below).
  return version === "2.0.0" ? left.toLowerCase() === right.toLowerCase() : left === right;
}

function comparable(statement: Json, version: XapiVersion): Json {
  // LRS-assigned or excepted properties: id, authority, stored, version, attachments (Data 2.3.1.b1, b6).
  const { id: _id, authority: _authority, stored: _stored, version: _version, attachments: _attachments, ...rest } =
    statement;
  const out: Json = { ...comparableBody(rest, version) };
  // A timestamp is compared as an instant (Data 2.3.1.b4); 9274.1.1 4.2 leaves it out of equivalence entirely,
  // and an absent one may have been filled from `stored` by the LRS.
  delete out.timestamp;
  if (version === "1.0.3" && typeof rest.timestamp === "string") out.timestamp = instant(rest.timestamp);
  return out;
}

function comparableBody(statement: Json, version: XapiVersion): Json {
  const out: Json = { ...statement };
  out.actor = comparableActor(statement.actor);
  if (isObject(statement.verb)) {
    const { display: _display, ...verb } = statement.verb; // Data 2.3.1.b3
    out.verb = verb;
  }
  out.object = comparableObject(statement.object, version);
  if (isObject(statement.context)) out.context = comparableContext(statement.context);
  // Both versions: 1.0.3 Data 4.6.s1.b5 (SHOULD* NOT) and 9274.1.1 4.2.7 leave precision beyond 0.01 s out.
  if (isObject(statement.result) && typeof statement.result.duration === "string") {
    out.result = { ...statement.result, duration: coarseDuration(statement.result.duration) };
  }
  return out;
}

function comparableObject(object: unknown, version: XapiVersion): unknown {
  if (!isObject(object)) return object;
  const type = object.objectType ?? "Activity";
  if (type === "Activity") return comparableActivity(object);
  if (type === "Agent" || type === "Group") return comparableActor(object);
  if (type === "StatementRef") return { ...object, id: lower(object.id) };
  if (type === "SubStatement") {
    const { timestamp, ...rest } = object;
    const body = comparableBody(rest, version);
    return typeof timestamp === "string" ? { ...body, timestamp: instant(timestamp) } : body;
  }
  return object;
}

/** Activity definitions are not part of the statement (Data 2.3.1.b2). */
function comparableActivity(activity: unknown): unknown {
  if (!isObject(activity)) return activity;
  return { objectType: "Activity", id: activity.id };
}

function comparableActor(actor: unknown): unknown {
  if (!isObject(actor)) return actor;
  const out: Json = { objectType: "Agent", ...actor };
  // Case-insensitive identifiers (Data 2.3.1.b7): the mailto scheme and domain; sha1 hex.
  if (typeof actor.mbox === "string") out.mbox = actor.mbox.toLowerCase();
  if (typeof actor.mbox_sha1sum === "string") out.mbox_sha1sum = actor.mbox_sha1sum.toLowerCase();
  // Group members are an unordered list (Data 2.3.1.b5).
  if (Array.isArray(actor.member)) {
    out.member = actor.member.map(comparableActor).map(canonicalJson).sort();
  }
  return out;
}

function comparableContext(context: Json): Json {
  const out: Json = { ...context };
  if (typeof context.registration === "string") out.registration = context.registration.toLowerCase();
  if (typeof context.language === "string") out.language = context.language.toLowerCase(); // RFC 5646 tags
  if (isObject(context.statement)) out.statement = { ...context.statement, id: lower(context.statement.id) };
  out.instructor = comparableActor(context.instructor);
  out.team = comparableActor(context.team);
  if (isObject(context.contextActivities)) {
    const activities: Json = {};
    for (const [name, list] of Object.entries(context.contextActivities)) {
      activities[name] = (Array.isArray(list) ? list : [list]).map(comparableActivity);
    }
    out.contextActivities = activities;
  }
  for (const key of ["contextAgents", "contextGroups"] as const) {
    if (Array.isArray(context[key])) {
      out[key] = (context[key] as unknown[]).map((entry) =>
        isObject(entry) ? { ...entry, agent: comparableActor(entry.agent), group: comparableActor(entry.group) } : entry,
      );
    }
  }
  return out;
}

/** Durations compare ignoring precision beyond 0.01 s (1.0.3 Data 4.6.s1.b5; 9274.1.1 4.2.7). */
function coarseDuration(duration: string): string {
  return duration.replace(/(\d+)\.(\d{0,2})\d*S$/, (_m, whole: string, fraction: string) =>
    fraction.replace(/0+$/, "") ? `${whole}.${fraction.replace(/0+$/, "")}S` : `${whole}S`,
  );
}

function instant(timestamp: string): string | number {
  const ms = Date.parse(timestamp);
  return Number.isNaN(ms) ? timestamp : ms;
}

function lower(value: unknown): unknown {
  return typeof value === "string" ? value.toLowerCase() : value;
}

/** JSON with object keys sorted at every depth, so key order never counts; undefined members vanish. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value)
      .filter((key) => value[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
