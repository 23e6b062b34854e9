// The audit log of admin actions. Entries hold ids, counts and keyed hashes only, never personal data, so the
// log itself needs no erasure. A subject (an agent) is recorded as HMAC-SHA256 keyed by the admin token: whoever
// holds the token can check whether a given agent was erased, while a copy of the database alone cannot be
// dictionary-attacked for e-mail addresses. (Rotating the token changes the hashes of later entries.)
import { desc, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Alongside } from "../db/alongside";
import { auditLog } from "../db/schema";
import { toHex } from "../auth/secrets";

export type AuditEntry = { id: number; storeId: string; action: string; detail: unknown; atMs: number };
export type AuditRecord = { storeId: string; action: string; detail: object };

/**
 * The audit row of a change, for the storage verb to run in the change's own D1 batch (../db/alongside.ts):
 * written only when the change takes effect, and never without it.
 */
export function auditAlongside(db: D1Database, record: AuditRecord): Alongside {
  // INSERT ... SELECT names every column in table order; NULL lets SQLite assign the id.
  return (applies) =>
    drizzle(db)
      .insert(auditLog)
      .select(
        sql`SELECT NULL, ${record.storeId}, ${record.action}, ${JSON.stringify(record.detail)}, ${Date.now()} WHERE ${applies}`,
      );
}

export async function recordAudit(db: D1Database, storeId: string, action: string, detail: object): Promise<void> {
  await drizzle(db).insert(auditLog).values({ storeId, action, detail: JSON.stringify(detail), atMs: Date.now() });
}

/**
 * The store's newest audit entries: store and credential changes are written in the home database, forwarder
 * changes and erasures beside the data they change, in the store's (src/db/store-databases.ts); newest first by
 * time across both.
 */
export async function listAudit(home: D1Database, storeDb: D1Database, storeId: string, limit: number): Promise<AuditEntry[]> {
  const read = (db: D1Database) =>
    drizzle(db).select().from(auditLog).where(eq(auditLog.storeId, storeId)).orderBy(desc(auditLog.id)).limit(limit);
  const rows = home === storeDb ? await read(home) : [...(await read(home)), ...(await read(storeDb))];
  if (home !== storeDb) rows.sort((a, b) => b.atMs - a.atMs);
  return rows.slice(0, limit).map((row) => ({ ...row, detail: JSON.parse(row.detail) as unknown }));
}

export async function hashSubject(secret: string, subject: string): Promise<string> {
  const encoder = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  return `hmac-sha256:${toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(subject))))}`;
}
