// Attachment contents in R2, one object per content (sha2) within a store, under `att/<storeId>/<sha2>/`. Each
// upload gets a key of its own (a fresh id after the sha2), so the objects a request wrote are its own to delete
// when it fails (request-uploads.ts), even while a concurrent request uploads the same content. A part is written
// while it streams in and its digest is computed on the way (crypto.DigestStream); the object only becomes
// visible once the digest equals the declared hash, and nothing refers to it until the statement batch commits
// its `attachments` row (see attachment-rows.ts).
import { badRequest, payloadTooLarge } from "../../../errors";

/** R2's minimum size for every part of a multipart upload but the last; also the most a part write buffers. */
const UPLOAD_PART_BYTES = 5 * 1024 * 1024;

const DIGESTS: Record<number, string> = { 64: "SHA-256", 96: "SHA-384", 128: "SHA-512" };

export type StoredAttachment = { sha2: string; contentType: string; length: number; r2Key: string };

/** The R2 prefix of a store's attachment contents, or of one content's uploads when `sha2` is given. */
export function attachmentPrefix(storeId: string, sha2?: string): string {
  return sha2 === undefined ? `att/${storeId}/` : `att/${storeId}/${sha2}/`;
}

/** A key no other upload uses, for one upload of the content `sha2`. */
export function newAttachmentKey(storeId: string, sha2: string): string {
  return `${attachmentPrefix(storeId, sha2)}${crypto.randomUUID()}`;
}

/** The SHA-2 variant a hex digest's length implies (1.0.3 Communication 1.5.2: sha2 is any SHA-2). */
export function digestAlgorithm(sha2: string): string | undefined {
  return /^[0-9a-f]+$/.test(sha2) ? DIGESTS[sha2.length] : undefined;
}

export type WritePartOptions = {
  /** The declared X-Experience-API-Hash, lower-case hex. */
  sha2: string;
  /** Where to write the content; undefined when the store already holds it (only the digest is verified). */
  key: string | undefined;
  contentType: string;
  maxBytes: number;
  /** Keep the content in memory up to this many bytes (signature parts); 0 keeps nothing. */
  keepBytes: number;
  /** The part's Content-Length, when it declared one. */
  expectedLength?: number;
};

export type WrittenPart = { length: number; kept?: Uint8Array };

/** Streams one part into R2 and returns its length; a digest mismatch or an oversize part writes nothing. */
export async function writeAttachmentPart(
  bucket: R2Bucket,
  content: AsyncIterable<Uint8Array>,
  options: WritePartOptions,
): Promise<WrittenPart> {
  const algorithm = digestAlgorithm(options.sha2);
  if (!algorithm) throw badRequest(`X-Experience-API-Hash "${options.sha2.slice(0, 130)}" is not a SHA-2 hex digest`);
  const digest = new crypto.DigestStream(algorithm);
  const hasher = digest.getWriter();
  const upload = new PartUpload(bucket, options.key, options.contentType);
  const kept: Uint8Array[] = [];
  let length = 0;
  try {
    for await (const chunk of content) {
      length += chunk.byteLength;
      if (length > options.maxBytes) throw payloadTooLarge(`an attachment exceeds ${options.maxBytes} bytes`);
      if (options.keepBytes > 0) {
        if (length > options.keepBytes) throw badRequest(`a signature attachment exceeds ${options.keepBytes} bytes`);
        kept.push(chunk);
      }
      await hasher.write(chunk);
      await upload.add(chunk);
    }
    await hasher.close();
    if (options.expectedLength !== undefined && options.expectedLength !== length) {
      throw badRequest(`an attachment part's Content-Length ${options.expectedLength} is not its size ${length}`);
    }
    const actual = hex(await digest.digest);
    if (actual !== options.sha2) {
      throw badRequest(`an attachment part's content does not match its X-Experience-API-Hash ${options.sha2}`);
    }
    await upload.finish();
  } catch (error) {
    await upload.abort();
    throw error;
  }
  return { length, kept: options.keepBytes > 0 ? concat(kept, length) : undefined };
}

/** Deletes R2 objects, at most 1,000 keys per call (R2's limit for delete). */
export async function deleteKeys(bucket: R2Bucket, keys: readonly string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 1000) await bucket.delete(keys.slice(i, i + 1000));
}

/**
 * Buffers up to one upload part: content smaller than that is a single put once verified; larger content is an
 * R2 multipart upload completed only after verification (aborted otherwise, so no object appears).
 */
class PartUpload {
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  private multipart?: R2MultipartUpload;
  private readonly uploaded: R2UploadedPart[] = [];

  constructor(
    private readonly bucket: R2Bucket,
    /** Undefined: verify only, write nothing. */
    private readonly key: string | undefined,
    private readonly contentType: string,
  ) {}

  async add(chunk: Uint8Array): Promise<void> {
    if (this.key === undefined) return;
    let rest = chunk;
    while (this.pendingBytes + rest.byteLength >= UPLOAD_PART_BYTES) {
      const take = UPLOAD_PART_BYTES - this.pendingBytes;
      this.pending.push(rest.subarray(0, take));
      rest = rest.subarray(take);
      await this.flush();
    }
    if (rest.byteLength > 0) {
      this.pending.push(rest);
      this.pendingBytes += rest.byteLength;
    }
  }

  async finish(): Promise<void> {
    if (this.key === undefined) return;
    const body = concat(this.pending, this.pendingBytes);
    if (!this.multipart) {
      await this.bucket.put(this.key, body, { httpMetadata: { contentType: this.contentType } });
      return;
    }
    if (body.byteLength > 0) this.uploaded.push(await this.multipart.uploadPart(this.uploaded.length + 1, body));
    await this.multipart.complete(this.uploaded);
  }

  async abort(): Promise<void> {
    await this.multipart?.abort().catch(() => {});
  }

  private async flush(): Promise<void> {
    if (this.key === undefined) return;
    const body = concat(this.pending, UPLOAD_PART_BYTES);
    this.pending = [];
    this.pendingBytes = 0;
    this.multipart ??= await this.bucket.createMultipartUpload(this.key, { httpMetadata: { contentType: this.contentType } });
    this.uploaded.push(await this.multipart.uploadPart(this.uploaded.length + 1, body));
  }
}

function concat(chunks: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function hex(buffer: ArrayBuffer): string {
  return [...new Uint8Array(buffer)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}
