// The one seam where a Statements PUT/POST body is read (1.0.3 Communication 1.5; 9274.1.1 4.1.3):
// application/json, or multipart/mixed with the statements first and attachment parts after them, which
// stream into R2 here. Signed statements are checked here too, since only this seam sees the signature parts.
import type { Context } from "hono";
import type { AppEnv } from "../../env";
import { badRequest, payloadTooLarge } from "../../errors";
import { mediaType, readBodyText } from "../../http/body";
import { parseStrictJson } from "../../http/strict-json";
import type { StoredAttachment } from "./attachments/attachment-store";
import { declaredAttachments, requireAttachmentData } from "./attachments/declared-attachments";
import { attachmentLimits } from "./attachments/limits";
import { readMultipartStatements } from "./attachments/multipart-request";
import { verifySignedStatements } from "./attachments/signed-statements";

export type StatementRequest = {
  body: unknown;
  /** Attachment contents now in R2; record them with attachmentRowsStatements in the statements' batch. */
  attachments: StoredAttachment[];
};

export async function readStatementRequest(c: Context<AppEnv>): Promise<StatementRequest> {
  const contentType = c.req.header("Content-Type") ?? "";
  const type = mediaType(contentType);
  const version = c.get("xapiVersion");
  if (type === "multipart/mixed") {
    const limits = attachmentLimits(c.env);
    // A declared length over the limit is refused before reading; the reader enforces it while streaming too.
    if (Number(c.req.header("Content-Length") ?? 0) > limits.maxRequestBytes) {
      throw payloadTooLarge(`the request body exceeds ${limits.maxRequestBytes} bytes`);
    }
    const read = await readMultipartStatements({
      body: c.req.raw.body,
      contentType,
      bucket: c.env.BLOBS,
      db: c.get("db"),
      storeId: c.get("principal").storeId,
      limits,
      parseStatements: (text) => parseStrictJson(text, "statement"),
    });
    await verifySignedStatements(read.body, read.signatures, version);
    return { body: read.body, attachments: read.attachments };
  }
  if (type !== "application/json") {
    throw badRequest(`statements must be sent as application/json or multipart/mixed, not "${type || "(no Content-Type)"}"`);
  }
  const body = parseStrictJson(await readBodyText(c), "statement");
  requireAttachmentData(declaredAttachments(body), new Set());
  await verifySignedStatements(body, new Map(), version);
  return { body, attachments: [] };
}
