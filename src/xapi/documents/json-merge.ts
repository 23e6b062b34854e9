// The JSON document merge of a POST (1.0.3 Communication 2.2.s7–s8; 9274.1.1 4.1.6.2 POST): only when both
// the stored and the posted document are application/json JSON Objects; top-level properties of the posted
// object replace the stored ones whole (no deep merge). Anything else is a 400 and the document is untouched.
import { mediaType } from "../../http/body";
import { findOutOfRangeNumber, OUT_OF_RANGE_MESSAGE } from "../../http/strict-json";

export type MergeResult = { ok: true; bytes: Uint8Array } | { ok: false; message: string };

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
const encoder = new TextEncoder();

export function isJsonMediaType(contentType: string): boolean {
  return mediaType(contentType) === "application/json";
}

/** The bytes parsed as a JSON Object, or undefined when they are not one (arrays and scalars included). */
export function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch {
    return undefined;
  }
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

export function mergeJsonDocuments(
  stored: { bytes: Uint8Array; contentType: string },
  posted: { bytes: Uint8Array; contentType: string },
): MergeResult {
  if (!isJsonMediaType(stored.contentType) || !isJsonMediaType(posted.contentType)) {
    return { ok: false, message: "a POST merges only when the stored and the posted document are application/json" };
  }
  const existing = parseJsonObject(stored.bytes);
  const update = parseJsonObject(posted.bytes);
  if (!existing) return { ok: false, message: "the stored document is not a JSON Object, so it cannot be merged" };
  if (!update) return { ok: false, message: "the posted document is not a JSON Object, so it cannot be merged" };
  // Merging re-serializes both documents: a number a double cannot hold (1e400) would come back changed.
  for (const [which, bytes] of [["stored", stored.bytes], ["posted", posted.bytes]] as const) {
    const at = findOutOfRangeNumber(decoder.decode(bytes));
    if (at !== undefined) return { ok: false, message: `the ${which} document's ${at} ${OUT_OF_RANGE_MESSAGE}` };
  }
  // Spread defines own properties, so a "__proto__" key stays a plain property.
  return { ok: true, bytes: encoder.encode(JSON.stringify({ ...existing, ...update })) };
}
