// Properties the LRS sets on every statement it accepts (1.0.3 Data 2.4.1, 2.4.8-2.4.10; 9274.1.1 4.2.4.2).
// `stored` is not written into the JSON: the statements.stored_ms column is the truth and is merged back
// on read (stored-statement.ts), as is `timestamp` when the client sent none.
import type { XapiVersion } from "../../env";

/** The version recorded when a client sends none: 1.0.3 Data 2.4.10 says "1.0.0", 9274.1.1 4.2.4.3 "2.0.0". */
export function defaultStatementVersion(version: XapiVersion): string {
  return version === "1.0.3" ? "1.0.0" : "2.0.0";
}

export type LrsPropertyOptions = {
  /** The id from PUT's `statementId`, used when the body carries none. */
  statementId?: string;
  /** The credential's authority; it always replaces a submitted one (1.0.3 Data 2.4.9 "SHOULD overwrite"). */
  authority: Record<string, unknown>;
  version: XapiVersion;
};

/** A copy of a validated statement with id, authority and version set and `stored` removed. */
export function assignLrsProperties(
  statement: Record<string, unknown>,
  options: LrsPropertyOptions,
): Record<string, unknown> {
  const { stored: _stored, ...rest } = statement;
  const id = typeof rest.id === "string" ? rest.id : (options.statementId ?? crypto.randomUUID());
  return {
    ...withContextActivityArrays(rest),
    // UUIDs compare case-insensitively; one spelling keeps the unique index and lookups exact.
    id: id.toLowerCase(),
    authority: options.authority,
    version: typeof rest.version === "string" ? rest.version : defaultStatementVersion(options.version),
  };
}

/**
 * 1.0.3 Data 2.4.6.2: a single Activity is accepted as a contextActivities value, but the LRS returns every
 * value as an array, so it is stored as one (in a SubStatement too).
 */
function withContextActivityArrays(statement: Record<string, unknown>): Record<string, unknown> {
  const out = { ...statement };
  const context = out.context as Record<string, unknown> | undefined;
  const activities = context?.contextActivities;
  if (activities && typeof activities === "object" && !Array.isArray(activities)) {
    const arrays = Object.fromEntries(
      Object.entries(activities).map(([name, value]) => [name, Array.isArray(value) ? value : [value]]),
    );
    out.context = { ...context, contextActivities: arrays };
  }
  const object = out.object as Record<string, unknown> | undefined;
  if (object?.objectType === "SubStatement") out.object = withContextActivityArrays(object);
  return out;
}
