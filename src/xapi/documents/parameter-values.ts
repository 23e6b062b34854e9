// Values of the document and Agents/Activities query parameters, validated like the same types inside
// statements (1.0.3 Data 2.2.s4.b4; 9274.1.1 4.1.6): the `agent` JSON, Activity id IRIs, registration UUIDs and
// the `since` Timestamp. Every failure is a 400 naming the parameter.
import type { XapiVersion } from "../../env";
import { badRequest } from "../../errors";
import { isIri, isUuid } from "../statements/validation";
import { parseTimestampParameter } from "../timestamp-parameter";

export function parseActivityIdParameter(raw: string): string {
  if (!isIri(raw)) throw badRequest("must be an IRI with a scheme", "activityId");
  return raw;
}

/** Registrations compare as UUIDs, so the key is lower-cased. */
export function parseRegistrationParameter(raw: string): string {
  if (!isUuid(raw)) throw badRequest("must be a UUID", "registration");
  return raw.toLowerCase();
}

/** `since` as epoch milliseconds, read as GET /statements reads it. */
export function parseSinceParameter(raw: string, version: XapiVersion): number {
  return parseTimestampParameter(raw, version, "since");
}
