// What a tiered statement's row keeps in its `statement` column once the body has moved to an R2 segment
// (./segments.ts): a pointer to the bytes and the few parts the console's rollups read in SQL
// (src/rollups/statement-keys.ts: the actor's identifier, the object's type and id, score, completion and
// success), so voiding, erasure and a rollup rebuild count a tiered statement exactly as an untiered one.
// The column stays NOT NULL because making it nullable would rebuild the table (a data move no migration may
// make). `$segment` can never start a stored statement: validation admits only the Statement's own properties.

/** Where a tiered statement's body is: the segment's id, and its bytes' offset and length in the object. */
export type SegmentPointer = { segment: number; offset: number; length: number };

export const TIERED_PREFIX = '{"$segment":';
/** SQL: the row `alias` is still untiered. */
export const untieredSql = (alias: string) => `substr(${alias}.statement, 1, ${TIERED_PREFIX.length}) <> '${TIERED_PREFIX}'`;

export const isTiered = (column: string) => column.startsWith(TIERED_PREFIX);

export function pointerOf(column: string): SegmentPointer {
  const [segment, offset, length] = (JSON.parse(column) as { $segment: [number, number, number] }).$segment;
  return { segment, offset, length };
}

type Json = Record<string, unknown>;
const IDENTIFIERS = ["mbox", "mbox_sha1sum", "openid", "account"] as const;
const SCORE_PARTS = ["scaled", "raw", "min", "max"] as const;

/** The column of a tiered row: the pointer first (isTiered), then the rollup parts of `body`. */
export function tieredColumn(pointer: SegmentPointer, body: string): string {
  const statement = JSON.parse(body) as Json;
  const out: Json = { $segment: [pointer.segment, pointer.offset, pointer.length] };
  const actor = statement.actor as Json | undefined;
  if (actor) out.actor = pick(actor, IDENTIFIERS);
  const object = statement.object as Json | undefined;
  if (object) out.object = pick(object, ["objectType", "id"]);
  const result = statement.result as Json | undefined;
  if (result) {
    const score = result.score as Json | undefined;
    out.result = { ...pick(result, ["completion", "success"]), ...(score ? { score: pick(score, SCORE_PARTS) } : {}) };
  }
  return JSON.stringify(out);
}

function pick(source: Json, keys: readonly string[]): Json {
  const out: Json = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}
