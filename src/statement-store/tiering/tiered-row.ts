// What a tiered statement's row keeps in its `statement` column once the body has moved to an R2 segment
// (./segments.ts): a pointer to the bytes and the statement's rollup keys as integers,
// `{"$segment":[segment,offset,length],"k":[verb,activity,learner,bucket,completion,success]}` (dictionary ids and
// codes, trailing NULLs left off: src/statement-store/rollups/statement-keys.ts TIERED_KEYS_SQL, which tiering runs
// on the row itself; the segment id from a counter, ./segments.ts reserveSegmentId), so voiding,
// erasure and a rollup rebuild count a tiered statement exactly as an untiered one; its `verb_id` is emptied (the
// verb is in `k`). About 40-60 bytes instead of the body. The column stays NOT NULL because making it nullable would
// rebuild the table (a data move no migration may make). `$segment` can never start a stored statement:
// validation admits only the Statement's own properties.

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
