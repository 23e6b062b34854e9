// StatementRef filtering (1.0.3 Communication 2.1.3 "Filter Conditions for StatementRefs"; 9274.1.1 4.1.6.1):
// a query matches a statement that targets, by StatementRef, a statement matching the filter. We make that an
// index seek by copying the target's statement_index rows onto every statement that references it, directly
// or through a chain, with usage 'statementref'. Either side may arrive first, so after a batch is inserted
// one recursive statement copies rows from every new statement to all its (transitive) referrers, and from
// every already-stored target to the new statements that reference it.
import type { Statement } from "./statement";

/** The id of the statement this one's object refers to (lower-cased), if its object is a StatementRef. */
export function statementRefTarget({ object }: Statement): string | undefined {
  return object.objectType === "StatementRef" ? object.id.toLowerCase() : undefined;
}

// CROSS JOIN fixes the join order: SQLite cannot estimate json_each or the CTE and would otherwise scan the
// store's statements or index rows once per batch, making ingest quadratic in the store's size. INDEXED BY:
// without statistics SQLite prefers scanning the covering primary key of the store's whole index.
/** ?1 store id, ?2 JSON array of the ids inserted by this batch, ?3 its [referrerId, targetId] pairs. */
export const PROPAGATE_REFS_SQL = `
WITH RECURSIVE
  fresh(seq, id) AS (
    SELECT s.seq, s.id FROM statements s
    WHERE s.store_id = ?1 AND s.id IN (SELECT value FROM json_each(?2))
  ),
  reach(source, referrer) AS (
    SELECT f.seq, r.seq FROM fresh f
      JOIN statement_refs r ON r.store_id = ?1 AND r.target_id = f.id
    UNION
    SELECT t.seq, s.seq FROM json_each(?3) p
      CROSS JOIN statements s ON s.store_id = ?1 AND s.id = p.value ->> 0
      CROSS JOIN statements t ON t.store_id = ?1 AND t.id = p.value ->> 1
    UNION
    SELECT reach.source, r.seq FROM reach
      JOIN statements m ON m.seq = reach.referrer
      JOIN statement_refs r ON r.store_id = ?1 AND r.target_id = m.id
  )
INSERT INTO statement_index (store_id, kind, value, seq, usage)
SELECT ?1, i.kind, i.value, reach.referrer, 'statementref'
FROM reach CROSS JOIN statement_index i INDEXED BY statement_index_seq ON i.store_id = ?1 AND i.seq = reach.source
WHERE reach.source <> reach.referrer
ON CONFLICT (store_id, kind, value, seq) DO UPDATE SET usage = usage || ',statementref'
  WHERE usage NOT LIKE '%statementref%'`;
