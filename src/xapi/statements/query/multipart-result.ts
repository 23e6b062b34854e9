// attachments=true on a statement query (1.0.3 Communication 2.1.3.s2.b6, Data 2.4.11; 9274.1.1 4.1.3):
// a multipart/mixed response whose first part is the StatementResult.
// SEAM for the attachments work: the raw attachment parts (statement_attachments → attachments → R2) belong
// after the JSON part; until then the response carries the StatementResult part alone, which is valid
// multipart/mixed but omits attachment data.
import type { Context } from "hono";
import type { AppEnv } from "../../../env";

export async function respondWithAttachments(
  c: Context<AppEnv>,
  statementResult: string,
  rows: readonly { seq: number }[],
  headers: Headers,
): Promise<Response> {
  void rows;
  const boundary = `xapi-${crypto.randomUUID()}`;
  const crlf = "\r\n";
  const body =
    `--${boundary}${crlf}Content-Type: application/json${crlf}${crlf}${statementResult}${crlf}` + `--${boundary}--${crlf}`;
  headers.set("Content-Type", `multipart/mixed; boundary=${boundary}`);
  return new Response(c.req.method === "HEAD" ? null : body, { status: 200, headers });
}
