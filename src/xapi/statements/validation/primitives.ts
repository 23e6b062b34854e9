// Formatted string values: IRIs, UUIDs, mailto IRIs, timestamps, durations, language tags (1.0.3 Data 4.x;
// 9274.1.1 4.2.7). Format failures, the empty string included, are 400s (1.0.3 Data 2.2.s4.b1.b4).
import type { XapiVersion } from "../../../env";
import { invalid } from "./issues";
import { allowOnlyKeys, at, requireObject, requireString } from "./shape";

// A scheme (RFC 3987 §2.2) and no character an IRI can never hold: whitespace, controls, <>"{}|\^`.
// Best-effort by design (1.0.3 Data 2.2.s4.b6), but relative references are always rejected (Data 2.2.s4.b1.b8).
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\u0000-\u001f\u007f<>"{}|\\^`]+$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const MAILTO = /^mailto:[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+$/;
const SHA1_HEX = /^[0-9a-fA-F]{40}$/;

export function isIri(value: string): boolean {
  return IRI.test(value);
}

/** An IRI (or IRL: same syntax, resolvability is not checked) with a scheme. */
export function validateIri(value: unknown, path: string): string {
  const iri = requireString(value, path);
  if (!IRI.test(iri)) throw invalid("must be an IRI with a scheme", path);
  return iri;
}

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Standard 8-4-4-4-12 hex form, either case (1.0.3 Data 4.4; 9274.1.1 4.2.7 "UUIDs"). */
export function validateUuid(value: unknown, path: string): string {
  const uuid = requireString(value, path);
  if (!UUID.test(uuid)) throw invalid("must be a UUID (8-4-4-4-12 hexadecimal digits)", path);
  return uuid;
}

export function validateMailto(value: unknown, path: string): string {
  const mbox = requireString(value, path);
  if (!MAILTO.test(mbox)) throw invalid("must be a mailto: IRI (mailto:name@example.com)", path);
  return mbox;
}

export function validateSha1Hex(value: unknown, path: string): string {
  const sum = requireString(value, path);
  if (!SHA1_HEX.test(sum)) throw invalid("must be the 40-digit hex SHA-1 of a mailto: IRI", path);
  return sum;
}

// ISO 8601 combined date and time, extended or basic format (1.0.3 Data 4.5). The "unknown local offset"
// forms -00, -0000 and -00:00 are rejected: they name no instant (RFC 3339 §4.3; both conformance suites).
const ISO_EXTENDED =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const ISO_BASIC = /^(\d{4})(\d{2})(\d{2})T(\d{2})(?:(\d{2})(?:(\d{2})(?:[.,]\d+)?)?)?(Z|[+-]\d{2}(?:\d{2})?)?$/;
// 9274.1.1 (Content 5.2 "Timestamps"): the RFC 3339 date-time profile, so seconds and a zone are required.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const UNKNOWN_OFFSET = /^-00(?::?00)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function validateTimestamp(value: unknown, version: XapiVersion, path: string): string {
  const timestamp = requireString(value, path);
  const match =
    version === "2.0.0" ? RFC3339.exec(timestamp) : (ISO_EXTENDED.exec(timestamp) ?? ISO_BASIC.exec(timestamp));
  if (!match || !isRealDateTime(match)) {
    throw invalid(
      version === "2.0.0"
        ? "must be an RFC 3339 timestamp with a time zone (e.g. 2024-05-01T12:00:00.000Z)"
        : "must be an ISO 8601 timestamp (e.g. 2024-05-01T12:00:00.000Z)",
      path,
    );
  }
  const offset = match[7];
  if (offset && UNKNOWN_OFFSET.test(offset)) throw invalid("must not use the unknown local offset -00:00", path);
  return timestamp;
}

function isRealDateTime(match: RegExpExecArray): boolean {
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return false;
  if (month === 2 && day === 29 && !(year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0))) return false;
  if (Number(match[4]) > 23 || Number(match[5] ?? 0) > 59 || Number(match[6] ?? 0) > 60) return false;
  const offset = match[7];
  if (offset && offset.length > 1) {
    const digits = offset.slice(1).replace(":", "");
    if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2) || 0) > 59) return false;
  }
  return true;
}

// ISO 8601:2004 4.4.3.2 durations: PnYnMnDTnHnMnS with at least one component, or PnW alone. A decimal
// fraction (either decimal sign) is allowed on the last component only; the alternative format
// (P0003-04-06T12:00:00, 4.4.3.3) is rejected (1.0.3 Data 4.6.s1.b1; 9274.1.1 4.2.7 "Duration"). Any number
// of fractional digits is accepted: finer than 0.01 s must not be rejected (9274.1.1 4.2.7).
const NUMBER = String.raw`(\d+(?:[.,]\d+)?)`;
const DURATION = new RegExp(
  `^P(?!$)(?:${NUMBER}Y)?(?:${NUMBER}M)?(?:${NUMBER}D)?(?:T(?=\\d)(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`,
);
const WEEKS = /^P\d+(?:[.,]\d+)?W$/;

export function validateDuration(value: unknown, path: string): string {
  const duration = requireString(value, path);
  if (WEEKS.test(duration)) return duration;
  const match = DURATION.exec(duration);
  if (!match || !fractionOnlyLast(match)) {
    throw invalid("must be an ISO 8601 duration (e.g. PT1H30M or P2W)", path);
  }
  return duration;
}

function fractionOnlyLast(match: RegExpExecArray): boolean {
  const present = match.slice(1).filter((part): part is string => part !== undefined);
  return present.every((part, index) => index === present.length - 1 || !/[.,]/.test(part));
}

// RFC 5646 §2.1 Language-Tag, case-insensitive: langtag / privateuse / grandfathered. The subtag-length
// sequence is what 1.0.3 Data 2.2.s4.b2 and 9274.1.1 4.2.7 require an LRS to check at least.
const LANGUAGE = String.raw`(?:[a-z]{2,3}(?:-[a-z]{3}){0,3}|[a-z]{4}|[a-z]{5,8})`;
const SCRIPT_REGION_VARIANTS = String.raw`(?:-[a-z]{4})?(?:-(?:[a-z]{2}|\d{3}))?(?:-(?:[a-z\d]{5,8}|\d[a-z\d]{3}))*`;
const EXTENSIONS = String.raw`(?:-[a-wyz\d](?:-[a-z\d]{2,8})+)*`;
const PRIVATE_USE = String.raw`x(?:-[a-z\d]{1,8})+`;
const GRANDFATHERED = [
  "en-gb-oed",
  "i-(?:ami|bnn|default|enochian|hak|klingon|lux|mingo|navajo|pwn|tao|tay|tsu)",
  "sgn-(?:be-fr|be-nl|ch-de)",
  "art-lojban|cel-gaulish|no-bok|no-nyn|zh-(?:guoyu|hakka|min|min-nan|xiang)",
].join("|");
const LANGTAG = new RegExp(
  `^(?:${LANGUAGE}${SCRIPT_REGION_VARIANTS}${EXTENSIONS}(?:-${PRIVATE_USE})?|${PRIVATE_USE}|${GRANDFATHERED})$`,
  "i",
);

export function isLanguageTag(value: string): boolean {
  return LANGTAG.test(value);
}

export function validateLanguageTag(value: unknown, path: string): string {
  const tag = requireString(value, path);
  if (!LANGTAG.test(tag)) throw invalid("must be an RFC 5646 language tag", path);
  return tag;
}

/** A language map: RFC 5646 tags as keys, strings as values (1.0.3 Data 4.2; 9274.1.1 4.2.7). */
export function validateLanguageMap(value: unknown, path: string): void {
  const map = requireObject(value, path);
  for (const tag in map) {
    if (!LANGTAG.test(tag)) throw invalid("is not an RFC 5646 language tag", at(path, tag));
    // The entry's path only when it is reported: language maps are the most frequent values of a statement.
    if (typeof map[tag] !== "string") requireString(map[tag], at(path, tag));
  }
}

/** Extensions: IRI keys, any JSON value (null included) that is never looked at (1.0.3 Data 4.1). */
export function validateExtensions(value: unknown, path: string): void {
  const extensions = requireObject(value, path);
  for (const key in extensions) {
    if (!IRI.test(key)) throw invalid("extension keys must be IRIs with a scheme", at(path, key));
  }
}

/** A StatementRef: `objectType` "StatementRef" and a UUID `id` (1.0.3 Data 2.4.4.3; 9274.1.1 4.2.2.3). */
const STATEMENT_REF_KEYS = new Set(["objectType", "id"]);

export function validateStatementRef(value: unknown, path: string): void {
  const ref = requireObject(value, path);
  allowOnlyKeys(ref, STATEMENT_REF_KEYS, path, "a StatementRef");
  if (ref.objectType !== "StatementRef") {
    if (ref.objectType === undefined) throw invalid("is required", at(path, "objectType"));
    throw invalid('must be "StatementRef"', at(path, "objectType"));
  }
  if (ref.id === undefined) throw invalid("is required", at(path, "id"));
  validateUuid(ref.id, at(path, "id"));
}
