// What an erasure would remove, counted before it is confirmed (CLI and console), without changing anything.
// One D1 batch of index seeks over the same selection as ./erasure.ts. The statements are counted up to a cap
// so the preview's reads stay bounded for a prolific learner; past it `more` is true and the statement and
// attachment counts are lower bounds.
import { AGENTS_KNOWN_SQL } from "../statement-store/agent-names";
import { namingRoles, STATEMENTS_NAMING_SQL, type ErasureScope } from "../statement-store/erase-statements";

export const PREVIEW_CAP = 10_000;

export type ErasurePreview = {
  statements: number;
  documents: number;
  attachments: number;
  agents: number;
  /** True when more statements match than were counted (PREVIEW_CAP). */
  more: boolean;
};

// ?1 store, ?2 roles, ?3 JSON agent keys, ?4 cap + 1. An attachment counts when no other statement uses it,
// as erasure deletes it only then.
export const STATEMENTS_AND_ATTACHMENTS_SQL = `
WITH matched(seq) AS MATERIALIZED (${STATEMENTS_NAMING_SQL}),
  used(sha2) AS (
    SELECT DISTINCT a.sha2 FROM matched m
      CROSS JOIN statement_attachments a ON a.store_id = ?1 AND a.seq = m.seq)
SELECT (SELECT COUNT(*) FROM matched) AS statements,
  (SELECT COUNT(*) FROM used u WHERE NOT EXISTS (
    SELECT 1 FROM statement_attachments o
    WHERE o.store_id = ?1 AND o.sha2 = u.sha2 AND o.seq NOT IN (SELECT seq FROM matched))) AS attachments`;

export const DOCUMENTS_SQL = `
SELECT COUNT(*) AS n FROM documents WHERE store_id = ?1 AND agent_key IN (SELECT value FROM json_each(?2))`;

export async function previewErasure(
  db: D1Database,
  storeId: string,
  agentKeys: readonly string[],
  scope: ErasureScope,
  cap = PREVIEW_CAP,
): Promise<ErasurePreview> {
  const keys = JSON.stringify(agentKeys);
  const [counted, documents, agents] = await db.batch<Record<string, number>>([
    db.prepare(STATEMENTS_AND_ATTACHMENTS_SQL).bind(storeId, namingRoles(scope), keys, cap + 1),
    db.prepare(DOCUMENTS_SQL).bind(storeId, keys),
    db.prepare(AGENTS_KNOWN_SQL).bind(storeId, keys),
  ]);
  const row = counted!.results[0]!;
  const statements = row.statements!;
  return {
    statements: Math.min(statements, cap),
    documents: documents!.results[0]!.n!,
    attachments: row.attachments!,
    agents: agents!.results[0]!.n!,
    more: statements > cap,
  };
}
