// One page of a statement query, for every reader of statement pages (GET /statements in ./handler.ts, the
// console's explorer): the `more` cursor opened against the same parameters, the store's index read with
// transient D1 errors retried, and statements/read/mine applied (1.0.3 Communication 4.2). The next cursor is
// sealed by the caller, after it has decided where the page ends. X-Experience-API-Consistent-Through is read in
// the page's first round trip (../consistent-through.ts), before the page: the page sees at least what it claims.
import type { Principal } from "../../../env";
import { readsOnlyOwnStatements } from "../../../auth/scopes";
import { withD1Retry } from "../../../db/transient-errors";
import { consistentThroughOf, consistentThroughQuery } from "../../../statement-store/consistent-through";
import { canonicalParameters, cursorKeyMaterial, openCursor, sealCursor } from "./cursor";
import type { StatementQuery } from "./parameters";
import { type QueriedRow, queryStatements } from "../../../statement-store/query/index-read";
import { loadBodies, SEGMENT_READS_PER_PAGE } from "../../../statement-store/tiering/load-bodies";
import { PAGE_TEXT_BUDGET } from "../../../statement-store/query/sql";

/**
 * Segment reads (ranged R2 GETs) for a query page without attachments: one round of the 6 outbound connections an
 * invocation holds at once (PLATFORM.md), so a page waits for R2 once. A page's time grows with its reads, not
 * their bytes: at 1,000,000 statements, every body tiered, the worst shape took p95 59-62 ms with 12 reads (two
 * rounds) and 47 ms with 6 (32 reads took p50 50-60 ms). A sparse filter's page then holds ~18-36 statements, not
 * ~99; `more` goes on (1.0.3 Communication 2.1.3: fewer than `limit` is allowed).
 */
export const SEGMENT_READS_PER_QUERY_PAGE = 6;

export type StatementPageRead = {
  rows: QueriedRow[];
  hasMore: boolean;
  /** The canonical query parameters the cursor is bound to (the `more` IRL repeats them). */
  parameters: string;
  /** X-Experience-API-Consistent-Through, read with the page. */
  consistentThrough: string;
  /** The sealed cursor continuing this query after the row with this seq. */
  cursorAfter: (seq: number) => Promise<string>;
};

export async function readStatementPage(
  db: D1Database,
  env: object,
  principal: Principal,
  entries: [string, string][],
  query: Pick<StatementQuery, "filters" | "sinceMs" | "untilMs" | "limit" | "ascending" | "cursor"> &
    Partial<Pick<StatementQuery, "attachments">>,
  /** A position to read after instead of a cursor (the console's live view). */
  afterSeq?: number,
): Promise<StatementPageRead> {
  const keyMaterial = cursorKeyMaterial(env as Record<string, unknown>);
  const parameters = canonicalParameters(entries);
  const position = query.cursor !== undefined ? await openCursor(keyMaterial, principal.storeId, parameters, query.cursor) : undefined;
  // Read-only, so a transient D1 error is simply tried again (src/db/transient-errors.ts).
  const plan = {
    storeId: principal.storeId,
    filters: query.filters,
    sinceMs: query.sinceMs,
    untilMs: query.untilMs,
    afterSeq: position ? position.seq : afterSeq,
    driver: position?.driver,
    ascending: query.ascending,
    limit: query.limit,
    credentialId: readsOnlyOwnStatements(principal) ? principal.credentialId : undefined,
  };
  const { rows, hasMore, driver, companion } = await withD1Retry(() =>
    queryStatements(db, plan, consistentThroughQuery(db, principal.storeId)),
  );
  // Tiered bodies come from R2 (../tiering/load-bodies.ts); a page needing more segment reads than one request
  // may make ends early, and `more` continues after its last row.
  const reads = query.attachments ? SEGMENT_READS_PER_PAGE : SEGMENT_READS_PER_QUERY_PAGE;
  const bodies = await loadBodies((env as { BLOBS: R2Bucket }).BLOBS, principal.storeId, rows, reads, PAGE_TEXT_BUDGET);
  return {
    rows: bodies.rows,
    hasMore: hasMore || !bodies.complete,
    parameters,
    consistentThrough: consistentThroughOf(companion!),
    cursorAfter: (seq) => sealCursor(keyMaterial, principal.storeId, parameters, { seq, driver }),
  };
}
