// Reads a multipart/mixed statement request (1.0.3 Communication 1.5.2; 9274.1.1 4.1.3): the first part is the
// statement(s) as application/json, every further part the raw data of an attachment, matched by its
// X-Experience-API-Hash alone. The statement part is parsed and validated before any attachment part is read,
// so an invalid statement writes nothing to R2; parts then stream into R2 as they arrive, each under a key
// `uploads` remembers, and any mismatch is a 400 before anything refers to what was written.
import { badRequest } from "../../../errors";
import { collectBytes, decodeUtf8, mediaType } from "../../../http/body";
import { writeAttachmentPart, type StoredAttachment } from "./attachment-blobs";
import { findStoredKeys } from "./attachment-rows";
import { bySha2, declaredAttachments, requireAttachmentData, SIGNATURE_USAGE_TYPE, type DeclaredAttachment } from "./declared-attachments";
import type { AttachmentLimits } from "./limits";
import { boundaryOf, MultipartReader, type MultipartPart } from "./multipart-reader";
import type { RequestUploads } from "./request-uploads";
import { MAX_PARTS_PER_REQUEST, UploadBudget } from "./upload-budget";

export type MultipartStatementInput = {
  body: ReadableStream<Uint8Array> | null;
  contentType: string;
  bucket: R2Bucket;
  db: D1Database;
  storeId: string;
  limits: AttachmentLimits;
  /** Where this request's uploads are remembered, for removal if the request fails. */
  uploads: RequestUploads;
  /**
   * Parses and validates the statement part (throws to reject the request); runs before any attachment part is
   * read, so an invalid statement sends no byte to R2.
   */
  parseStatements: (text: string) => unknown;
};

export type MultipartStatements = {
  body: unknown;
  /** Contents now in R2, one per distinct sha2, to be recorded with the statement batch. */
  attachments: StoredAttachment[];
  /** The raw bytes of signature parts by lower-case sha2, for signature verification. */
  signatures: Map<string, Uint8Array>;
};


export async function readMultipartStatements(input: MultipartStatementInput): Promise<MultipartStatements> {
  const { limits } = input;
  const boundary = boundaryOf(input.contentType);
  if (!input.body) throw badRequest("the multipart/mixed request has no body");
  const reader = new MultipartReader(input.body.getReader(), boundary, {
    maxBodyBytes: limits.maxRequestBytes,
    maxHeaderBytes: limits.maxHeaderBytes,
    maxParts: Math.min(limits.maxParts, MAX_PARTS_PER_REQUEST),
  });
  try {
    const first = await reader.nextPart();
    if (!first) throw badRequest("the multipart/mixed request has no statement part");
    const type = mediaType(first.headers.get("content-type"));
    if (type !== "application/json") {
      throw badRequest(`the first part of a multipart/mixed statement request must be application/json, not "${type || "(none)"}"`);
    }
    const body = input.parseStatements(await readText(first, limits.maxStatementBytes));
    const declared = bySha2(declaredAttachments(body));
    const alreadyStored = await findStoredKeys(input.db, input.storeId, [...declared.keys()]);
    const budget = UploadBudget.requireAffordable(declared, alreadyStored);

    const stored = new Map<string, StoredAttachment>();
    const signatures = new Map<string, Uint8Array>();
    for (let part = await reader.nextPart(); part; part = await reader.nextPart()) {
      const { sha2, contentType, attachments, expectedLength } = checkPartHeaders(part, declared);
      const isSignature = attachments.some((attachment) => attachment.usageType === SIGNATURE_USAGE_TYPE);
      // Content the store or this request already holds is only verified, not written again.
      const existingKey = alreadyStored.get(sha2) ?? stored.get(sha2)?.r2Key;
      if (existingKey === undefined) budget.spend(attachments);
      const r2Key = existingKey ?? input.uploads.newKey(sha2);
      const { length, kept } = await writeAttachmentPart(input.bucket, part.content(), {
        sha2,
        key: existingKey === undefined ? r2Key : undefined,
        contentType,
        maxBytes: limits.maxAttachmentBytes,
        keepBytes: isSignature ? limits.maxSignatureBytes : 0,
        expectedLength,
      });
      stored.set(sha2, { sha2, contentType, length, r2Key });
      if (kept) signatures.set(sha2, kept);
    }
    requireAttachmentData([...declared.values()].flat(), new Set(stored.keys()));
    return { body, attachments: [...stored.values()], signatures };
  } catch (error) {
    await reader.cancel();
    throw error;
  }
}

async function readText(part: MultipartPart, limit: number): Promise<string> {
  return decodeUtf8(await collectBytes(part.content(), limit, "the statement part"), "the statement part");
}

// 1.0.3 Communication 1.5.2.s2.b2.b3-b7 (9274.1.1 4.1.3): each attachment part carries X-Experience-API-Hash
// and Content-Transfer-Encoding binary (assumed when absent, s3.b6), and its headers agree with the
// attachment objects they serve.
function checkPartHeaders(part: MultipartPart, declared: Map<string, DeclaredAttachment[]>) {
  const hash = part.headers.get("x-experience-api-hash");
  if (!hash) throw badRequest("every multipart part after the statements needs an X-Experience-API-Hash header");
  const sha2 = hash.toLowerCase();
  const attachments = declared.get(sha2);
  if (!attachments) {
    throw badRequest(`the multipart part with X-Experience-API-Hash ${hash.slice(0, 130)} matches no attachment's sha2`);
  }
  const encoding = part.headers.get("content-transfer-encoding");
  if (encoding !== undefined && encoding.toLowerCase() !== "binary") {
    throw badRequest(`attachment parts must use Content-Transfer-Encoding binary, not "${encoding.slice(0, 40)}"`);
  }
  const partType = part.headers.get("content-type");
  const declaredTypes = attachments.map((attachment) => attachment.contentType).filter((type) => typeof type === "string");
  if (partType !== undefined && declaredTypes.length > 0 && !declaredTypes.some((type) => mediaType(type) === mediaType(partType))) {
    throw badRequest(`the part's Content-Type "${partType.slice(0, 80)}" differs from the attachment's contentType`, attachments[0]!.path);
  }
  // The stored type goes back into response part headers: no control characters, whatever was sent.
  const sent = (partType || (declaredTypes[0] as string | undefined) || "").replace(/[\x00-\x1f\x7f]/g, "").trim();
  const contentType = sent || "application/octet-stream";
  return { sha2, contentType, attachments, expectedLength: contentLength(part, attachments) };
}

function contentLength(part: MultipartPart, attachments: DeclaredAttachment[]): number | undefined {
  const header = part.headers.get("content-length");
  if (header === undefined) return undefined;
  if (!/^\d{1,15}$/.test(header)) throw badRequest(`an attachment part has a malformed Content-Length "${header.slice(0, 20)}"`);
  const length = Number(header);
  const mismatch = attachments.find((attachment) => typeof attachment.length === "number" && attachment.length !== length);
  if (mismatch) throw badRequest(`the part's Content-Length ${length} differs from the attachment's length`, mismatch.path);
  return length;
}
