// A Statement and a SubStatement: required parts, allowed properties, the object's kinds, voiding and the
// `version` property (1.0.3 Data 2.2-2.4; 9274.1.1 4.2.2, 4.2.5).
import type { XapiVersion } from "../../../env";
import { invalid } from "./issues";
import type { Statement } from "../statement";
import { VOIDED_VERB } from "../../../statement-store/voiding";
import { validateActivity } from "./activity";
import { validateActor, validateAgentOnly, validateAuthority, validateGroup } from "./agent";
import { validateAttachments } from "./attachments";
import { validateContext } from "./context";
import { validateIri, validateLanguageMap, validateStatementRef, validateTimestamp, validateUuid } from "./primitives";
import { validateResult } from "./result";
import { allowOnlyKeys, at, type JsonObject, optional, requireObject, requireString } from "./shape";

const STATEMENT_KEYS = new Set([
  "id",
  "actor",
  "verb",
  "object",
  "result",
  "context",
  "timestamp",
  "stored",
  "authority",
  "version",
  "attachments",
]);
const SUBSTATEMENT_KEYS = new Set([
  "objectType",
  "actor",
  "verb",
  "object",
  "result",
  "context",
  "timestamp",
  "attachments",
]);
const NOT_IN_SUBSTATEMENT = new Set(["id", "stored", "version", "authority"]);
const VERB_KEYS = new Set(["id", "display"]);
const OBJECT_TYPES = "Activity, Agent, Group, StatementRef, SubStatement";

/** The statement, typed, or Invalid naming the path of the first problem found in it. */
export function checkStatement(value: unknown, version: XapiVersion, path: string): Statement {
  let statement = requireObject(value, path);
  allowOnlyKeys(statement, STATEMENT_KEYS, path, "a Statement");
  optional(statement, "id", path, validateUuid);
  // The one tolerated null: the 2.0 conformance suite sends `"timestamp": null` and expects the LRS to fill
  // it in from `stored` (4.1.6.1 "shall set the timestamp ... if not provided"): it reads as absent.
  if (version === "2.0.0" && statement.timestamp === null) {
    const { timestamp: _null, ...withoutTimestamp } = statement;
    statement = withoutTimestamp;
  }
  validateCore(statement, version, path, false);
  optional(statement, "stored", path, (stored, storedPath) => validateTimestamp(stored, version, storedPath));
  optional(statement, "authority", path, validateAuthority);
  optional(statement, "version", path, (statementVersion, versionPath) =>
    validateStatementVersion(statementVersion, version, versionPath),
  );
  // A voiding statement must target a statement by StatementRef (1.0.3 Data 2.3.2; 9274.1.1 4.2.5).
  const verb = statement.verb as JsonObject;
  const object = statement.object as JsonObject;
  if (verb.id === VOIDED_VERB && object.objectType !== "StatementRef") {
    throw invalid("a voiding statement's object must be a StatementRef", at(at(path, "object"), "objectType"));
  }
  return statement as Statement;
}

/** What a Statement and a SubStatement share: actor, verb, object, result, context, timestamp, attachments. */
function validateCore(statement: JsonObject, version: XapiVersion, path: string, nested: boolean): void {
  for (const key of ["actor", "verb", "object"]) {
    if (statement[key] === undefined) throw invalid("is required", at(path, key));
  }
  validateActor(statement.actor, at(path, "actor"));
  validateVerb(statement.verb, at(path, "verb"));
  validateObject(statement.object, version, at(path, "object"), nested);
  optional(statement, "result", path, validateResult);
  const objectType = (statement.object as JsonObject).objectType;
  const objectIsActivity = objectType === undefined || objectType === "Activity";
  optional(statement, "context", path, (context, contextPath) =>
    validateContext(context, version, contextPath, objectIsActivity),
  );
  optional(statement, "timestamp", path, (timestamp, timestampPath) =>
    validateTimestamp(timestamp, version, timestampPath),
  );
  optional(statement, "attachments", path, validateAttachments);
}

function validateVerb(value: unknown, path: string): void {
  const verb = requireObject(value, path);
  allowOnlyKeys(verb, VERB_KEYS, path, "a Verb");
  if (verb.id === undefined) throw invalid("is required", at(path, "id"));
  validateIri(verb.id, at(path, "id"));
  optional(verb, "display", path, validateLanguageMap);
}

/** The object, by objectType; absent means Activity (1.0.3 Data 2.4.4). Agents as object must say so. */
function validateObject(value: unknown, version: XapiVersion, path: string, nested: boolean): void {
  const object = requireObject(value, path);
  const objectType = object.objectType;
  switch (objectType) {
    case undefined:
    case "Activity":
      return validateActivity(object, path);
    case "Agent":
      validateAgentOnly(object, path);
      return;
    case "Group":
      validateGroup(object, path);
      return;
    case "StatementRef":
      return validateStatementRef(object, path);
    case "SubStatement":
      if (nested) throw invalid("a SubStatement cannot contain a SubStatement", at(path, "objectType"));
      return validateSubStatement(object, version, path);
    default:
      requireString(objectType, at(path, "objectType"));
      throw invalid(`must be one of ${OBJECT_TYPES}`, at(path, "objectType"));
  }
}

/** A SubStatement is a statement without id, stored, version or authority (1.0.3 Data 2.4.4.3.s8). */
function validateSubStatement(subStatement: JsonObject, version: XapiVersion, path: string): void {
  for (const key in subStatement) {
    if (NOT_IN_SUBSTATEMENT.has(key)) throw invalid("is not allowed in a SubStatement", at(path, key));
  }
  allowOnlyKeys(subStatement, SUBSTATEMENT_KEYS, path, "a SubStatement");
  validateCore(subStatement, version, path, true);
}

// 1.0.3 Data 2.4.10: a 1.0.3 LRS accepts only 1.0.x ("1.0" too, as the suite does). 9274.1.1 4.2.4.2 says
// not to reject on version alone, yet its suite still refuses non-semver, 0.9.9 and 1.1.0: accept 1.0.x and 2.0.x.
const STATEMENT_VERSIONS: Record<XapiVersion, RegExp> = {
  "1.0.3": /^1\.0(?:\.\d+)?$/,
  "2.0.0": /^[12]\.0(?:\.\d+)?$/,
};

export function validateStatementVersion(value: unknown, version: XapiVersion, path: string): string {
  const statementVersion = requireString(value, path);
  if (!STATEMENT_VERSIONS[version].test(statementVersion)) {
    throw invalid(version === "1.0.3" ? 'must be "1.0" or 1.0.x' : "must be 1.0.x or 2.0.x", path);
  }
  return statementVersion;
}
