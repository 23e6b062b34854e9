// How many attachment contents one statement request may write to R2. Cloudflare counts every R2 call
// toward the request's subrequests (Free: 50 per request, PLATFORM.md), and the request's own D1 calls
// (authentication, the stored-keys lookup, the statement batch, clean-up) need about ten of those. A content
// under R2's 5 MiB minimum part is one put; a larger one is a multipart upload: create, one call per 5 MiB
// part, complete. Anything over the budget is a 413 before its bytes are written.
import { payloadTooLarge } from "../../../errors";
import type { DeclaredAttachment } from "./declared-attachments";

/** R2 calls for attachment contents in one request; with the request's D1 calls it stays under 45. */
export const R2_WRITES_PER_REQUEST = 32;
/** Parts in one request: the statements plus at most one part per R2 write (a repeated content costs none). */
export const MAX_PARTS_PER_REQUEST = 1 + R2_WRITES_PER_REQUEST;
const UPLOAD_PART_BYTES = 5 * 1024 * 1024;

/** R2 calls to store a content of `length` bytes (attachment-blobs.ts: put, or multipart create+parts+complete). */
export function r2WritesFor(length: unknown): number {
  if (typeof length !== "number" || length < UPLOAD_PART_BYTES) return 1;
  return Math.ceil(length / UPLOAD_PART_BYTES) + 2;
}

export class UploadBudget {
  private used = 0;

  /** Refuses, before anything is read, contents that must arrive (no fileUrl) and cannot all be written. */
  static requireAffordable(declared: ReadonlyMap<string, DeclaredAttachment[]>, alreadyStored: ReadonlyMap<string, string>): UploadBudget {
    let needed = 0;
    for (const [sha2, attachments] of declared) {
      if (alreadyStored.has(sha2) || attachments.every((attachment) => attachment.fileUrl !== undefined)) continue;
      needed += r2WritesFor(attachments[0]!.length);
    }
    if (needed > R2_WRITES_PER_REQUEST) throw tooMany(needed);
    return new UploadBudget();
  }

  /** Takes the writes of one new content, or refuses the request before that content is written. */
  spend(attachments: readonly DeclaredAttachment[]): void {
    this.used += r2WritesFor(attachments[0]?.length);
    if (this.used > R2_WRITES_PER_REQUEST) throw tooMany(this.used);
  }
}

function tooMany(writes: number): Error {
  return payloadTooLarge(
    `the attachments of one request may take at most ${R2_WRITES_PER_REQUEST} R2 writes (one per content under 5 MiB, ` +
      `two more than its 5 MiB parts above), this one needs ${writes}: send them in several requests`,
  );
}
