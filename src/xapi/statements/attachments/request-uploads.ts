// The R2 objects one statement request wrote. Every upload has a key of its own (attachment-blobs.ts), so when
// the request ends, each of them that no `attachments` row names can go at once: the request was rejected (a
// rejected request leaves nothing behind), or a concurrent request recorded the same content first. A key a
// row names is kept, so content a statement references is never deleted, even if the request failed only after
// its batch committed. What cannot be deleted now (R2 or D1 failing) is left to the daily orphan sweep.
import { findRecordedKeys } from "./attachment-rows";
import { deleteKeys, newAttachmentKey } from "./attachment-blobs";

export class RequestUploads {
  private readonly keys: string[] = [];

  constructor(
    private readonly db: D1Database,
    private readonly bucket: R2Bucket,
    private readonly storeId: string,
  ) {}

  /** A fresh key for an upload of `sha2`, remembered before any byte is written to it. */
  newKey(sha2: string): string {
    const key = newAttachmentKey(this.storeId, sha2);
    this.keys.push(key);
    return key;
  }

  /** Deletes what this request wrote that no `attachments` row names: one D1 read and one R2 delete (<= 1,000 parts). */
  async removeUnrecorded(): Promise<void> {
    if (this.keys.length === 0) return;
    try {
      const recorded = await findRecordedKeys(this.db, this.storeId, this.keys);
      await deleteKeys(this.bucket, this.keys.filter((key) => !recorded.has(key)));
    } catch {
      // The response must not turn into a 500 over cleanup; the orphan sweep removes these after 24 hours.
    }
  }
}
