// Size limits for statement requests with attachments (1.0.3 Communication 1.5.2.s3.b7; 9274.1.1 4.1.3 and
// 4.1.5 "413"). The byte limits are the request limits (src/http/request-limits.ts: [vars] in wrangler.toml, with
// defaults measured to keep a request's heap under 64 MiB).
import type { Bindings } from "../../../env";
import { requestLimits } from "../../../http/request-limits";

export type AttachmentLimits = {
  /** The whole multipart request (LRS_MAX_REQUEST_BYTES). Workers accept up to 100 MB on most plans. */
  maxRequestBytes: number;
  /** One attachment's content (LRS_MAX_ATTACHMENT_BYTES). */
  maxAttachmentBytes: number;
  /** The statement part, the same limit as an application/json statement body (LRS_MAX_BODY_BYTES). */
  maxStatementBytes: number;
  maxParts: number;
  maxHeaderBytes: number;
  /** A signature part is held in memory to be verified. */
  maxSignatureBytes: number;
};

const MiB = 1024 * 1024;

export function attachmentLimits(env: Bindings): AttachmentLimits {
  const limits = requestLimits(env);
  return {
    maxRequestBytes: limits.maxRequestBytes,
    maxAttachmentBytes: limits.maxAttachmentBytes,
    maxStatementBytes: limits.maxBodyBytes,
    maxParts: 1001,
    maxHeaderBytes: 16 * 1024,
    maxSignatureBytes: 1 * MiB,
  };
}
