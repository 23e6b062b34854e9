// The State and Agent Profile documents about one agent, for the learner page: metadata from D1 by the
// (store_id, agent_key) index (documents_store_agent); bodies are read through the document store's
// openDocument like the xAPI document resources read them. Capped: a learner page lists at most 200.
import { and, asc, eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { documents } from "../db/schema";
import type { DocumentKind } from "../xapi/documents/document-address";

export type AgentDocument = {
  kind: DocumentKind;
  activityId: string;
  registration: string;
  documentId: string;
  contentType: string;
  size: number;
  updatedMs: number;
};

export const AGENT_DOCUMENT_LIMIT = 200;

export async function listAgentDocuments(db: D1Database, storeId: string, agentKey: string): Promise<AgentDocument[]> {
  const rows = await drizzle(db)
    .select({
      kind: documents.kind,
      activityId: documents.activityId,
      registration: documents.registration,
      documentId: documents.documentId,
      contentType: documents.contentType,
      size: documents.size,
      updatedMs: documents.updatedMs,
    })
    .from(documents)
    .where(and(eq(documents.storeId, storeId), eq(documents.agentKey, agentKey)))
    .orderBy(asc(documents.kind), asc(documents.activityId), asc(documents.documentId))
    .limit(AGENT_DOCUMENT_LIMIT);
  return rows.map((row) => ({ ...row, kind: row.kind as DocumentKind }));
}
