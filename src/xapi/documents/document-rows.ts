// Storage verbs for document metadata in D1 (`documents`). Every identity is a full primary key, so a
// single document is a point lookup and a list is a prefix seek on (store, kind, activity, agent[, registration]).
// Writes are compare-and-set on the R2 key they replace: the Durable Object already serialises them, and the
// condition keeps even two live instances of one object (a rare network split) from losing an update.
import { and, asc, eq, gt, type SQL } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { documents } from "../../db/schema";
import type { DocumentAddress, DocumentSet } from "./document-address";

export type DocumentRow = typeof documents.$inferSelect;
type DocumentIdentity = Pick<DocumentRow, keyof DocumentAddress>;

function addressIs(address: DocumentIdentity): SQL {
  return and(
    eq(documents.storeId, address.storeId),
    eq(documents.kind, address.kind),
    eq(documents.activityId, address.activityId),
    eq(documents.agentKey, address.agentKey),
    eq(documents.registration, address.registration),
    eq(documents.documentId, address.documentId),
  )!;
}

function setIs(set: DocumentSet): SQL {
  return and(
    eq(documents.storeId, set.storeId),
    eq(documents.kind, set.kind),
    eq(documents.activityId, set.activityId),
    eq(documents.agentKey, set.agentKey),
    set.registration === undefined ? undefined : eq(documents.registration, set.registration),
  )!;
}

export async function findDocumentRow(db: D1Database, address: DocumentIdentity): Promise<DocumentRow | undefined> {
  const rows = await drizzle(db).select().from(documents).where(addressIs(address)).limit(1);
  return rows[0];
}

/** Ids in a set changed strictly after `sinceMs`, and the newest change among them (for Last-Modified). */
export async function listDocumentIds(
  db: D1Database,
  set: DocumentSet,
  sinceMs?: number,
): Promise<{ ids: string[]; lastModifiedMs?: number }> {
  const rows = await selectDocumentIds(db, set, sinceMs);
  // Without a registration the set spans registrations, where one stateId may occur more than once.
  const ids = [...new Set(rows.map((row) => row.documentId))];
  const lastModifiedMs = rows.length ? Math.max(...rows.map((row) => row.updatedMs)) : undefined;
  return { ids, lastModifiedMs };
}

/** The id list query on its own, so a test can check its plan is a primary-key prefix seek. */
export function selectDocumentIds(db: D1Database, set: DocumentSet, sinceMs?: number) {
  return drizzle(db)
    .select({ documentId: documents.documentId, updatedMs: documents.updatedMs })
    .from(documents)
    .where(and(setIs(set), sinceMs === undefined ? undefined : gt(documents.updatedMs, sinceMs)))
    .orderBy(asc(documents.documentId));
}

export async function listDocumentSetRows(db: D1Database, set: DocumentSet): Promise<DocumentRow[]> {
  return drizzle(db).select().from(documents).where(setIs(set));
}

/** Creates the row; false when one already exists. */
export async function insertDocumentRow(db: D1Database, row: DocumentRow): Promise<boolean> {
  const result = await drizzle(db).insert(documents).values(row).onConflictDoNothing().run();
  return result.meta.changes === 1;
}

/** Points the row at a new body; false when the row no longer points at `replacedR2Key`. */
export async function replaceDocumentRow(db: D1Database, row: DocumentRow, replacedR2Key: string): Promise<boolean> {
  const { etag, contentType, size, updatedMs, r2Key } = row;
  const result = await drizzle(db)
    .update(documents)
    .set({ etag, contentType, size, updatedMs, r2Key })
    .where(and(addressIs(row), eq(documents.r2Key, replacedR2Key)))
    .run();
  return result.meta.changes === 1;
}

/** Deletes the row; false when it no longer points at `r2Key`. */
export async function deleteDocumentRow(db: D1Database, address: DocumentIdentity, r2Key: string): Promise<boolean> {
  const result = await drizzle(db).delete(documents).where(and(addressIs(address), eq(documents.r2Key, r2Key))).run();
  return result.meta.changes === 1;
}

/** Deletes every row of the set and returns the R2 keys they pointed at. */
export async function deleteDocumentSetRows(db: D1Database, set: DocumentSet): Promise<string[]> {
  const rows = await drizzle(db).delete(documents).where(setIs(set)).returning({ r2Key: documents.r2Key });
  return rows.map((row) => row.r2Key);
}
