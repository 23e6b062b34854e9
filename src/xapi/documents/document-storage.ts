// The storage verbs the document routes call: reads straight from D1 + R2, writes through the DocumentWriter
// Durable Object of the document's context.
//
// Reads do not go through the Durable Object: the D1 row is switched to a new R2 key only after that body is
// fully written, and R2 keys are never overwritten or reused, so a row read from D1 always names a complete,
// immutable body. The one race left — the body deleted because a newer version committed between the two
// reads — shows as a missing R2 object and is resolved by reading the row again, from the primary, where the
// newer row is already visible. A row missing from the request's session is also looked for at the primary
// before answering 404: with read replication on, a replica may not hold a document written a moment ago by a
// client that sent no bookmark (src/http/recent-writes.ts covers most such reads, not all).
import type { DocumentWriter } from "../../durable/document-writer";
import { storePrimary } from "../../db/store-databases";
import type { Bindings } from "../../env";
import { type DocumentAddress, type DocumentSet, writerName } from "./document-address";
import { type DocumentRow, findDocumentRow, listDocumentIds } from "./document-rows";
import type { WriteCommand, WriteOutcome } from "./document-writes";

export { listDocumentIds };

export type OpenedDocument = { row: DocumentRow; body?: ReadableStream };

const READ_ATTEMPTS = 3;

/** The document's metadata and (unless `withBody` is false) its body as a stream; undefined when absent. */
export async function openDocument(
  db: D1Database,
  env: Bindings,
  address: DocumentAddress,
  withBody: boolean,
): Promise<OpenedDocument | undefined> {
  for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
    const source = attempt === 0 ? db : await storePrimary(env, address.storeId);
    const row = await findDocumentRow(source, address);
    if (!row && attempt === 0) continue;
    if (!row) return undefined;
    if (!withBody) return { row };
    const object = await env.BLOBS.get(row.r2Key);
    if (object) return { row, body: object.body };
  }
  throw new Error("document body kept disappearing while being read");
}

/** Sends one write to the Durable Object serialising the document's context. */
export function writeDocument(
  env: Bindings,
  set: DocumentSet | DocumentAddress,
  command: WriteCommand,
): Promise<WriteOutcome> {
  const namespace = env.DOCUMENT_WRITER as unknown as DurableObjectNamespace<DocumentWriter>;
  const writer = namespace.get(namespace.idFromName(writerName(set)));
  return writer.write(command) as Promise<WriteOutcome>;
}

/**
 * Deletes every State and Agent Profile document of an agent in a store (for erasure), each context through
 * its writer, so no concurrent write can slip a body past the deletion or see a row without its body.
 * Returns how many contexts were cleared.
 */
export async function deleteAgentDocuments(env: Bindings, storeId: string, agentKey: string): Promise<number> {
  const { results } = await (await storePrimary(env, storeId))
    .prepare("SELECT DISTINCT kind, activity_id FROM documents WHERE store_id = ? AND agent_key = ?")
    .bind(storeId, agentKey)
    .all<{ kind: DocumentSet["kind"]; activity_id: string }>();
  for (const { kind, activity_id: activityId } of results) {
    const set: DocumentSet = { storeId, kind, activityId, agentKey };
    const outcome = await writeDocument(env, set, { method: "DELETE_SET", set });
    // A delete-all has no preconditions, so a refusal here is a bug.
    if (!outcome.ok) throw new Error(`deleting the documents of ${kind} ${activityId} was refused: ${outcome.refusal.kind}`);
  }
  return results.length;
}
