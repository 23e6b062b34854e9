// The one seam where a Statements PUT/POST body is read: JSON today; multipart/mixed (statements with
// attachment parts, 1.0.3 Communication 1.5.2 / 9274.1.1 4.1.3) is added here by the attachments work.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { badRequest } from "../../errors";
import { mediaType, readBodyText } from "../../http/body";
import { parseStrictJson } from "../../http/strict-json";

/** One raw attachment part of a multipart/mixed request, matched to statements by its sha2. */
export type AttachmentPart = { sha2: string; contentType: string; bytes: Uint8Array };

export type StatementRequest = { body: unknown; attachments: AttachmentPart[] };

export async function readStatementRequest(c: Context<AppEnv>): Promise<StatementRequest> {
  const type = mediaType(c.req.header("Content-Type"));
  if (type !== "application/json") {
    throw badRequest(`statements must be sent as application/json, not "${type || "(no Content-Type)"}"`);
  }
  return { body: parseStrictJson(await readBodyText(c), "statement"), attachments: [] };
}
