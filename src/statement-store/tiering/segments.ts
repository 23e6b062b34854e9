// Segment objects in R2: the bodies of a run of one store's statements, concatenated (each statement's stored
// JSON, UTF-8, no separator; the rows' pointers give offset and length). Immutable: a rewrite (erasure) writes a
// new object under a new key. The SHA-256 of the whole object rides in its customMetadata and is checked on every
// full read; a ranged read (a page of statements) cannot check it, and trusts R2's own integrity.
import type { SegmentPointer } from "./tiered-row";

export const segmentPrefix = (storeId: string) => `segments/${storeId}/`;
export const segmentKey = (storeId: string, segment: number) => `${segmentPrefix(storeId)}${segment}`;

// A new segment's id, from the database's counter (schema.ts statement_segment_ids), reserved before its object is
// written: every tiered row's pointer names its segment, and a counter's id takes 1-6 digits where a random one
// took 16 (about 12 bytes a tiered statement). Never handed out twice, so concurrent runs (a store's tiering job
// and the daily one, an erasure's rewrite) never write the same R2 key. Segments made before the counter have
// random 53-bit ids: the counter moves to the first id past its last that no segment holds, in the same
// statement, so a reservation is always exactly one D1 call (the tiering and rewrite budgets count it as one).
const RESERVE_SQL = `
INSERT INTO statement_segment_ids (id, last)
SELECT 1, (WITH RECURSIVE free(n) AS (
    SELECT coalesce((SELECT last FROM statement_segment_ids WHERE id = 1), 0) + 1
    UNION ALL SELECT n + 1 FROM free WHERE EXISTS (SELECT 1 FROM statement_segments WHERE id = free.n))
  SELECT max(n) FROM free)
WHERE true
ON CONFLICT (id) DO UPDATE SET last = excluded.last
RETURNING last AS id`;

/** One D1 call: the id, past any older segment's. */
export async function reserveSegmentId(db: D1Database): Promise<number> {
  const row = await db.prepare(RESERVE_SQL).first<{ id: number }>();
  if (!row) throw new Error("no statement segment id was reserved");
  return row.id;
}

export type SegmentBody = { seq: number; body: string };
export type BuiltSegment = { bytes: Uint8Array; pointers: Map<number, SegmentPointer> };

export function buildSegment(segment: number, bodies: readonly SegmentBody[]): BuiltSegment {
  const encoder = new TextEncoder();
  const parts = bodies.map((b) => encoder.encode(b.body));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  const pointers = new Map<number, SegmentPointer>();
  let offset = 0;
  parts.forEach((part, i) => {
    bytes.set(part, offset);
    pointers.set(bodies[i]!.seq, { segment, offset, length: part.byteLength });
    offset += part.byteLength;
  });
  return { bytes, pointers };
}

export async function putSegment(blobs: R2Bucket, storeId: string, segment: number, bytes: Uint8Array): Promise<void> {
  const sha256 = await digest(bytes);
  await blobs.put(segmentKey(storeId, segment), bytes, { sha256, customMetadata: { sha256 } });
}

/** The whole object, its checksum verified; throws when it is missing or does not match. */
export async function readWholeSegment(blobs: R2Bucket, storeId: string, segment: number): Promise<Uint8Array> {
  const object = await blobs.get(segmentKey(storeId, segment));
  if (!object) throw new Error(`statement segment ${segment} of store ${storeId} is missing`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if ((await digest(bytes)) !== object.customMetadata?.sha256) {
    throw new Error(`statement segment ${segment} of store ${storeId} fails its checksum`);
  }
  return bytes;
}

/** One ranged GET: `length` bytes from `offset`. */
export async function readSegmentRange(
  blobs: R2Bucket,
  storeId: string,
  segment: number,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const object = await blobs.get(segmentKey(storeId, segment), { range: { offset, length } });
  if (!object) throw new Error(`statement segment ${segment} of store ${storeId} is missing`);
  const bytes = new Uint8Array(await object.arrayBuffer());
  if (bytes.byteLength !== length) throw new Error(`statement segment ${segment} of store ${storeId} is short`);
  return bytes;
}

/** The bytes a pointer names within a read that starts at `base`. */
export const bodyAt = (bytes: Uint8Array, base: number, pointer: SegmentPointer) =>
  new TextDecoder().decode(bytes.subarray(pointer.offset - base, pointer.offset - base + pointer.length));

async function digest(bytes: Uint8Array): Promise<string> {
  const hash = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
