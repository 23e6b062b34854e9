// attachments=true on a statement query (1.0.3 Communication 2.1.3.s2.b6, Data 2.4.11; 9274.1.1 4.1.3):
// a multipart/mixed response whose first part is the StatementResult, then the attachment contents of the
// page's statements (statement_attachments → attachments → R2), see attachments/multipart-response.ts.
// R2 has no multi-get: each content is one R2 GET, a subrequest (Free: 50 per request). So the page stops
// before the statement whose contents would pass the budget, and `more` continues from there (an LRS may
// return fewer statements than `limit`, 2.1.3 row 11). One statement never holds more contents than that: each
// needs a part in the request that stores it, and a request carries at most that many (upload-budget.ts).
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { multipartStatementResponse } from "../attachments/multipart-response";
import { R2_WRITES_PER_REQUEST } from "../attachments/upload-budget";

/** R2 GETs for one response: under the budget of 45 with the query's own few D1 calls. */
export const ATTACHMENT_READS_PER_RESPONSE = R2_WRITES_PER_REQUEST;

/** The longest head of `page` whose distinct attachment contents fit one response (never fewer than one statement). */
export async function pageWithinAttachmentReads<Row extends { seq: number }>(
  db: D1Database,
  storeId: string,
  page: readonly Row[],
  hasMore: boolean,
): Promise<{ page: Row[]; hasMore: boolean }> {
  if (page.length === 0) return { page: [...page], hasMore };
  const { results } = await db
    .prepare("SELECT seq, sha2 FROM statement_attachments WHERE store_id = ?1 AND seq IN (SELECT value FROM json_each(?2))")
    .bind(storeId, JSON.stringify(page.map((row) => row.seq)))
    .all<{ seq: number; sha2: string }>();
  const contents = new Map<number, string[]>();
  for (const { seq, sha2 } of results) contents.set(seq, [...(contents.get(seq) ?? []), sha2]);
  const distinct = new Set<string>();
  for (const [index, row] of page.entries()) {
    const next = new Set([...distinct, ...(contents.get(row.seq) ?? [])]);
    if (index > 0 && next.size > ATTACHMENT_READS_PER_RESPONSE) return { page: page.slice(0, index), hasMore: true };
    for (const sha2 of next) distinct.add(sha2);
  }
  return { page: [...page], hasMore };
}

export async function respondWithAttachments(
  c: Context<AppEnv>,
  statementResult: string,
  rows: readonly { seq: number }[],
  headers: Headers,
): Promise<Response> {
  return multipartStatementResponse(
    c.get("db"),
    c.env.BLOBS,
    c.get("principal").storeId,
    statementResult,
    rows.map((row) => row.seq),
    { headers, head: c.req.method === "HEAD" },
  );
}
