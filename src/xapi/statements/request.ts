// The one seam where a Statements PUT/POST body is read (1.0.3 Communication 1.5; 9274.1.1 4.1.3):
// application/json, or multipart/mixed with the statements first and attachment parts after them, which
// stream into R2 here. The statements are validated before any attachment part is read, signed statements are
// checked here (only this seam sees the signature parts), and what the request wrote to R2 but did not record
// is deleted before the response (attachments/request-uploads.ts).
import type { Context } from "hono";
import { storePrimary } from "../../db/store-databases";
import type { AppEnv } from "../../env";
import { badRequest, payloadTooLarge, XapiError } from "../../errors";
import { mediaType, readBodyText } from "../../http/body";
import { decodedRequestBody, isEncodedBody } from "../../http/content-encoding";
import { requestLimits } from "../../http/request-limits";
import { parseStrictJson } from "../../http/strict-json";
import type { StoredAttachment } from "./attachments/attachment-blobs";
import { declaredAttachments, requireAttachmentData } from "./attachments/declared-attachments";
import { attachmentLimits } from "./attachments/limits";
import { readMultipartStatements } from "./attachments/multipart-request";
import { RequestUploads } from "./attachments/request-uploads";
import { verifySignedStatements } from "./attachments/signed-statements";
import type { ValidStatements } from "./statement";

export type StatementRequest<T> = {
  /** What `accept` made of the body. */
  accepted: T;
  /** Attachment contents now in R2; record them with attachmentRowsStatements in the statements' batch. */
  attachments: StoredAttachment[];
};

/**
 * Reads the body, has `accept` validate (throw) and prepare its statements before any attachment byte reaches
 * R2, then hands the request to `record`. Attachment objects the request wrote that no row names when it ends
 * (it was rejected, or a concurrent request recorded the same content first) are deleted before answering.
 */
export async function receiveStatements<T extends ValidStatements, R>(
  c: Context<AppEnv>,
  accept: (body: unknown) => T,
  record: (request: StatementRequest<T>) => Promise<R>,
): Promise<R> {
  // Whether a row names an upload is asked of the primary: a lagging replica could miss a row just committed.
  const primary = await storePrimary(c.env, c.get("principal").storeId);
  const uploads = new RequestUploads(primary, c.env.BLOBS, c.get("principal").storeId);
  try {
    return await record(await readStatementRequest(c, accept, uploads));
  } finally {
    await uploads.removeUnrecorded();
  }
}

async function readStatementRequest<T extends ValidStatements>(
  c: Context<AppEnv>,
  accept: (body: unknown) => T,
  uploads: RequestUploads,
): Promise<StatementRequest<T>> {
  const contentType = c.req.header("Content-Type") ?? "";
  const type = mediaType(contentType);
  const version = c.get("xapiVersion");
  if (type === "multipart/mixed") {
    const limits = attachmentLimits(c.env);
    // A declared length over the limit is refused before reading; the reader enforces it while streaming too.
    // With a Content-Encoding the declared length is the coded size, so only the decoded count applies.
    if (!isEncodedBody(c.req.raw) && Number(c.req.header("Content-Length") ?? 0) > limits.maxRequestBytes) {
      throw payloadTooLarge(`the request body exceeds ${limits.maxRequestBytes} bytes`);
    }
    // Set by the reader's parseStatements, which runs before the first attachment part is read.
    let accepted: { value: T } | undefined;
    const read = await readMultipartStatements({
      body: await decodedRequestBody(c.req.raw),
      contentType,
      bucket: c.env.BLOBS,
      db: c.get("db"),
      storeId: c.get("principal").storeId,
      limits,
      uploads,
      parseStatements: (text) => {
        const body = requireStatementCount(parseStrictJson(text, "statement"), c);
        accepted = { value: accept(body) };
        return body;
      },
    });
    await verifySignedStatements(accepted!.value, read.signatures, version);
    return { accepted: accepted!.value, attachments: read.attachments };
  }
  if (type !== "application/json") {
    throw badRequest(`statements must be sent as application/json or multipart/mixed, not "${type || "(no Content-Type)"}"`);
  }
  const body = requireStatementCount(parseStrictJson(await readBodyText(c), "statement"), c);
  const accepted = accept(body);
  requireAttachmentData(declaredAttachments(body), new Set());
  await verifySignedStatements(accepted, new Map(), version);
  return { accepted, attachments: [] };
}

/**
 * 413 for more statements than one request may carry, checked on the parsed array before validation and
 * preparation, which cost ~5 KiB of heap per statement however small it is (http/request-limits.ts).
 */
function requireStatementCount(body: unknown, c: Context<AppEnv>): unknown {
  const max = requestLimits(c.env).maxStatementsPerRequest;
  if (Array.isArray(body) && body.length > max) {
    throw new XapiError(413, `a request may carry at most ${max} statements; this one carries ${body.length}`, `statement[${max}]`);
  }
  return body;
}
