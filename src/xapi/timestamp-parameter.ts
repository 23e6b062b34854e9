// The Timestamp query parameters — `since` and `until` of GET /statements, `since` of the document id lists —
// read one way everywhere, so one value gets one answer on every resource (1.0.3 Communication 2.1.3, 2.3;
// 9274.1.1 4.1.6). The format is the version's Timestamp rule (ISO 8601 under 1.0.3, the RFC 3339 profile
// under 2.0); the value is epoch milliseconds.
import type { XapiVersion } from "../env";
import { badRequest, orBadRequest } from "../errors";
import { parseTimestamp } from "./statements/validation";

export function parseTimestampParameter(raw: string, version: XapiVersion, name: string): number {
  // An unescaped "+" of a zone offset arrives as a space; put it back so the client gets what it meant.
  const value = orBadRequest(parseTimestamp(raw.replace(/ (\d{2}(:?\d{2})?)$/, "+$1"), version, name));
  const ms = Date.parse(toExtendedFormat(value));
  if (!Number.isFinite(ms)) throw badRequest("must be an ISO 8601 timestamp", name);
  // `stored` and `updated` have millisecond precision: a finer value compares as its millisecond floor.
  return Math.floor(ms);
}

/**
 * The form Date.parse reads: ISO 8601 basic format (20240501T1200Z) as extended, a decimal comma as a point,
 * an hour-only offset (+05) with minutes. A missing zone reads as UTC (Workers run in UTC).
 */
function toExtendedFormat(timestamp: string): string {
  const basic = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})?(\d{2})?([.,]\d+)?(Z|[+-]\d{2}(?:\d{2})?)?$/.exec(timestamp);
  const extended = basic
    ? `${basic[1]}-${basic[2]}-${basic[3]}T${basic[4]}:${basic[5] ?? "00"}:${basic[6] ?? "00"}${basic[7] ?? ""}${basic[8] ?? ""}`
    : timestamp;
  return extended
    .replace(",", ".")
    .replace(/T(\d{2})([Z+-]|$)/, "T$1:00$2")
    .replace(/([+-]\d{2})$/, "$1:00");
}
