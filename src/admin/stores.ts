// Storage verbs for stores (tenants) and their figures. Figures are COUNTs over index ranges that start with
// store_id, so each is one index range scan; fine at the sizes a small team runs, and the place to swap in
// maintained counters if stores grow to many millions of rows.
import { asc, eq, type SQL, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import type { Alongside } from "../db/alongside";
import { stores } from "../db/schema";
import { HOME_DATABASE } from "../db/store-databases";
import { activityCountQuery } from "../statement-store/activity-definitions";
import { agentCountQuery } from "../statement-store/agent-names";
import { statementCountQuery } from "../statement-store/statement-log";

export type StoreRow = typeof stores.$inferSelect;

/** `database` as shown: the binding's name, DB for a store from before there were several (NULL). */
const shown = (row: StoreRow): StoreRow => ({ ...row, database: row.database ?? HOME_DATABASE });

export async function listStores(db: D1Database): Promise<StoreRow[]> {
  return (await drizzle(db).select().from(stores).orderBy(asc(stores.createdAt), asc(stores.id))).map(shown);
}

export async function findStore(db: D1Database, id: string): Promise<StoreRow | undefined> {
  const rows = await drizzle(db).select().from(stores).where(eq(stores.id, id)).limit(1);
  return rows[0] && shown(rows[0]);
}

const storeFound = (id: string): SQL => sql`EXISTS (SELECT 1 FROM ${stores} WHERE ${stores.id} = ${id})`;

/** Inserts a store in the home database, placed in `database` (null: DB itself); undefined when the id is taken. */
export async function insertStore(
  db: D1Database,
  id: string,
  name: string,
  alongside: Alongside,
  database: string | null = null,
  createdAt = Date.now(),
): Promise<StoreRow | undefined> {
  const orm = drizzle(db);
  // The query alongside runs first: it applies only while the id is free.
  const [, inserted] = await orm.batch([
    alongside(sql`NOT ${storeFound(id)}`),
    orm.insert(stores).values({ id, name, createdAt, database }).onConflictDoNothing().returning(),
  ]);
  return inserted[0] && shown(inserted[0]);
}

/**
 * The copy of a store's row in its own database (src/db/store-databases.ts says why), written before the home
 * row: a creation cut off between the two leaves a copy no directory row points at, which nothing reads as a store.
 */
export async function insertStoreCopy(storeDb: D1Database, id: string, name: string, database: string, createdAt: number): Promise<void> {
  await drizzle(storeDb).insert(stores).values({ id, name, createdAt, database }).onConflictDoNothing();
}

export async function updateStoreName(db: D1Database, id: string, name: string, alongside: Alongside): Promise<StoreRow | undefined> {
  const orm = drizzle(db);
  const [rows] = await orm.batch([
    orm.update(stores).set({ name }).where(eq(stores.id, id)).returning(),
    alongside(storeFound(id)),
  ]);
  return rows[0];
}

export async function deleteStoreRow(db: D1Database, id: string): Promise<void> {
  await drizzle(db).delete(stores).where(eq(stores.id, id));
}

export type StoreFigures = {
  statements: number;
  voidedStatements: number;
  documents: number;
  documentBytes: number;
  attachments: number;
  attachmentBytes: number;
  activities: number;
  agents: number;
  credentials: number;
};

/** Counts from the store's database and (credentials) the home one: two calls when they differ, else one batch. */
export async function storeFigures(home: D1Database, storeDb: D1Database, storeId: string): Promise<StoreFigures> {
  const one = (db: D1Database, sql: string) => db.prepare(sql).bind(storeId);
  const credentials = one(home, "SELECT COUNT(*) AS n FROM credentials WHERE store_id = ?");
  const data = [
    statementCountQuery(storeDb, storeId),
    one(storeDb, "SELECT COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM documents WHERE store_id = ?"),
    one(storeDb, "SELECT COUNT(*) AS n, COALESCE(SUM(length), 0) AS bytes FROM attachments WHERE store_id = ?"),
    activityCountQuery(storeDb, storeId),
    agentCountQuery(storeDb, storeId),
  ];
  const results =
    home === storeDb
      ? await storeDb.batch<Record<string, number | null>>([...data, credentials])
      : [...(await storeDb.batch<Record<string, number | null>>(data)), await credentials.all<Record<string, number | null>>()];
  const row = (i: number) => results[i]?.results[0] ?? {};
  return {
    statements: row(0).n ?? 0,
    voidedStatements: row(0).voided ?? 0,
    documents: row(1).n ?? 0,
    documentBytes: row(1).bytes ?? 0,
    attachments: row(2).n ?? 0,
    attachmentBytes: row(2).bytes ?? 0,
    activities: row(3).n ?? 0,
    agents: row(4).n ?? 0,
    credentials: row(5).n ?? 0,
  };
}
