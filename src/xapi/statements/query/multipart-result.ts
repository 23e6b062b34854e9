// attachments=true on a statement query (1.0.3 Communication 2.1.3.s2.b6, Data 2.4.11; 9274.1.1 4.1.3):
// a multipart/mixed response whose first part is the StatementResult, then the attachment contents of the
// page's statements (statement_attachments → attachments → R2), see attachments/multipart-response.ts.
import type { Context } from "hono";
import type { AppEnv } from "../../../env";
import { multipartStatementResponse } from "../attachments/multipart-response";

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
