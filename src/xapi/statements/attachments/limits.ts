// Size limits for statement requests with attachments (1.0.3 Communication 1.5.2.s3.b7; 9274.1.1 4.1.3 and
// 4.1.5 "413"). Configured by [vars] in wrangler.toml; anything missing or invalid falls back to the default.
import type { Bindings } from "../../../env";

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
  const vars = env as unknown as Record<string, unknown>;
  return {
    maxRequestBytes: positive(vars.LRS_MAX_REQUEST_BYTES, 100 * MiB),
    maxAttachmentBytes: positive(vars.LRS_MAX_ATTACHMENT_BYTES, 64 * MiB),
    maxStatementBytes: positive(vars.LRS_MAX_BODY_BYTES, 20 * MiB),
    maxParts: 1001,
    maxHeaderBytes: 16 * 1024,
    maxSignatureBytes: 1 * MiB,
  };
}

function positive(value: unknown, fallback: number): number {
  const number = Number(value);
  return Number.isSafeInteger(number) && number > 0 ? number : fallback;
}
