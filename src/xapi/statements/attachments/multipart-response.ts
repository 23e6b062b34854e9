// The multipart/mixed response of GET /statements?attachments=true (1.0.3 Communication 2.1.3.s2.b6 and
// 1.5.2.s3.b1; 9274.1.1 4.1.3, 4.1.6.1): the Statement or StatementResult as the first, application/json
// part, then each attachment content the statements reference, once, streamed from R2 as the client reads.
import { STORED_BODY_HEADERS } from "../../../http/stored-body-headers";
import { findLinkedAttachments } from "./attachment-rows";
import type { StoredAttachment } from "./attachment-blobs";

const encoder = new TextEncoder();

/**
 * A 200 response for `json` (the Statement or StatementResult text) and the contents linked to the statements
 * at `seqs`. `headers` are kept (Content-Type is set here); `head` answers HEAD without a body.
 */
export async function multipartStatementResponse(
  db: D1Database,
  bucket: R2Bucket,
  storeId: string,
  json: string,
  seqs: readonly number[],
  options: { headers?: HeadersInit; head?: boolean } = {},
): Promise<Response> {
  const attachments = await findLinkedAttachments(db, storeId, seqs);
  // Random hex: it cannot occur in the parts, and the conformance suite splits on it with a RegExp.
  const boundary = `xapi${crypto.randomUUID().replaceAll("-", "")}`;
  const headers = new Headers(options.headers);
  headers.set("Content-Type", `multipart/mixed; boundary=${boundary}`);
  // The parts are stored contents of any type: a browser must save them, never render them as our page.
  for (const [name, value] of Object.entries(STORED_BODY_HEADERS)) headers.set(name, value);
  if (options.head) return new Response(null, { status: 200, headers });
  return new Response(readableFrom(multipartBody(bucket, boundary, json, attachments)), { status: 200, headers });
}

async function* multipartBody(
  bucket: R2Bucket,
  boundary: string,
  json: string,
  attachments: readonly StoredAttachment[],
): AsyncGenerator<Uint8Array> {
  yield encoder.encode(`--${boundary}\r\nContent-Type: application/json\r\n\r\n${json}`);
  for (const attachment of attachments) {
    const object = await bucket.get(attachment.r2Key);
    if (!object) {
      // A row without its object is a storage fault, not the client's: leave the part out, tell the operator.
      console.error("attachment content missing from R2", attachment.r2Key);
      continue;
    }
    yield encoder.encode(
      `\r\n--${boundary}\r\nContent-Type: ${attachment.contentType}\r\nContent-Transfer-Encoding: binary\r\n` +
        `X-Experience-API-Hash: ${attachment.sha2}\r\nContent-Length: ${object.size}\r\n\r\n`,
    );
    const reader = object.body.getReader();
    for (let read = await reader.read(); !read.done; read = await reader.read()) yield read.value;
  }
  yield encoder.encode(`\r\n--${boundary}--\r\n`);
}

function readableFrom(chunks: AsyncGenerator<Uint8Array>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}
